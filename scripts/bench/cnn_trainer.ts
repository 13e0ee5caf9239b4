/**
 * The series' CNN as every benchmark trains it: Adam at 1e-3 minimizing
 * binary cross-entropy, one optimizer step per call.
 */
import * as tf from "@tensorflow/tfjs";
import { adam } from "../../lib/training/adam.ts";
import { buildSimpleCnn } from "../../lib/models/simple_cnn.ts";
import { weightedBinaryCrossEntropy } from "../../lib/training/weighted_loss.ts";

/** A model, its optimizer, and a step that trains one on the other. */
export interface CnnTrainer {
  /** The series' CNN being trained. */
  model: tf.Sequential;
  /** Queues one optimizer step on images `x` and 0/1 labels `y`; returns its loss, unread. */
  step(x: tf.Tensor, y: tf.Tensor): tf.Scalar;
  /** Frees the optimizer and the model. */
  dispose(): void;
}

/** The series' CNN at `imageSize` px, its weights drawn from `seed`, with a fresh Adam. */
export function cnnTrainer(imageSize: number | [number, number], seed: number): CnnTrainer {
  const model = buildSimpleCnn({ imageSize, seed });
  const optimizer = adam(1e-3);
  const variables = model.trainableWeights.map((weight) => weight.read() as tf.Variable);
  return {
    model,
    step: (x, y) =>
      optimizer.minimize(
        () => weightedBinaryCrossEntropy(y, model.apply(x, { training: true }) as tf.Tensor),
        true,
        variables,
      )!,
    dispose: () => {
      optimizer.dispose();
      model.dispose();
    },
  };
}
