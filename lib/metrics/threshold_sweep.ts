/**
 * The decision threshold as a knob: the confusion counts and metrics of one
 * model's probabilities at many thresholds, and the threshold that
 * maximises a chosen metric. Choose the threshold on the validation set and
 * apply it, unchanged, to the test set: a threshold tuned on the test set
 * makes the test metrics optimistic.
 */
import { type ClassificationMetrics, confusionCounts, metricsFromCounts } from "./metrics.ts";

/** The counts and metrics at one threshold (positive when the probability is strictly above it). */
export interface ThresholdRow extends ClassificationMetrics {
  /** The decision threshold. */
  threshold: number;
}

/** A metric {@link bestThreshold} can maximise. */
export type ThresholdMetric =
  | "f1"
  | "precision"
  | "recall"
  | "specificity"
  | "accuracy"
  | "balancedAccuracy";

const thresholdMetrics: readonly ThresholdMetric[] = [
  "f1",
  "precision",
  "recall",
  "specificity",
  "accuracy",
  "balancedAccuracy",
];

/** The default thresholds of a sweep: 0, 0.01, …, 1 (101 values). */
export const defaultSweepThresholds: readonly number[] = Array.from(
  { length: 101 },
  (_, step) => step / 100,
);

/**
 * One row per threshold (in the order given; default 0, 0.01, …, 1) with
 * the confusion counts and the metrics of `metricsFromCounts`: precision,
 * recall, F1, specificity, accuracy, balanced accuracy. An example is
 * predicted positive when its probability is strictly above the threshold,
 * as in `confusionCounts` (so threshold 1 flags nothing).
 *
 * ```ts
 * import assert from "node:assert/strict";
 * import { thresholdSweep } from "./threshold_sweep.ts";
 *
 * const rows = thresholdSweep([1, 0, 1, 0], [0.9, 0.8, 0.3, 0.1], [0.2, 0.5, 0.85]);
 * // A higher threshold flags fewer: recall never rises, precision need not rise.
 * assert.deepEqual(rows.map((row) => row.recall), [1, 1 / 2, 1 / 2]);
 * assert.deepEqual(rows.map((row) => row.precision), [2 / 3, 1 / 2, 1]);
 * ```
 */
export function thresholdSweep(
  labels: ArrayLike<number>,
  probabilities: ArrayLike<number>,
  thresholds: readonly number[] = defaultSweepThresholds,
): ThresholdRow[] {
  if (thresholds.length === 0) {
    throw new Error("thresholdSweep: no thresholds; pass e.g. [0.3, 0.5, 0.7] or leave it out.");
  }
  return thresholds.map((threshold) => ({
    threshold,
    ...metricsFromCounts(confusionCounts(labels, probabilities, threshold)),
  }));
}

/**
 * The sweep row (default thresholds 0, 0.01, …, 1) with the highest
 * `metric` (default F1). Several thresholds often tie, since any threshold
 * between two neighbouring probabilities gives the same counts; the middle
 * one of the tied thresholds (in ascending order, the lower of two middles)
 * is returned, so the threshold lies between validation examples rather
 * than on one. Call it on validation predictions and score the test set at
 * the returned threshold (`scorePredictions(labels, p, row.threshold)`).
 * Maximising precision or specificity alone favours flagging almost nothing:
 * prefer F1 or balanced accuracy.
 */
export function bestThreshold(
  labels: ArrayLike<number>,
  probabilities: ArrayLike<number>,
  metric: ThresholdMetric = "f1",
  thresholds: readonly number[] = defaultSweepThresholds,
): ThresholdRow {
  if (!thresholdMetrics.includes(metric)) {
    throw new Error(
      `bestThreshold: unknown metric "${metric}"; use one of ${thresholdMetrics.join(", ")}.`,
    );
  }
  const rows = thresholdSweep(labels, probabilities, thresholds);
  const best = Math.max(...rows.map((row) => row[metric]));
  const tied = rows.filter((row) => row[metric] === best)
    .sort((first, second) => first.threshold - second.threshold);
  return tied[Math.floor((tied.length - 1) / 2)];
}
