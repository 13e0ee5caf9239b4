/**
 * One run of the MNIST class-weight tutorial: build its CNN, train it with
 * RMSprop on in-memory digits (optionally class-weighted), score it on the
 * test set per class. The notebook's experiments are a list of these.
 */
import * as tf from "@tensorflow/tfjs";
import type { ArrayDataset } from "../data/array_dataset.ts";
import { arrayStream } from "../data/batches.ts";
import { predictProbabilities } from "../models/predict.ts";
import { trainModel } from "../training/train.ts";
import type { History } from "../training/history.ts";
import { buildMnistCnn } from "../models/mnist_cnn.ts";
import { type MultiClassEvaluation, perClassMetrics } from "../metrics/per_class_metrics.ts";
import type { ClassRecallRow } from "../charts/per_class_recall.ts";
import type { ProgressMode } from "../training/progress.ts";
import type { ClassWeight } from "../training/weighted_loss.ts";

/** The tutorial's batch size. */
export const MNIST_TUTORIAL_BATCH_SIZE = 56;

/** One training setup of the MNIST tutorial. */
export interface MnistCondition {
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

/** What one MNIST run produced. */
export interface MnistResult {
  /** The condition's name. */
  name: string;
  /** One record per epoch. */
  history: History;
  /** Test accuracy, per-class recall and precision, confusion matrix. */
  test: MultiClassEvaluation;
  /** Wall-clock seconds of training and scoring. */
  seconds: number;
  /** The trained model (the caller disposes it when done). */
  model: tf.LayersModel;
}

/**
 * Trains the tutorial's CNN (freshly built from `seed`) with RMSprop and
 * categorical cross-entropy under one condition, then scores it on the test
 * digits.
 */
export async function runMnistCondition(condition: MnistCondition): Promise<MnistResult> {
  const started = performance.now();
  const model = buildMnistCnn({ seed: condition.seed });
  const optimizer = tf.train.rmsprop(condition.learningRate ?? 1e-3);
  const stream = arrayStream(condition.train, {
    batchSize: condition.batchSize ?? MNIST_TUTORIAL_BATCH_SIZE,
    seed: condition.seed,
  });
  const history = await trainModel(model, stream, {
    epochs: condition.epochs,
    optimizer,
    classWeight: condition.classWeight,
    validation: condition.validation,
    progress: condition.progress,
    label: condition.name,
  });
  optimizer.dispose();
  const outputs = await predictProbabilities(model, condition.test);
  return {
    name: condition.name,
    history,
    test: perClassMetrics(condition.test.labels, outputs, 10),
    seconds: (performance.now() - started) / 1000,
    model,
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
