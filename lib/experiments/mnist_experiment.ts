/**
 * The MNIST class-weight tutorial as a condition: its CNN, RMSprop,
 * categorical cross-entropy (optionally class-weighted) on in-memory digits,
 * scored per class. The notebook's experiments are runs of these.
 */
import * as tf from "@tensorflow/tfjs";
import type { ArrayDataset } from "../data/array_dataset.ts";
import { arrayStream } from "../data/batches.ts";
import { buildMnistCnn } from "../models/mnist_cnn.ts";
import { type MultiClassEvaluation, perClassMetrics } from "../metrics/per_class_metrics.ts";
import type { ClassRecallRow } from "../charts/per_class_recall.ts";
import type { ProgressMode } from "../training/progress.ts";
import type { ClassWeight } from "../training/weighted_loss.ts";
import type { Condition, ConditionResult } from "./experiment.ts";

/** The tutorial's batch size. */
export const MNIST_TUTORIAL_BATCH_SIZE = 56;

/** One training setup of the MNIST tutorial, for {@link mnistCondition}. */
export interface MnistConditionOptions {
  /** Name in logs, tables and legends, e.g. "balanced weights". */
  name: string;
  /** Training digits. */
  train: ArrayDataset;
  /** Scored after every epoch (the tutorial's `validation_split` part). */
  validation?: ArrayDataset;
  /** Scored once, after training. */
  test: ArrayDataset;
  /** Number of epochs. */
  epochs: number;
  /** Seed of the initial weights, dropout masks and batch order. */
  seed: number;
  /** Keras's `class_weight` mapping, e.g. `computeClassWeight(labels, "balanced")`. */
  classWeight?: ClassWeight;
  /** Examples per step (default 56, the tutorial's). */
  batchSize?: number;
  /** RMSprop's learning rate (default 1e-3, Keras's). */
  learningRate?: number;
  /** Progress display (default "auto"). */
  progress?: ProgressMode;
}

/** A run of the MNIST tutorial: its test score is per class. */
export type MnistResult = ConditionResult<MultiClassEvaluation>;

/**
 * The tutorial's condition for `runCondition`: its CNN freshly built from
 * `seed`, RMSprop, the digits in a batch order derived from `seed`, and the
 * test digits scored per class.
 */
export function mnistCondition(options: MnistConditionOptions): Condition<MultiClassEvaluation> {
  return {
    name: options.name,
    seed: options.seed,
    model: (seed) => buildMnistCnn({ seed }),
    optimizer: () => tf.train.rmsprop(options.learningRate ?? 1e-3),
    train: arrayStream(options.train, {
      batchSize: options.batchSize ?? MNIST_TUTORIAL_BATCH_SIZE,
      seed: options.seed,
    }),
    validation: options.validation,
    test: options.test,
    epochs: options.epochs,
    classWeight: options.classWeight,
    progress: options.progress,
    score: (labels, outputs) => perClassMetrics(labels, outputs, 10),
  };
}

/** One table row per result: test accuracy, then the recall of each digit (3 decimals). */
export function perClassRecallTable(
  results: readonly MnistResult[],
): Record<string, string | number>[] {
  return results.map((result) => ({
    condition: result.name,
    accuracy: round(result.test.accuracy),
    ...Object.fromEntries(
      result.test.perClass.map((entry) => [`recall ${entry.class}`, round(entry.recall)]),
    ),
    minutes: round(result.seconds / 60, 1),
  }));
}

/** The rows `perClassRecall` charts: one per result and digit. */
export function perClassRecallRows(results: readonly MnistResult[]): ClassRecallRow[] {
  return results.flatMap((result) =>
    result.test.perClass.map((entry) => ({
      condition: result.name,
      class: entry.class,
      recall: entry.recall,
    }))
  );
}

function round(value: number, digits = 3): number {
  return Math.round(value * 10 ** digits) / 10 ** digits;
}
