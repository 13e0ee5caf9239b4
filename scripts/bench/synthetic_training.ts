/**
 * One training step of the series' CNN (Adam at 1e-3, binary cross-entropy)
 * on a fixed batch of random images: what the benchmark and the kernel
 * profiler both time.
 */
import * as tf from "@tensorflow/tfjs";
import { adam } from "../../lib/training/adam.ts";
import { buildSimpleCnn } from "../../lib/models/simple_cnn.ts";
import { weightedBinaryCrossEntropy } from "../../lib/training/weighted_loss.ts";

/** A repeatable training step and a way to free what it holds. */
export interface SyntheticTraining {
  /** Runs one optimizer step and waits for its loss. */
  step(): void;
  /** Frees the model, the optimizer and the batch. */
  dispose(): void;
}

/** The series' CNN at `size`x`size`, ready to take steps on one random batch of `batchSize` images. */
export function syntheticTraining(size: number, batchSize: number): SyntheticTraining {
  const model = buildSimpleCnn({ imageSize: size, seed: 0 });
  const optimizer = adam(1e-3);
  const variables = model.trainableWeights.map((weight) => weight.read() as tf.Variable);
  const x = tf.randomUniform([batchSize, size, size, 3]);
  const y = tf.cast(tf.randomUniform([batchSize, 1], 0, 2, "int32"), "float32");
  return {
    step() {
      const loss = optimizer.minimize(
        () => weightedBinaryCrossEntropy(y, model.apply(x, { training: true }) as tf.Tensor),
        true,
        variables,
      )!;
      loss.dataSync();
      loss.dispose();
    },
    dispose() {
      tf.dispose([x, y]);
      optimizer.dispose();
      model.dispose();
    },
  };
}
