/**
 * The binary focal loss of Lin et al. (2017, "Focal Loss for Dense Object
 * Detection"): cross-entropy with each example scaled down by how well it is
 * already classified, so that the many easy examples of the majority class
 * stop dominating the gradient, an alternative to class weights.
 */
import * as tf from "@tensorflow/tfjs";

/** A training loss of a sigmoid model: labels (0/1) and probabilities in, the batch's mean loss out. */
export type BinaryLoss = (labels: tf.Tensor, probabilities: tf.Tensor) => tf.Scalar;

/** Parameters of the focal loss. */
export interface FocalLossOptions {
  /**
   * Weight of the positive examples, 1 − α of the negatives, in [0, 1]
   * (default 0.25, the paper's best with γ = 2: the focusing term already
   * spares the rare class, so the paper's α even weights it down).
   */
  alpha?: number;
  /** Focusing parameter γ ≥ 0 (default 2); 0 turns it off (plain α-weighted cross-entropy). */
  gamma?: number;
}

/** Keras's fuzz factor, as in `weightedBinaryCrossEntropy`: probabilities are clipped to [ε, 1 − ε]. */
const EPSILON = 1e-7;

/**
 * Mean binary focal loss over the batch:
 * −α·(1 − p)^γ·log p for a positive, −(1 − α)·p^γ·log(1 − p) for a negative,
 * with p clipped to [1e-7, 1 − 1e-7] as in `weightedBinaryCrossEntropy`,
 * whose argument order it shares. With γ = 0 and α = 0.5 it is half the
 * binary cross-entropy.
 */
export function binaryFocalLoss(
  labels: tf.Tensor,
  probabilities: tf.Tensor,
  options: FocalLossOptions = {},
): tf.Scalar {
  const { alpha, gamma } = checkFocalLossOptions(options);
  return tf.tidy(() => {
    const p = tf.clipByValue(probabilities, EPSILON, 1 - EPSILON);
    const oneMinusP = tf.sub(1, p);
    const positive = tf.mul(tf.mul(-alpha, tf.pow(oneMinusP, gamma)), tf.log(p));
    const negative = tf.mul(tf.mul(-(1 - alpha), tf.pow(p, gamma)), tf.log(oneMinusP));
    const perExample = tf.add(tf.mul(labels, positive), tf.mul(tf.sub(1, labels), negative));
    return tf.mean(perExample) as tf.Scalar;
  });
}

/** The focal loss with fixed α and γ, as a {@link BinaryLoss} to hand to a training loop. */
export function focalLoss(options: FocalLossOptions = {}): BinaryLoss {
  const checked = checkFocalLossOptions(options);
  return (labels, probabilities) => binaryFocalLoss(labels, probabilities, checked);
}

function checkFocalLossOptions(options: FocalLossOptions): Required<FocalLossOptions> {
  const { alpha = 0.25, gamma = 2 } = options;
  if (!(alpha >= 0 && alpha <= 1)) {
    throw new Error(
      `focal loss: alpha is ${alpha}; pass the positives' weight in [0, 1] (e.g. 0.25).`,
    );
  }
  if (!(gamma >= 0) || !Number.isFinite(gamma)) {
    throw new Error(`focal loss: gamma is ${gamma}; pass a finite number ≥ 0 (e.g. 2).`);
  }
  return { alpha, gamma };
}
