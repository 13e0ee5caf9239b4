import * as tf from "@tensorflow/tfjs";

/** Keras's class weights: label → weight of each example of that label in the training loss. */
export type ClassWeight = Readonly<Record<number, number>>;

/** Keras's fuzz factor: probabilities are clipped to [ε, 1 − ε] before the logarithm. */
const EPSILON = 1e-7;

/** Throws unless a class-weight map has a finite, non-negative weight for labels 0 and 1 only. */
export function checkBinaryClassWeight(classWeight: ClassWeight): void {
  const keys = Object.keys(classWeight);
  const unknown = keys.filter((key) => key !== "0" && key !== "1");
  if (unknown.length > 0) {
    throw new Error(
      `classWeight has keys ${unknown.join(", ")}, but a binary model's labels are 0 and 1: ` +
        "use a mapping such as {0: 1, 1: 10}.",
    );
  }
  for (const key of keys) {
    const weight = classWeight[Number(key)];
    if (!(weight >= 0) || !Number.isFinite(weight)) {
      throw new Error(`classWeight[${key}] is ${weight}: a weight must be a finite number ≥ 0.`);
    }
  }
}

/**
 * Binary cross-entropy of sigmoid probabilities, each example weighted by its
 * class's weight (absent labels weigh 1), averaged over the batch: Keras's
 * `class_weight` with its default `sum_over_batch_size` reduction. Without
 * weights it is the plain mean binary cross-entropy.
 */
export function weightedBinaryCrossEntropy(
  labels: tf.Tensor,
  probabilities: tf.Tensor,
  classWeight?: ClassWeight,
): tf.Scalar {
  return tf.tidy(() => {
    const p = tf.clipByValue(probabilities, EPSILON, 1 - EPSILON);
    const perExample = tf.neg(
      tf.add(tf.mul(labels, tf.log(p)), tf.mul(tf.sub(1, labels), tf.log(tf.sub(1, p)))),
    );
    if (!classWeight) return tf.mean(perExample) as tf.Scalar;
    const negativeWeight = classWeight[0] ?? 1;
    const positiveWeight = classWeight[1] ?? 1;
    const weights = tf.add(tf.mul(labels, positiveWeight - negativeWeight), negativeWeight);
    return tf.mean(tf.mul(perExample, weights)) as tf.Scalar;
  });
}
