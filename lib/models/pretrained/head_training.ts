/**
 * Runs of the series' head on cached features (see `cachedFeatures`): a new
 * head per seed, trained by `trainModel` with class weights, Keras-style
 * callbacks (ReduceLROnPlateau, EarlyStopping) watching a validation set
 * scored after every epoch, and a seeded batch order. A run of a head on a
 * few thousand feature vectors takes seconds, so conditions can be repeated
 * over ten seeds.
 */
import { adam } from "../../training/adam.ts";
import type { ArrayDataset } from "../../data/array_dataset.ts";
import { arrayStream } from "../../data/batches.ts";
import type { TrainingCallback } from "../../training/callbacks/callback.ts";
import { type Evaluation, scorePredictions } from "../../metrics/evaluate.ts";
import type { History } from "../../training/history.ts";
import type { ProgressMode } from "../../training/progress.ts";
import { trainModel } from "../../training/train.ts";
import type { ClassWeight } from "../../training/weighted_loss.ts";
import { predictProbabilities } from "../predict.ts";
import { buildHead, type HeadOptions } from "./head.ts";

/** One condition of a head experiment, for one seed (see {@link runHead}). */
export interface HeadRunOptions extends HeadOptions {
  /** Seed of the head's initial weights and of the batch order. */
  seed: number;
  /** Maximum number of epochs (callbacks may stop earlier). */
  epochs: number;
  /** Adam's learning rate (default 1e-3, Keras's). */
  learningRate?: number;
  /** Examples per step (default 32, Keras's). */
  batchSize?: number;
  /** Keras's `class_weight`, e.g. `{0: 1, 1: 10}`. */
  classWeight?: ClassWeight;
  /** Scored after every epoch at threshold 0.5 (what callbacks watch). */
  validation?: ArrayDataset;
  /** Progress display (default "none": a head run is a few seconds). */
  progress?: ProgressMode;
  /** Prefix of the progress lines. */
  label?: string;
  /** Scored once after training, at threshold 0.5. */
  test: ArrayDataset;
  /** Makes the run's callbacks (fresh ones per run: they keep state). */
  callbacks?: () => TrainingCallback[];
}

/** What one run of a head gave. */
export interface HeadRun {
  /** The seed of the head's weights and batch order. */
  seed: number;
  /** One log per epoch run. */
  history: History;
  /** The head's probability of the positive class for each test example, in order. */
  testScores: Float32Array;
  /** The test metrics at threshold 0.5. */
  test: Evaluation;
  /** Wall-clock seconds of the run (building, training, testing). */
  seconds: number;
}

/**
 * One run of the series' experiment on cached features: a new head for the
 * training set's feature shape (`buildHead`, initialised from `seed`), its
 * own Adam, training by `trainModel`, then its scores on the test set.
 * The head is disposed afterwards; its test scores are kept for intervals.
 */
export async function runHead(train: ArrayDataset, options: HeadRunOptions): Promise<HeadRun> {
  const started = performance.now();
  const head = buildHead(train.exampleShape, options);
  const optimizer = adam(options.learningRate ?? 1e-3);
  try {
    const stream = arrayStream(train, { batchSize: options.batchSize ?? 32, seed: options.seed });
    const history = await trainModel(head, stream, {
      epochs: options.epochs,
      optimizer,
      classWeight: options.classWeight,
      validation: options.validation,
      callbacks: options.callbacks?.(),
      progress: options.progress ?? "none",
      label: options.label,
    });
    const testScores = await predictProbabilities(head, options.test);
    return {
      seed: options.seed,
      history,
      testScores,
      test: scorePredictions(options.test.labels, testScores),
      seconds: (performance.now() - started) / 1000,
    };
  } finally {
    optimizer.dispose();
    head.dispose();
  }
}

/** {@link runHead} once per seed, in order (seed j gives the j-th run), for paired comparisons. */
export async function runHeadSeeds(
  seeds: readonly number[],
  train: (seed: number) => ArrayDataset,
  options: (seed: number) => HeadRunOptions,
): Promise<HeadRun[]> {
  const runs: HeadRun[] = [];
  for (const seed of seeds) runs.push(await runHead(train(seed), options(seed)));
  return runs;
}
