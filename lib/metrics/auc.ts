/**
 * Ranking metrics on plain arrays: exact ROC AUC, average precision (the
 * area under the precision-recall curve as scikit-learn computes it), and the
 * ROC and precision-recall curves for plotting. They look at every threshold
 * at once, so unlike the metrics in `metrics.ts` they do not depend on 0.5.
 *
 * Scores may be any finite numbers (probabilities, logits); only their order
 * matters. At a threshold `t`, an example is predicted positive when its
 * score is ≥ t, scikit-learn's convention for curves.
 */

import { checkBinaryInputs } from "./metrics.ts";

/** One point of a ROC curve. */
export interface RocPoint {
  /** Scores ≥ threshold are predicted positive; the first point's is Infinity (nothing positive). */
  threshold: number;
  /** False-positive rate, fp / negatives. */
  fpr: number;
  /** True-positive rate (recall), tp / positives. */
  tpr: number;
}

/** One point of a precision-recall curve. */
export interface PrecisionRecallPoint {
  /** Scores ≥ threshold are predicted positive; the first point's is Infinity (nothing positive). */
  threshold: number;
  /** tp / (tp + fp); 1 at the first point by convention, as in scikit-learn. */
  precision: number;
  /** tp / positives. */
  recall: number;
}

/** Cumulative counts when every score ≥ `threshold` is predicted positive. */
interface SweepStep {
  threshold: number;
  tp: number;
  fp: number;
}

/** Counts of positives and negatives, and one step per distinct score, from the highest down. */
function sweepThresholds(
  labels: ArrayLike<number>,
  scores: ArrayLike<number>,
  caller: string,
): { positives: number; negatives: number; steps: SweepStep[] } {
  checkBinaryInputs(labels, scores, caller, false);
  const order = Array.from({ length: labels.length }, (_, position) => position)
    .sort((a, b) => scores[b] - scores[a]);
  const steps: SweepStep[] = [];
  let tp = 0;
  let fp = 0;
  order.forEach((position, rank) => {
    if (labels[position] === 1) tp++;
    else fp++;
    const next = order[rank + 1];
    if (next === undefined || scores[next] !== scores[position]) {
      steps.push({ threshold: scores[position], tp, fp });
    }
  });
  return { positives: tp, negatives: fp, steps };
}

/** Throws unless both classes are present, since a rate over an absent class is undefined. */
function requireBothClasses(positives: number, negatives: number, caller: string): void {
  if (positives === 0 || negatives === 0) {
    throw new Error(
      `${caller}: the labels hold ${positives} positives and ${negatives} negatives, but ` +
        `ROC needs both classes: evaluate on a set that contains examples of each class.`,
    );
  }
}

/** Throws unless there is at least one positive, since recall is undefined without one. */
function requirePositives(positives: number, caller: string): void {
  if (positives === 0) {
    throw new Error(
      `${caller}: the labels hold no positive example, so recall is undefined: ` +
        `evaluate on a set that contains at least one positive (label 1).`,
    );
  }
}

/**
 * The exact area under the ROC curve: the probability that a random positive
 * scores higher than a random negative, ties counting one half (the
 * Mann–Whitney U statistic divided by positives × negatives; equal to
 * scikit-learn's `roc_auc_score`). Needs both classes present.
 *
 * ```ts
 * import assert from "node:assert/strict";
 * import { rocAuc } from "./auc.ts";
 *
 * // Of the four (positive, negative) pairs, only (0.3, 0.8) is ranked the wrong way round.
 * assert.equal(rocAuc([1, 0, 1, 0], [0.9, 0.8, 0.3, 0.1]), 3 / 4);
 * ```
 */
export function rocAuc(labels: ArrayLike<number>, scores: ArrayLike<number>): number {
  const { positives, negatives, steps } = sweepThresholds(labels, scores, "rocAuc");
  requireBothClasses(positives, negatives, "rocAuc");
  let pairsWon = 0;
  let previous = { tp: 0, fp: 0 };
  for (const step of steps) {
    const tiedPositives = step.tp - previous.tp;
    const tiedNegatives = step.fp - previous.fp;
    pairsWon += tiedNegatives * (previous.tp + tiedPositives / 2);
    previous = step;
  }
  return pairsWon / (positives * negatives);
}

/**
 * Average precision, scikit-learn's `average_precision_score`: the sum over
 * distinct thresholds (highest first) of the precision at that threshold times
 * the recall gained there, Σ (Rₖ − Rₖ₋₁)·Pₖ. It is a step-wise (not
 * interpolated) area under the precision-recall curve; a random classifier
 * scores about the share of positives. Needs at least one positive.
 *
 * ```ts
 * import assert from "node:assert/strict";
 * import { averagePrecision } from "./auc.ts";
 *
 * // Half the recall is gained at precision 1 (score 0.9), the other half at 2/3 (score 0.3).
 * const ap = averagePrecision([1, 0, 1, 0], [0.9, 0.8, 0.3, 0.1]);
 * assert.ok(Math.abs(ap - (1 / 2 * 1 + 1 / 2 * 2 / 3)) < 1e-12);
 * ```
 */
export function averagePrecision(labels: ArrayLike<number>, scores: ArrayLike<number>): number {
  const { positives, steps } = sweepThresholds(labels, scores, "averagePrecision");
  requirePositives(positives, "averagePrecision");
  let area = 0;
  let previousTp = 0;
  for (const { tp, fp } of steps) {
    area += ((tp - previousTp) / positives) * (tp / (tp + fp));
    previousTp = tp;
  }
  return area;
}

/**
 * The ROC curve: one point per distinct score (highest threshold first),
 * starting at (0, 0) with threshold Infinity and ending at (1, 1). Needs both
 * classes present.
 */
export function rocCurvePoints(labels: ArrayLike<number>, scores: ArrayLike<number>): RocPoint[] {
  const { positives, negatives, steps } = sweepThresholds(labels, scores, "rocCurvePoints");
  requireBothClasses(positives, negatives, "rocCurvePoints");
  return [
    { threshold: Infinity, fpr: 0, tpr: 0 },
    ...steps.map(({ threshold, tp, fp }) => ({
      threshold,
      fpr: fp / negatives,
      tpr: tp / positives,
    })),
  ];
}

/**
 * The precision-recall curve: one point per distinct score (highest threshold
 * first), preceded by (recall 0, precision 1) at threshold Infinity as in
 * scikit-learn, and ending at recall 1. Needs at least one positive.
 */
export function precisionRecallPoints(
  labels: ArrayLike<number>,
  scores: ArrayLike<number>,
): PrecisionRecallPoint[] {
  const { positives, steps } = sweepThresholds(labels, scores, "precisionRecallPoints");
  requirePositives(positives, "precisionRecallPoints");
  return [
    { threshold: Infinity, precision: 1, recall: 0 },
    ...steps.map(({ threshold, tp, fp }) => ({
      threshold,
      precision: tp / (tp + fp),
      recall: tp / positives,
    })),
  ];
}
