/**
 * Precision depends on the test set's share of positives (its prevalence);
 * recall and specificity do not. So a precision measured on a balanced test
 * set can be converted to the real world's base rate, and a precision
 * measured on a small real-world set comes with a sampling error.
 */
import type { ConfusionCounts } from "./metrics.ts";

/** The two class-wise rates of a model at one threshold, which do not depend on prevalence. */
export interface ClassRates {
  /** True-positive rate (sensitivity): tp / (tp + fn). */
  recall: number;
  /** True-negative rate: tn / (tn + fp). */
  specificity: number;
}

/**
 * The precision a model with these rates has on a set whose share of
 * positives is `prevalence` (π): TPR·π / (TPR·π + (1 − TNR)·(1 − π)), Bayes'
 * rule for P(positive | flagged). E.g. recall 0.8, specificity 0.9: 0.889 on a
 * balanced set, 0.444 at π = 100 / 1,100. 0 when nothing is flagged (recall 0
 * and specificity 1), the convention of `metricsFromCounts`.
 */
export function precisionAtPrevalence(rates: ClassRates, prevalence: number): number {
  checkPrevalence(prevalence, "precisionAtPrevalence", "prevalence");
  checkRate(rates.recall, "recall");
  checkRate(rates.specificity, "specificity");
  const flaggedPositives = rates.recall * prevalence;
  const flaggedNegatives = (1 - rates.specificity) * (1 - prevalence);
  const flagged = flaggedPositives + flaggedNegatives;
  return flagged === 0 ? 0 : flaggedPositives / flagged;
}

/**
 * Converts a precision measured at prevalence `from` to prevalence `to`
 * without the counts, for whole precision-recall curves: in odds form the
 * precision's odds scale with the prevalence's odds,
 * p′ / (1 − p′) = p / (1 − p) · [to / (1 − to)] / [from / (1 − from)].
 * It equals {@link precisionAtPrevalence} with the rates that produced `p`.
 */
export function rescalePrecision(precision: number, from: number, to: number): number {
  checkPrevalence(from, "rescalePrecision", "from");
  checkPrevalence(to, "rescalePrecision", "to");
  if (!(precision >= 0 && precision <= 1)) {
    throw new Error(`rescalePrecision: precision is ${precision}; pass a value within [0, 1].`);
  }
  if (precision === 0 || precision === 1) return precision;
  const oddsRatio = (to / (1 - to)) / (from / (1 - from));
  const odds = precision / (1 - precision) * oddsRatio;
  return odds / (1 + odds);
}

/**
 * The binomial standard error of a measured precision, √(p·(1 − p) / flagged)
 * with flagged = tp + fp: how far a precision measured on this many flagged
 * examples typically lies from the model's true precision at that prevalence.
 * NaN when nothing was flagged.
 */
export function precisionStandardError(counts: ConfusionCounts): number {
  const flagged = counts.tp + counts.fp;
  if (
    !(Number.isInteger(counts.tp) && Number.isInteger(counts.fp) && counts.tp >= 0 &&
      counts.fp >= 0)
  ) {
    throw new Error(
      `precisionStandardError: tp ${counts.tp} and fp ${counts.fp} must be whole numbers ≥ 0; ` +
        "pass the counts of confusionCounts or an Evaluation.",
    );
  }
  if (flagged === 0) return NaN;
  const precision = counts.tp / flagged;
  return Math.sqrt(precision * (1 - precision) / flagged);
}

function checkPrevalence(value: number, caller: string, name: string): void {
  if (!(value > 0 && value < 1)) {
    throw new Error(
      `${caller}: ${name} is ${value}; a prevalence is the share of positives, strictly between ` +
        "0 and 1 (e.g. 100 / 1100 for 100 dogs among 1,000 cats).",
    );
  }
}

function checkRate(value: number, name: string): void {
  if (!(value >= 0 && value <= 1)) {
    throw new Error(
      `precisionAtPrevalence: ${name} is ${value}; pass a rate within [0, 1] ` +
        "(e.g. the recall and specificity of an Evaluation).",
    );
  }
}
