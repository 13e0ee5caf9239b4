import type * as tf from "@tensorflow/tfjs";

/**
 * tfjs optimizers keep their rate in a `learningRate` field that every
 * `applyGradients` call reads, but expose no setter; this type names it.
 */
type WithLearningRate = tf.Optimizer & { learningRate: number };

function withLearningRate(optimizer: tf.Optimizer): WithLearningRate {
  const candidate = optimizer as WithLearningRate;
  if (typeof candidate.learningRate !== "number") {
    throw new Error(
      `Optimizer ${optimizer.getClassName()} has no numeric learningRate: ` +
        "use one of tf.train.adam, rmsprop, sgd, momentum, adagrad or adadelta.",
    );
  }
  return candidate;
}

/** The learning rate an optimizer applies on its next step. */
export function getLearningRate(optimizer: tf.Optimizer): number {
  return withLearningRate(optimizer).learningRate;
}

/**
 * Changes the learning rate an optimizer applies from its next step on (what ReduceLROnPlateau
 * needs). SGD and momentum step with a tensor made from the rate, which only their own
 * `setLearningRate` remakes; the others read the field at every step.
 */
export function setLearningRate(optimizer: tf.Optimizer, rate: number): void {
  if (!(rate > 0) || !Number.isFinite(rate)) {
    throw new Error(`A learning rate must be a positive finite number, got ${rate}.`);
  }
  const target = withLearningRate(optimizer) as WithLearningRate & {
    setLearningRate?: (rate: number) => void;
  };
  if (typeof target.setLearningRate === "function") target.setLearningRate(rate);
  else target.learningRate = rate;
}
