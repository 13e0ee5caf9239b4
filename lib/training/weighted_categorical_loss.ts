/**
 * Keras's `class_weight` for multi-class models: categorical cross-entropy of
 * softmax outputs with each example weighted by its class's weight, and the
 * check that the weights are given the way Keras wants them (a mapping).
 */
import * as tf from "@tensorflow/tfjs";
import type { ClassWeight } from "./weighted_loss.ts";

/** Keras's fuzz factor: probabilities are clipped to [ε, 1 − ε] before the logarithm. */
const EPSILON = 1e-7;

/**
 * Throws unless `classWeight` is a mapping from class index (0 … classCount−1)
 * to a finite weight ≥ 0. An array is refused on purpose: Keras's `fit` wants
 * a dict `{class: weight}`, and passing scikit-learn's array of weights (as
 * the insurance article did) is a mistake; `computeClassWeight` returns the
 * mapping.
 */
export function checkClassWeight(classWeight: unknown, classCount: number): ClassWeight {
  if (Array.isArray(classWeight) || ArrayBuffer.isView(classWeight)) {
    throw new Error(
      "classWeight is an array, but Keras's class_weight is a mapping {class: weight}: " +
        'pass computeClassWeight(labels, "balanced") (a mapping) or write {0: w0, 1: w1, …}.',
    );
  }
  if (classWeight === null || typeof classWeight !== "object") {
    throw new Error(
      `classWeight is ${classWeight === null ? "null" : typeof classWeight}; ` +
        "pass a mapping {class: weight}, e.g. {0: 1, 1: 10}.",
    );
  }
  const weights = classWeight as Record<string, unknown>;
  for (const [key, weight] of Object.entries(weights)) {
    const label = Number(key);
    if (!Number.isInteger(label) || label < 0 || label >= classCount) {
      throw new Error(
        `classWeight has key "${key}", but the model's classes are 0 … ${classCount - 1}: ` +
          "key each weight by a class index.",
      );
    }
    if (typeof weight !== "number" || !(weight >= 0) || !Number.isFinite(weight)) {
      throw new Error(`classWeight[${key}] is ${weight}: a weight must be a finite number ≥ 0.`);
    }
  }
  return classWeight as ClassWeight;
}

/**
 * Categorical cross-entropy of softmax probabilities (`[batch, classes]`)
 * against integer class labels (`[batch]`, int32), each example weighted by
 * its class's weight (absent classes weigh 1) and averaged over the batch:
 * Keras's `class_weight` with its default `sum_over_batch_size` reduction.
 */
export function weightedCategoricalCrossEntropy(
  labels: tf.Tensor1D,
  probabilities: tf.Tensor2D,
  classWeight?: ClassWeight,
): tf.Scalar {
  return tf.tidy(() => {
    const classCount = probabilities.shape[1];
    const p = tf.clipByValue(probabilities, EPSILON, 1 - EPSILON);
    const perExample = tf.neg(tf.sum(tf.mul(tf.oneHot(labels, classCount), tf.log(p)), 1));
    if (!classWeight) return tf.mean(perExample) as tf.Scalar;
    const table = tf.tensor1d(
      Array.from({ length: classCount }, (_, label) => classWeight[label] ?? 1),
    );
    return tf.mean(tf.mul(perExample, tf.gather(table, labels))) as tf.Scalar;
  });
}
