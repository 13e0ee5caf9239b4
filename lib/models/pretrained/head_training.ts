/**
 * Training the series' head on cached features (see `cachedFeatures`), with
 * what its experiments need and `fitArrays` lacks: Keras-style callbacks
 * (ReduceLROnPlateau, EarlyStopping) watching a validation set scored after
 * every epoch, class weights, and a seeded batch order. A run of a head on
 * a few thousand feature vectors takes seconds, so conditions can be
 * repeated over ten seeds.
 */
import * as tf from "@tensorflow/tfjs";
import { adam } from "../../training/adam.ts";
import { type ArrayDataset, exampleSize } from "../../data/array_dataset.ts";
import { predictArrays } from "../../training/array_training.ts";
import type { TrainingCallback, TrainingContext } from "../../training/callbacks/callback.ts";
import { type Evaluation, scorePredictions } from "../../metrics/evaluate.ts";
import type { EpochLog, History } from "../../training/history.ts";
import { getLearningRate } from "../../training/learning_rate.ts";
import {
  createProgress,
  type ProgressMode,
  type ProgressReporter,
} from "../../training/progress.ts";
import { checkSeed, createRandom, deriveSeed, shuffled } from "../../data/random.ts";
import { runEpoch } from "../../training/running_loss.ts";
import {
  checkBinaryClassWeight,
  type ClassWeight,
  weightedBinaryCrossEntropy,
} from "../../training/weighted_loss.ts";
import { buildHead, type HeadOptions } from "./head.ts";

/** Options of {@link trainHead}. */
export interface TrainHeadOptions {
  /** Maximum number of epochs (callbacks may stop earlier). */
  epochs: number;
  /** Seed of the per-epoch shuffles: epoch e visits the examples in an order derived from (seed, e). */
  seed: number;
  /** The optimizer (default Adam at `learningRate`); give each head its own. */
  optimizer?: tf.Optimizer;
  /** Learning rate of the default Adam (default 1e-3, Keras's). */
  learningRate?: number;
  /** Examples per step (default 32, Keras's). */
  batchSize?: number;
  /** Keras's `class_weight`, e.g. `{0: 1, 1: 10}`. */
  classWeight?: ClassWeight;
  /** Scored after every epoch at threshold 0.5 (what callbacks watch). */
  validation?: ArrayDataset;
  /** Keras-style callbacks; give each run fresh ones (they keep state). */
  callbacks?: TrainingCallback[];
  /** Progress display (default "none": a head run is a few seconds). */
  progress?: ProgressMode | ProgressReporter;
  /** Prefix of the progress lines. */
  label?: string;
}

/** The examples at `indices` as a tensor, and their labels. */
function gather(data: ArrayDataset, indices: readonly number[]): { x: tf.Tensor; y: tf.Tensor2D } {
  const size = exampleSize(data);
  const values = new Float32Array(indices.length * size);
  const labels = new Float32Array(indices.length);
  indices.forEach((index, row) => {
    values.set(data.x.subarray(index * size, (index + 1) * size), row * size);
    labels[row] = data.labels[index];
  });
  return {
    x: tf.tensor(values, [indices.length, ...data.exampleShape]),
    y: tf.tensor2d(labels, [indices.length, 1]),
  };
}

/** The validation fields of an epoch log. */
async function validationLog(
  head: tf.LayersModel,
  validation: ArrayDataset,
): Promise<Partial<EpochLog>> {
  const score = scorePredictions(validation.labels, await predictArrays(head, validation));
  return {
    valLoss: score.loss,
    valTp: score.tp,
    valFp: score.fp,
    valTn: score.tn,
    valFn: score.fn,
    valAccuracy: score.accuracy,
    valPrecision: score.precision,
    valRecall: score.recall,
    valAuc: score.auc,
  };
}

/**
 * Trains a sigmoid head on feature vectors the way the series' `model.fit`
 * trains its model: (class-weighted) binary cross-entropy, every example
 * once per epoch in a fresh seeded order, the validation set scored after
 * each epoch, callbacks seeing each epoch's log and able to change the
 * learning rate or stop. Returns one log per epoch run.
 */
export async function trainHead(
  head: tf.LayersModel,
  train: ArrayDataset,
  options: TrainHeadOptions,
): Promise<History> {
  if (!Number.isInteger(options.epochs) || options.epochs < 1) {
    throw new Error(`trainHead: epochs must be a whole number ≥ 1, got ${options.epochs}.`);
  }
  const batchSize = options.batchSize ?? 32;
  if (!Number.isInteger(batchSize) || batchSize < 1) {
    throw new Error(`trainHead: batchSize must be a whole number ≥ 1, got ${batchSize}.`);
  }
  if (train.count === 0) throw new Error("trainHead: the training set has no example.");
  checkSeed(options.seed, "trainHead: the seed");
  const badLabel = train.labels.findIndex((label) => label > 1);
  if (badLabel >= 0) {
    throw new Error(
      `trainHead: training label ${train.labels[badLabel]} at index ${badLabel} is not 0 or 1; ` +
        "a sigmoid head separates two classes.",
    );
  }
  if (options.classWeight) checkBinaryClassWeight(options.classWeight);
  const optimizer = options.optimizer ?? adam(options.learningRate ?? 1e-3);
  const variables = head.trainableWeights.map((weight) => weight.read() as tf.Variable);
  const callbacks = options.callbacks ?? [];
  const progress = typeof options.progress === "object"
    ? options.progress
    : createProgress(options.progress ?? "none");
  const context: TrainingContext = { model: head, optimizer, stopTraining: false, notes: [] };
  const batchCount = Math.ceil(train.count / batchSize);
  const allIndices = Array.from({ length: train.count }, (_, index) => index);
  const history: History = [];

  callbacks.forEach((callback) => callback.onTrainBegin?.(context));
  await progress.trainBegin({
    epochs: options.epochs,
    batchesPerEpoch: batchCount,
    label: options.label,
  });
  for (let epoch = 1; epoch <= options.epochs && !context.stopTraining; epoch++) {
    const started = performance.now();
    const lr = getLearningRate(optimizer);
    const order = shuffled(allIndices, createRandom(deriveSeed(options.seed, epoch)));
    const batches = Array.from(
      { length: batchCount },
      (_, batch) => order.slice(batch * batchSize, (batch + 1) * batchSize),
    );
    const loss = await runEpoch(
      batches,
      (indices) => {
        const { x, y } = gather(train, indices);
        const batchLoss = optimizer.minimize(
          () =>
            weightedBinaryCrossEntropy(
              y,
              head.apply(x, { training: true }) as tf.Tensor,
              options.classWeight,
            ),
          true,
          variables,
        ) as tf.Scalar;
        tf.dispose([x, y]);
        return { loss: batchLoss, examples: indices.length };
      },
      (batchesRead, meanLoss) => progress.batchEnd(epoch, batchesRead, meanLoss),
    );
    const log: EpochLog = {
      epoch,
      loss,
      ...(options.validation ? await validationLog(head, options.validation) : {}),
      lr,
      seconds: (performance.now() - started) / 1000,
    };
    history.push(log);
    context.notes.length = 0;
    callbacks.forEach((callback) => callback.onEpochEnd?.(log, context));
    await progress.epochEnd(log, context.notes);
  }
  context.notes.length = 0;
  callbacks.forEach((callback) => callback.onTrainEnd?.(context));
  await progress.trainEnd(history, context.notes);
  if (!options.optimizer) optimizer.dispose();
  return history;
}

/** One condition of a head experiment, for one seed (see {@link runHead}). */
export interface HeadRunOptions
  extends Omit<TrainHeadOptions, "seed" | "optimizer" | "callbacks">, HeadOptions {
  /** Seed of the head's initial weights and of the batch order. */
  seed: number;
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
 * own Adam, training by {@link trainHead}, then its scores on the test set.
 * The head is disposed afterwards; its test scores are kept for intervals.
 */
export async function runHead(train: ArrayDataset, options: HeadRunOptions): Promise<HeadRun> {
  const started = performance.now();
  const head = buildHead(train.exampleShape, options);
  const optimizer = adam(options.learningRate ?? 1e-3);
  try {
    const history = await trainHead(head, train, {
      ...options,
      optimizer,
      callbacks: options.callbacks?.(),
    });
    const testScores = await predictArrays(head, options.test);
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
