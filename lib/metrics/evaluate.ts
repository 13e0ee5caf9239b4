import type * as tf from "@tensorflow/tfjs";
import { averagePrecision, rocAuc } from "./auc.ts";
import {
  binaryCrossEntropy,
  type ClassificationMetrics,
  confusionCounts,
  metricsFromCounts,
} from "./metrics.ts";
import { type LabeledExamples, labelsOf, predictProbabilities } from "../models/predict.ts";

/** The series' metric record for one model on one set, plus F1 and the ranking metrics. */
export interface Evaluation extends ClassificationMetrics {
  /** Mean binary cross-entropy (unweighted). */
  loss: number;
  /** ROC AUC (0.5 when the set has one class only: undefined, reported as chance). */
  auc: number;
  /** Average precision, the area under the precision-recall curve. */
  prAuc: number;
  /** Number of examples. */
  count: number;
  /** Share of positive examples: the precision a model guessing at random would get. */
  prevalence: number;
  /** Decision threshold the counts were taken at. */
  threshold: number;
}

/**
 * Scores sigmoid probabilities against 0/1 labels: loss, confusion counts at
 * `threshold` (positive when strictly above it, as Keras does), accuracy,
 * precision, recall, F1, ROC AUC and PR AUC. Pure: the training loop's
 * validation and {@link evaluate} both use it.
 *
 * ```ts
 * import assert from "node:assert/strict";
 * import { scorePredictions } from "./evaluate.ts";
 *
 * const score = scorePredictions([1, 0, 1, 0], [0.9, 0.8, 0.3, 0.1]);
 * assert.deepEqual([score.tp, score.fp, score.tn, score.fn], [1, 1, 1, 1]);
 * assert.deepEqual([score.recall, score.auc, score.prevalence], [0.5, 0.75, 0.5]);
 * ```
 */
export function scorePredictions(
  labels: ArrayLike<number>,
  probabilities: ArrayLike<number>,
  threshold = 0.5,
): Evaluation {
  const metrics = metricsFromCounts(confusionCounts(labels, probabilities, threshold));
  const positives = metrics.tp + metrics.fn;
  const oneClass = positives === 0 || positives === labels.length;
  return {
    loss: binaryCrossEntropy(labels, probabilities),
    ...metrics,
    auc: oneClass ? 0.5 : rocAuc(labels, probabilities),
    prAuc: positives === 0 ? 0 : averagePrecision(labels, probabilities),
    count: labels.length,
    prevalence: positives / labels.length,
    threshold,
  };
}

/**
 * Evaluates a trained model on a labelled set, like the series'
 * `model.evaluate` with its metric list (loss, TP, FP, TN, FN, accuracy,
 * precision, recall, AUC), plus F1 and PR AUC.
 */
export async function evaluate(
  model: tf.LayersModel,
  examples: LabeledExamples,
  options: { threshold?: number; batchSize?: number } = {},
): Promise<Evaluation> {
  if (examples.indices.length === 0) {
    throw new Error("evaluate: the set has no example; pass a non-empty subset.");
  }
  const probabilities = await predictProbabilities(model, examples, options.batchSize);
  return scorePredictions(labelsOf(examples), probabilities, options.threshold ?? 0.5);
}
