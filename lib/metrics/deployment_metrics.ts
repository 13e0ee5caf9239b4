/**
 * Scoring a model on a balanced test set as if the positives had their
 * deployment share (prevalence) π. Recall, specificity and ROC AUC do not
 * depend on π; precision, F1, accuracy, PR AUC and calibration do. Weighting
 * each class to its deployment share gives the expected value of those
 * metrics on a test set drawn at π, with the noise of the balanced set's
 * many positives instead of the few a representative set would hold.
 */
import { precisionRecallPoints, rocAuc } from "./auc.ts";
import { brierScore, expectedCalibrationError } from "./calibration.ts";
import { type ConfusionCounts, confusionCounts } from "./metrics.ts";
import { precisionAtPrevalence, rescalePrecision } from "./prevalence.ts";
import { defaultSweepThresholds } from "./threshold_sweep.ts";

/** Threshold metrics at a deployment prevalence, from {@link metricsAtPrevalence}. */
export interface MetricsAtPrevalence {
  /** The prevalence π the metrics are computed for. */
  prevalence: number;
  /** tp / (tp + fn), as measured. */
  recall: number;
  /** tn / (tn + fp), as measured. */
  specificity: number;
  /** Precision on a set with a share π of positives. */
  precision: number;
  /** Harmonic mean of that precision and the recall. */
  f1: number;
  /** π·recall + (1 − π)·specificity. */
  accuracy: number;
}

/**
 * Recall and specificity from the counts, and the precision, F1 and
 * accuracy they imply on a set where positives have the share
 * `prevalence`. Needs at least one positive and one negative.
 *
 * ```ts
 * import assert from "node:assert/strict";
 * import { metricsAtPrevalence } from "./deployment_metrics.ts";
 *
 * // Balanced test set: recall 0.8, specificity 0.9, precision 8 / 9.
 * const rare = metricsAtPrevalence({ tp: 8, fn: 2, tn: 9, fp: 1 }, 0.1);
 * assert.deepEqual([rare.recall, rare.specificity], [0.8, 0.9]);
 * // At 1 positive in 10, the flagged are 0.1 × 0.8 true and 0.9 × 0.1 false positives.
 * assert.ok(Math.abs(rare.precision - 0.08 / (0.08 + 0.09)) < 1e-12);
 * ```
 */
export function metricsAtPrevalence(
  counts: ConfusionCounts,
  prevalence: number,
): MetricsAtPrevalence {
  const positives = counts.tp + counts.fn;
  const negatives = counts.tn + counts.fp;
  if (positives === 0 || negatives === 0) {
    throw new Error(
      `metricsAtPrevalence: the counts hold ${positives} positives and ${negatives} negatives; ` +
        "pass counts of a test set with both classes.",
    );
  }
  const recall = counts.tp / positives;
  const specificity = counts.tn / negatives;
  const precision = precisionAtPrevalence({ recall, specificity }, prevalence);
  return {
    prevalence,
    recall,
    specificity,
    precision,
    f1: precision + recall === 0 ? 0 : 2 * precision * recall / (precision + recall),
    accuracy: prevalence * recall + (1 - prevalence) * specificity,
  };
}

/**
 * Average precision (step-wise PR AUC, as `averagePrecision`) on a set where
 * positives have the share `prevalence`: each point of the measured
 * precision-recall curve keeps its recall, and its precision is rescaled
 * from the measured prevalence to `prevalence` (`rescalePrecision`). A
 * random classifier scores about `prevalence`.
 */
export function averagePrecisionAtPrevalence(
  labels: ArrayLike<number>,
  scores: ArrayLike<number>,
  prevalence: number,
): number {
  const measured = shareOfPositives(labels, "averagePrecisionAtPrevalence");
  let area = 0;
  let previousRecall = 0;
  for (const point of precisionRecallPoints(labels, scores)) {
    area += (point.recall - previousRecall) *
      rescalePrecision(point.precision, measured, prevalence);
    previousRecall = point.recall;
  }
  return area;
}

/**
 * Per-example weights that give the positives a total share `prevalence`
 * and the negatives 1 − `prevalence`, averaging 1 over the set, for the
 * calibration measures (`brierScore`, `reliabilityBins`,
 * `expectedCalibrationError`).
 */
export function prevalenceWeights(labels: ArrayLike<number>, prevalence: number): Float64Array {
  const measured = shareOfPositives(labels, "prevalenceWeights");
  if (!(prevalence > 0 && prevalence < 1)) {
    throw new Error(
      `prevalenceWeights: prevalence is ${prevalence}; pass the positives' share, strictly ` +
        "between 0 and 1 (e.g. 1 / 11 for one dog per ten cats).",
    );
  }
  const positiveWeight = prevalence / measured;
  const negativeWeight = (1 - prevalence) / (1 - measured);
  return Float64Array.from(
    { length: labels.length },
    (_, position) => labels[position] === 1 ? positiveWeight : negativeWeight,
  );
}

/** Every metric of a run at a deployment prevalence, from {@link scoreAtPrevalence}. */
export interface ScoreAtPrevalence extends MetricsAtPrevalence {
  /** The decision threshold of the threshold metrics. */
  threshold: number;
  /** ROC AUC (prevalence-free). */
  rocAuc: number;
  /** Average precision at the prevalence. */
  prAuc: number;
  /** Brier score at the prevalence. */
  brier: number;
  /** Expected calibration error (10 bins) at the prevalence. */
  ece: number;
}

/**
 * The threshold metrics at `threshold` (default 0.5), ROC AUC, PR AUC and
 * the calibration measures of one model's probabilities, all at
 * `prevalence`: one row of a results table.
 */
export function scoreAtPrevalence(
  labels: ArrayLike<number>,
  probabilities: ArrayLike<number>,
  prevalence: number,
  threshold = 0.5,
): ScoreAtPrevalence {
  const weights = prevalenceWeights(labels, prevalence);
  return {
    ...metricsAtPrevalence(confusionCounts(labels, probabilities, threshold), prevalence),
    threshold,
    rocAuc: rocAuc(labels, probabilities),
    prAuc: averagePrecisionAtPrevalence(labels, probabilities, prevalence),
    brier: brierScore(labels, probabilities, weights),
    ece: expectedCalibrationError(labels, probabilities, 10, weights),
  };
}

function shareOfPositives(labels: ArrayLike<number>, caller: string): number {
  let positives = 0;
  for (let position = 0; position < labels.length; position++) positives += labels[position];
  if (positives === 0 || positives === labels.length) {
    throw new Error(
      `${caller}: the labels hold ${positives} positives among ${labels.length}; ` +
        "pass a test set with both classes.",
    );
  }
  return positives / labels.length;
}

/** One row of {@link thresholdSweepAtPrevalence}. */
export interface ThresholdAtPrevalence extends MetricsAtPrevalence {
  /** The decision threshold (positive when the probability is strictly above it). */
  threshold: number;
}

/**
 * The metrics at `prevalence` for each threshold (default 0, 0.01, …, 1):
 * the threshold sweep of `thresholdSweep`, for a deployment share of positives.
 */
export function thresholdSweepAtPrevalence(
  labels: ArrayLike<number>,
  probabilities: ArrayLike<number>,
  prevalence: number,
  thresholds: readonly number[] = defaultSweepThresholds,
): ThresholdAtPrevalence[] {
  if (thresholds.length === 0) {
    throw new Error(
      "thresholdSweepAtPrevalence: no thresholds; pass e.g. [0.3, 0.5] or leave it out.",
    );
  }
  return thresholds.map((threshold) => ({
    threshold,
    ...metricsAtPrevalence(confusionCounts(labels, probabilities, threshold), prevalence),
  }));
}

/**
 * The threshold with the highest F1 at `prevalence` (the middle one of tied
 * thresholds, as `bestThreshold`). By default the candidates are the
 * midpoints between neighbouring distinct probabilities, plus one below the
 * lowest and one above the highest, so every distinct decision is tried
 * however small the probabilities are (a fixed grid of 0.01 steps cannot
 * separate probabilities that all lie below 0.01). Choose it on validation
 * predictions and apply it to the test set.
 */
export function bestThresholdAtPrevalence(
  labels: ArrayLike<number>,
  probabilities: ArrayLike<number>,
  prevalence: number,
  thresholds: readonly number[] = candidateThresholds(probabilities),
): ThresholdAtPrevalence {
  const rows = thresholdSweepAtPrevalence(labels, probabilities, prevalence, thresholds);
  const best = Math.max(...rows.map((row) => row.f1));
  const tied = rows.filter((row) => row.f1 === best)
    .sort((first, second) => first.threshold - second.threshold);
  return tied[Math.floor((tied.length - 1) / 2)];
}

/** Midpoints between neighbouring distinct probabilities, half the lowest, and halfway from the highest to 1. */
function candidateThresholds(probabilities: ArrayLike<number>): number[] {
  const values = [...new Set(Array.from(probabilities))].sort((a, b) => a - b);
  if (values.length === 0) return [0.5];
  return [
    values[0] / 2,
    ...values.slice(1).map((value, index) => (values[index] + value) / 2),
    (values[values.length - 1] + 1) / 2,
  ];
}
