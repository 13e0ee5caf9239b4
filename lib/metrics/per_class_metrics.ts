/**
 * Metrics of a multi-class classifier from its softmax outputs: accuracy and,
 * per class, recall ("of the 3s, how many were called 3?") and precision.
 * Per-class recall is where class imbalance shows: overall accuracy barely
 * moves when a rare digit is always missed.
 */

/** Recall and precision of one class. */
export interface ClassMetrics {
  /** The class index (the digit, for MNIST). */
  class: number;
  /** Examples of the class in the labels. */
  support: number;
  /** Correctly predicted examples of the class / support (0 when the class has no example). */
  recall: number;
  /** Correct predictions of the class / all predictions of it (0 when it is never predicted). */
  precision: number;
}

/** Accuracy and per-class metrics of a multi-class classifier. */
export interface MultiClassEvaluation {
  /** Share of examples whose most probable class is their label. */
  accuracy: number;
  /** One entry per class, in class order. */
  perClass: ClassMetrics[];
  /** `confusion[label][predicted]`: examples of class `label` predicted as `predicted`. */
  confusion: number[][];
  /** Number of examples. */
  count: number;
}

/** The most probable class of each row of `count × classCount` outputs (the first on ties). */
export function argmaxRows(outputs: ArrayLike<number>, classCount: number): Uint8Array {
  if (!(Number.isInteger(classCount) && classCount >= 1) || outputs.length % classCount !== 0) {
    throw new Error(
      `argmaxRows: ${outputs.length} outputs do not make rows of ${classCount} classes; ` +
        "pass the model's softmax outputs, row after row, and their class count.",
    );
  }
  const predictions = new Uint8Array(outputs.length / classCount);
  for (let row = 0; row < predictions.length; row++) {
    let best = 0;
    for (let c = 1; c < classCount; c++) {
      if (outputs[row * classCount + c] > outputs[row * classCount + best]) best = c;
    }
    predictions[row] = best;
  }
  return predictions;
}

/**
 * Scores softmax outputs (`labels.length × classCount` values, row after
 * row) against integer labels: accuracy, confusion matrix, and recall and
 * precision of every class.
 */
export function perClassMetrics(
  labels: ArrayLike<number>,
  outputs: ArrayLike<number>,
  classCount: number,
): MultiClassEvaluation {
  if (labels.length === 0) {
    throw new Error("perClassMetrics: no labels; pass the labels of a non-empty set.");
  }
  if (outputs.length !== labels.length * classCount) {
    throw new Error(
      `perClassMetrics: ${outputs.length} outputs for ${labels.length} labels and ${classCount} ` +
        `classes; expected ${
          labels.length * classCount
        } (one row of class probabilities per label).`,
    );
  }
  const predictions = argmaxRows(outputs, classCount);
  const confusion = Array.from({ length: classCount }, () => new Array<number>(classCount).fill(0));
  let correct = 0;
  for (let example = 0; example < labels.length; example++) {
    const label = labels[example];
    if (!(Number.isInteger(label) && label >= 0 && label < classCount)) {
      throw new Error(
        `perClassMetrics: label ${label} at index ${example} is outside 0 … ${classCount - 1}.`,
      );
    }
    confusion[label][predictions[example]]++;
    if (predictions[example] === label) correct++;
  }
  const perClass = confusion.map((row, c) => {
    const support = row.reduce((sum, count) => sum + count, 0);
    const predicted = confusion.reduce((sum, other) => sum + other[c], 0);
    return {
      class: c,
      support,
      recall: support === 0 ? 0 : row[c] / support,
      precision: predicted === 0 ? 0 : row[c] / predicted,
    };
  });
  return { accuracy: correct / labels.length, perClass, confusion, count: labels.length };
}

/**
 * Mean categorical cross-entropy and accuracy of softmax outputs
 * (`count × classes`, row after row) against integer labels: what Keras logs
 * as `val_loss` and `val_accuracy` for a softmax model. Probabilities are
 * clipped to [1e-7, 1 − 1e-7] before the log, as Keras does.
 *
 * ```ts
 * import assert from "node:assert/strict";
 * import { softmaxLossAndAccuracy } from "./per_class_metrics.ts";
 *
 * const { loss, accuracy } = softmaxLossAndAccuracy(Uint8Array.of(0, 1), [0.5, 0.5, 0.2, 0.8], 2);
 * assert.equal(accuracy, 1); // ties go to the first class, as argmax does
 * assert.ok(Math.abs(loss - (-Math.log(0.5) - Math.log(0.8)) / 2) < 1e-12);
 * ```
 */
export function softmaxLossAndAccuracy(
  labels: Uint8Array,
  outputs: ArrayLike<number>,
  classes: number,
): { loss: number; accuracy: number } {
  let lossSum = 0;
  let correct = 0;
  labels.forEach((label, example) => {
    const row = example * classes;
    const p = Math.min(Math.max(outputs[row + label], 1e-7), 1 - 1e-7);
    lossSum -= Math.log(p);
    let best = 0;
    for (let c = 1; c < classes; c++) if (outputs[row + c] > outputs[row + best]) best = c;
    if (best === label) correct++;
  });
  return { loss: lossSum / labels.length, accuracy: correct / labels.length };
}
