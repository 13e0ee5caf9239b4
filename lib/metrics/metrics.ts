/**
 * Thresholded classification metrics and the loss, computed on plain arrays
 * (no tfjs), so they can score any model's predictions: the confusion counts,
 * accuracy, precision, recall, F1, specificity, and binary cross-entropy.
 * The ranking metrics (ROC AUC, average precision, curves) are in `auc.ts`.
 */

/** The four cells of a binary confusion matrix (class 1 is the positive class). */
export interface ConfusionCounts {
  /** Positives predicted positive. */
  tp: number;
  /** Negatives predicted positive. */
  fp: number;
  /** Negatives predicted negative. */
  tn: number;
  /** Positives predicted negative. */
  fn: number;
}

/** Confusion counts and the metrics derived from them. */
export interface ClassificationMetrics extends ConfusionCounts {
  /** (tp + tn) / all. */
  accuracy: number;
  /** tp / (tp + fp): of the predicted positives, the share that are positive. */
  precision: number;
  /** tp / (tp + fn): of the positives, the share found (sensitivity, true-positive rate). */
  recall: number;
  /** 2·tp / (2·tp + fp + fn): the harmonic mean of precision and recall. */
  f1: number;
  /** tn / (tn + fp): of the negatives, the share predicted negative (true-negative rate). */
  specificity: number;
  /** (recall + specificity) / 2: accuracy as if both classes were equally common. */
  balancedAccuracy: number;
}

/** Keras's `epsilon()`: probabilities are clipped to [EPSILON, 1 − EPSILON] before the logarithm. */
export const EPSILON = 1e-7;

/**
 * Throws unless `labels` and `values` are non-empty, of equal length, every
 * label is 0 or 1, and every value is a number (a probability in [0, 1] when
 * `valuesAreProbabilities`, else any finite score). `caller` names the metric
 * in the message. Shared with `auc.ts`.
 */
export function checkBinaryInputs(
  labels: ArrayLike<number>,
  values: ArrayLike<number>,
  caller: string,
  valuesAreProbabilities: boolean,
): void {
  const [what, one] = valuesAreProbabilities
    ? ["probabilities", "probability"]
    : ["scores", "score"];
  if (labels.length !== values.length) {
    throw new Error(
      `${caller}: ${labels.length} labels but ${values.length} ${what}: ` +
        `pass one ${one} per label.`,
    );
  }
  if (labels.length === 0) {
    throw new Error(`${caller}: no examples (empty labels and ${what}): pass at least one.`);
  }
  for (let position = 0; position < labels.length; position++) {
    const label = labels[position];
    if (label !== 0 && label !== 1) {
      throw new Error(
        `${caller}: label ${label} at position ${position} is not 0 or 1: ` +
          `pass binary labels (1 for the positive class).`,
      );
    }
    const value = values[position];
    const valid = valuesAreProbabilities ? value >= 0 && value <= 1 : Number.isFinite(value);
    if (!valid) {
      throw new Error(
        valuesAreProbabilities
          ? `${caller}: probability ${value} at position ${position} is not in [0, 1]: ` +
            `pass the model's sigmoid outputs (apply a sigmoid to logits, check for NaN).`
          : `${caller}: score ${value} at position ${position} is not a finite number: ` +
            `check the model's outputs for NaN or infinity.`,
      );
    }
  }
}

/**
 * The confusion counts of `probabilities` against `labels` (0/1) when an
 * example is predicted positive if its probability is strictly greater than
 * `threshold` (default 0.5), as Keras's thresholded metrics
 * (`TruePositives`, `Precision`, `Recall`, …) do: a probability of exactly
 * 0.5 counts as negative.
 *
 * ```ts
 * import assert from "node:assert/strict";
 * import { confusionCounts } from "./metrics.ts";
 *
 * const counts = confusionCounts([1, 1, 0, 0, 0], [0.9, 0.4, 0.6, 0.2, 0.5]);
 * assert.deepEqual(counts, { tp: 1, fn: 1, fp: 1, tn: 2 }); // 0.5 itself is predicted negative
 * ```
 */
export function confusionCounts(
  labels: ArrayLike<number>,
  probabilities: ArrayLike<number>,
  threshold = 0.5,
): ConfusionCounts {
  checkBinaryInputs(labels, probabilities, "confusionCounts", true);
  if (!(threshold >= 0 && threshold <= 1)) {
    throw new Error(`confusionCounts: threshold ${threshold} is not in [0, 1]: e.g. 0.5.`);
  }
  const counts = { tp: 0, fp: 0, tn: 0, fn: 0 };
  for (let position = 0; position < labels.length; position++) {
    const predictedPositive = probabilities[position] > threshold;
    if (labels[position] === 1) {
      if (predictedPositive) counts.tp++;
      else counts.fn++;
    } else if (predictedPositive) counts.fp++;
    else counts.tn++;
  }
  return counts;
}

/** `numerator / denominator`, or 0 when the denominator is 0 (Keras's and scikit-learn's default). */
function ratio(numerator: number, denominator: number): number {
  return denominator === 0 ? 0 : numerator / denominator;
}

/**
 * Accuracy, precision, recall, F1, specificity and balanced accuracy from
 * confusion counts, whole or weighted (e.g. bootstrap counts times class
 * weights for a deployment share of positives). A ratio whose denominator is 0 (no predicted positives for
 * precision, no positives for recall, …) is 0, as in Keras and in
 * scikit-learn's default `zero_division`.
 *
 * ```ts
 * import assert from "node:assert/strict";
 * import { metricsFromCounts } from "./metrics.ts";
 *
 * const metrics = metricsFromCounts({ tp: 1, fn: 1, fp: 1, tn: 2 });
 * assert.deepEqual([metrics.precision, metrics.recall], [1 / 2, 1 / 2]);
 * assert.deepEqual([metrics.specificity, metrics.accuracy], [2 / 3, 3 / 5]);
 * ```
 */
export function metricsFromCounts(counts: ConfusionCounts): ClassificationMetrics {
  for (const cell of ["tp", "fp", "tn", "fn"] as const) {
    const value = counts[cell];
    if (!Number.isFinite(value) || value < 0) {
      throw new Error(
        `metricsFromCounts: ${cell} is ${value}, not a count ≥ 0: ` +
          `pass the counts returned by confusionCounts (or weighted counts).`,
      );
    }
  }
  const { tp, fp, tn, fn } = counts;
  const recall = ratio(tp, tp + fn);
  const specificity = ratio(tn, tn + fp);
  return {
    tp,
    fp,
    tn,
    fn,
    accuracy: ratio(tp + tn, tp + fp + tn + fn),
    precision: ratio(tp, tp + fp),
    recall,
    f1: ratio(2 * tp, 2 * tp + fp + fn),
    specificity,
    balancedAccuracy: (recall + specificity) / 2,
  };
}

/**
 * Mean binary cross-entropy of `probabilities` against `labels` (0/1), with
 * each probability clipped to [1e-7, 1 − 1e-7] first, like Keras, so that a
 * confident wrong prediction costs about 16.1 rather than infinity.
 */
export function binaryCrossEntropy(
  labels: ArrayLike<number>,
  probabilities: ArrayLike<number>,
): number {
  checkBinaryInputs(labels, probabilities, "binaryCrossEntropy", true);
  let total = 0;
  for (let position = 0; position < labels.length; position++) {
    const clipped = Math.min(Math.max(probabilities[position], EPSILON), 1 - EPSILON);
    total -= labels[position] === 1 ? Math.log(clipped) : Math.log(1 - clipped);
  }
  return total / labels.length;
}
