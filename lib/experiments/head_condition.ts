/**
 * The series' head on cached features (see `cachedFeatures`) as an
 * experimental condition: a new head per seed, trained by `trainModel` with
 * class weights, Keras-style callbacks (ReduceLROnPlateau, EarlyStopping)
 * watching a validation set scored after every epoch, and a seeded batch
 * order. A run of a head on a few thousand feature vectors takes seconds,
 * so conditions can be repeated over ten seeds with `runSeeds`.
 */
import type { ArrayDataset } from "../data/array_dataset.ts";
import { arrayStream } from "../data/batches.ts";
import type { Condition } from "./experiment.ts";
import type { TrainingCallback } from "../training/callbacks/callback.ts";
import type { ProgressMode } from "../training/progress.ts";
import type { ClassWeight } from "../training/weighted_loss.ts";
import type { BinaryLoss } from "../training/focal_loss.ts";
import { buildHead, type HeadOptions } from "../models/pretrained/head.ts";

/** One condition of a head experiment, for one seed (see {@link headCondition}). */
export interface HeadConditionOptions extends HeadOptions {
  /** Name in logs and tables (default "head"). */
  name?: string;
  /** The cached features to train on. */
  train: ArrayDataset;
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
  /** A training loss other than binary cross-entropy, e.g. `focalLoss()`. */
  loss?: BinaryLoss;
  /**
   * Scored after every epoch at threshold 0.5 (what callbacks watch) unless
   * `validateEachEpoch` is false, and predicted once after training.
   */
  validation?: ArrayDataset;
  /** Score the validation set after every epoch (default true); false when no callback needs it. */
  validateEachEpoch?: boolean;
  /** Progress display (default "none": a head run is a few seconds). */
  progress?: ProgressMode;
  /** Scored once after training, at threshold 0.5. */
  test: ArrayDataset;
  /** Makes the run's callbacks (fresh ones per run: they keep state). */
  callbacks?: () => TrainingCallback[];
}

/**
 * One run of the series' experiment on cached features, for `runCondition`
 * or `runSeeds`: a new head for the training set's feature shape
 * (`buildHead`, initialised from `seed`), its own Adam, the features in a
 * batch order derived from `seed`, then its scores on the test set.
 */
export function headCondition(options: HeadConditionOptions): Condition {
  const { train, seed } = options;
  return {
    name: options.name ?? "head",
    seed,
    model: (modelSeed) => buildHead(train.exampleShape, { ...options, seed: modelSeed }),
    train: arrayStream(train, { batchSize: options.batchSize ?? 32, seed }),
    validation: options.validation,
    validateEachEpoch: options.validateEachEpoch,
    test: options.test,
    epochs: options.epochs,
    learningRate: options.learningRate,
    classWeight: options.classWeight,
    loss: options.loss,
    callbacks: options.callbacks,
    progress: options.progress ?? "none",
  };
}
