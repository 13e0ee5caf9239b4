/**
 * The convergence check: the series' CNN trained on real images on the
 * selected engine, so WebGPU's test accuracy can be compared with wasm's.
 */
import * as tf from "@tensorflow/tfjs";
import { loadImageFolder } from "../../../lib/data/image_folder.ts";
import { prepareDataset } from "../../../lib/data/batches.ts";
import { predictProbabilities } from "../../../lib/models/predict.ts";
import { runEpoch } from "../../../lib/training/running_loss.ts";
import { cnnTrainer } from "../cnn_trainer.ts";
import type { Options } from "./options.ts";

/** Test images taken per class, after the training images. */
const TEST_PER_CLASS = 500;

/**
 * Trains the CNN on real images (Adam 1e-3, batch 32) once per seed with the
 * training loop of the library's `trainModel` (lib/training/running_loss.ts's
 * `runEpoch`; no validation, callbacks or progress bar), the same on every
 * engine, and prints each run's epoch losses, test accuracy and training
 * speed, then the accuracies' mean and standard deviation. `engine` labels
 * the lines.
 */
export async function convergence(options: Options, engine: string): Promise<void> {
  const images = await loadImageFolder(options.images!);
  const byClass = images.classNames.map((_, label) =>
    [...images.labels.keys()].filter((index) => images.labels[index] === label)
  );
  const train = byClass.map((indices) => indices.slice(0, options.trainPerClass));
  const test = byClass.flatMap((indices) =>
    indices.slice(options.trainPerClass, options.trainPerClass + TEST_PER_CLASS)
  );
  if (byClass.some((indices) => indices.length <= options.trainPerClass)) {
    throw new Error(
      `${options.images} has too few images: each class needs more than --train ${options.trainPerClass}.`,
    );
  }
  const accuracies: number[] = [];
  for (let seed = 0; seed < options.seeds; seed++) {
    accuracies.push(await convergenceRun(images, train, test, seed, options.epochs, engine));
  }
  const mean = accuracies.reduce((a, b) => a + b, 0) / accuracies.length;
  const sd = Math.sqrt(
    accuracies.reduce((sum, a) => sum + (a - mean) ** 2, 0) / Math.max(1, accuracies.length - 1),
  );
  console.log(
    `convergence engine=${engine}: test accuracy mean ${mean.toFixed(4)}, sd ${sd.toFixed(4)} ` +
      `over ${accuracies.length} seeds`,
  );
}

/** One training run of the convergence check; returns its test accuracy. */
async function convergenceRun(
  images: Awaited<ReturnType<typeof loadImageFolder>>,
  train: number[][],
  test: number[],
  seed: number,
  epochs: number,
  engine: string,
): Promise<number> {
  const stream = prepareDataset(images, train, { seed, batchSize: 32 });
  const trainer = cnnTrainer([images.height, images.width], seed);
  const started = performance.now();
  const losses: number[] = [];
  for (let epoch = 1; epoch <= epochs; epoch++) {
    losses.push(
      await runEpoch(stream.batches(epoch), (batch) => {
        const loss = trainer.step(batch.x, batch.y);
        tf.dispose([batch.x, batch.y]);
        return { loss, examples: batch.indices.length };
      }, () => Promise.resolve()),
    );
  }
  const trainingSeconds = (performance.now() - started) / 1000;
  const probabilities = await predictProbabilities(trainer.model, {
    source: images,
    indices: test,
  });
  const correct =
    test.filter((index, row) => (probabilities[row] >= 0.5 ? 1 : 0) === images.labels[index])
      .length;
  console.log(
    `convergence engine=${engine} seed=${seed} images=${images.height}x${images.width} ` +
      `train=${stream.size} test=${test.length} epochs=${epochs}: epoch losses ${
        losses.map((loss) => loss.toFixed(4)).join(" ")
      }, test accuracy ${(correct / test.length).toFixed(4)}; training ${
        trainingSeconds.toFixed(1)
      } s (${(stream.size * epochs / trainingSeconds).toFixed(0)} images/s)`,
  );
  trainer.dispose();
  return correct / test.length;
}
