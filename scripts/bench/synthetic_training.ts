/**
 * Training steps of the series' CNN (lib's model seeded 0, ./cnn_trainer.ts)
 * on random images: what the benchmarks and the kernel profiler time. The
 * images and labels are seeded, so every run trains on the same batches.
 */
import * as tf from "@tensorflow/tfjs";
import { createRandom } from "../../lib/data/random.ts";
import { cnnTrainer } from "./cnn_trainer.ts";

/** Distinct batches a run with `freshBatches` cycles through, uploaded one per step. */
const BATCH_POOL = 4;

/** Options of {@link syntheticTraining}. */
export interface SyntheticTrainingOptions {
  /**
   * Upload each step's images from a CPU array (cycling through a few
   * batches), as training does; default false: one batch stays on the engine.
   */
  freshBatches?: boolean;
}

/** Repeatable training steps and a way to free what they hold. */
export interface SyntheticTraining {
  /** Queues one optimizer step and returns its loss, unread (the caller disposes it). */
  launch(): tf.Scalar;
  /** Runs one optimizer step and waits for its loss. */
  step(): void;
  /** Frees the model, the optimizer and the batch. */
  dispose(): void;
}

/** The series' CNN at `size`x`size`, ready to train on random batches of `batchSize` images. */
export function syntheticTraining(
  size: number,
  batchSize: number,
  { freshBatches = false }: SyntheticTrainingOptions = {},
): SyntheticTraining {
  const trainer = cnnTrainer(size, 0);
  const shape: [number, number, number, number] = [batchSize, size, size, 3];
  const pool = Array.from({ length: freshBatches ? BATCH_POOL : 1 }, (_, i) => {
    const random = createRandom(1 + i);
    return Float32Array.from({ length: batchSize * size * size * 3 }, () => random.next());
  });
  const fixedX = freshBatches ? undefined : tf.tensor4d(pool[0], shape);
  const y = tf.cast(tf.randomUniform([batchSize, 1], 0, 2, "int32", 2), "float32");
  let steps = 0;
  const launch = (): tf.Scalar => {
    const x = fixedX ?? tf.tensor4d(pool[steps % pool.length], shape);
    steps++;
    const loss = trainer.step(x, y);
    if (x !== fixedX) x.dispose();
    return loss;
  };
  return {
    launch,
    step: () => {
      const loss = launch();
      loss.dataSync();
      loss.dispose();
    },
    dispose: () => {
      tf.dispose([fixedX, y].filter((t) => t !== undefined));
      trainer.dispose();
    },
  };
}
