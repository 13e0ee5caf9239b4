/**
 * One experimental condition (a model factory, the training data, the
 * training options, the sets to score) and one run of it for a seed: every
 * experiment of the notebooks, from the series' CNN to the MNIST tutorial,
 * the insurance table and heads on cached features, is a list of these runs
 * (see `runSeeds` for a condition over several seeds).
 */
import * as tf from "@tensorflow/tfjs";
import { countLabels } from "../data/array_dataset.ts";
import type { ExampleStream, TrainingStream } from "../data/batches.ts";
import type { TrainingCallback } from "../training/callbacks/callback.ts";
import { type Evaluation, scorePredictions } from "../metrics/evaluate.ts";
import type { BinaryLoss } from "../training/focal_loss.ts";
import type { History } from "../training/history.ts";
import { buildSimpleCnn } from "../models/simple_cnn.ts";
import { type Examples, labelsOf, outputUnits, predictProbabilities } from "../models/predict.ts";
import type { ProgressMode } from "../training/progress.ts";
import { trainModel } from "../training/train.ts";
import type { ClassWeight } from "../training/weighted_loss.ts";

/**
 * One experimental condition: what to train on, how, and where to score it.
 * `S` is what a run's test score is: the series' binary {@link Evaluation}
 * by default, or whatever `score` returns (e.g. per-class metrics).
 */
export interface Condition<S = Evaluation> {
  /** Name shown in logs, tables and legends, e.g. "unbalanced, class weight 10". */
  name: string;
  /**
   * Builds the run's model from its seed (initial weights and dropout masks
   * derive from it). Default: the series' CNN (`buildSimpleCnn`) for the
   * training stream's image size, with `outputBias`.
   */
  model?: (seed: number) => tf.LayersModel;
  /** Makes the run's optimizer (default Adam at `learningRate`); each run gets a fresh one. */
  optimizer?: () => tf.Optimizer;
  /** The training stream (`prepareDataset` or `arrayStream`; its seed fixes the batch order). */
  train: ExampleStream;
  /**
   * Scored after every epoch (callbacks watch it) unless `validateEachEpoch` is false, and
   * predicted once after training, for choosing a threshold without touching the test set.
   */
  validation?: Examples;
  /** Score the validation set after every epoch (default true); false saves time when no callback needs it. */
  validateEachEpoch?: boolean;
  /** Scored once, after training. */
  test: Examples;
  /** Maximum number of epochs. */
  epochs: number;
  /** Seed of the model's initial weights and dropout masks. */
  seed: number;
  /** Adam's learning rate (default 1e-3, Keras's) when no `optimizer` is given. */
  learningRate?: number;
  /** Keras's `class_weight`, e.g. `{0: 1, 1: 10}`. */
  classWeight?: ClassWeight;
  /** A training loss other than binary cross-entropy, e.g. `focalLoss()`. */
  loss?: BinaryLoss;
  /** Initial bias of the default CNN's output unit, e.g. `initialOutputBias(dogs, cats)` (default 0). */
  outputBias?: number;
  /** Makes fresh callbacks for a run (callbacks keep state, so each run needs its own). */
  callbacks?: () => TrainingCallback[];
  /** Progress display (default "auto"). */
  progress?: ProgressMode;
  /**
   * Scores the test set from its labels and the model's outputs (default: the binary
   * metrics at threshold 0.5, `scorePredictions`).
   */
  score?: (labels: Uint8Array, outputs: Float32Array) => S;
  /** What the condition varies, for tables and grouping, e.g. `{ model: "dense net", strategy: "undersampling" }`. */
  settings?: Record<string, string | number>;
}

/** What one training run of a condition produced. */
export interface ConditionResult<S = Evaluation> {
  /** The condition's name. */
  name: string;
  /** The condition's settings (empty when it has none). */
  settings: Record<string, string | number>;
  /** The model seed of the run. */
  seed: number;
  /** Training examples of each class the model outputs (index = class), as the run trained on them. */
  trainClassCounts: number[];
  /** One record per epoch run. */
  history: History;
  /** The test score: metrics at threshold 0.5 unless the condition scores otherwise. */
  test: S;
  /** The model's outputs for the test examples (a probability per example, or per class and example). */
  testProbabilities: Float32Array;
  /** The test examples' labels, in order. */
  testLabels: Uint8Array;
  /** The trained model's outputs for the validation examples (absent without a validation set). */
  validationProbabilities?: Float32Array;
  /** The validation examples' labels, in order (absent without a validation set). */
  validationLabels?: Uint8Array;
  /** Wall-clock seconds of training and scoring. */
  seconds: number;
  /** The trained model (the caller disposes it when done, e.g. with {@link disposeModels}). */
  model: tf.LayersModel;
}

/** The model a condition trains: its own factory, or the series' CNN for an image stream. */
function buildModel<S>(condition: Condition<S>): tf.LayersModel {
  if (condition.model) return condition.model(condition.seed);
  const { source } = condition.train as Partial<TrainingStream>;
  if (!source) {
    throw new Error(
      `Condition "${condition.name}" trains on arrays but has no model: give it ` +
        "model: (seed) => ..., e.g. (seed) => buildMnistCnn({ seed }).",
    );
  }
  return buildSimpleCnn({
    imageSize: [source.height, source.width],
    seed: condition.seed,
    outputBias: condition.outputBias,
  });
}

/**
 * Trains a fresh model (built from `condition.seed`) with a fresh optimizer
 * under one condition, then scores it on the test set (and predicts the
 * validation set, when there is one).
 *
 * ```ts
 * import assert from "node:assert/strict";
 * import * as tf from "@tensorflow/tfjs";
 * import { arrayDataset } from "../data/array_dataset.ts";
 * import { arrayStream } from "../data/batches.ts";
 * import { runCondition } from "./experiment.ts";
 *
 * const data = arrayDataset(new Float32Array([-2, -1, 1, 2]), [1], Uint8Array.of(0, 0, 1, 1));
 * const result = await runCondition({
 *   name: "logistic regression",
 *   model: (seed) => tf.sequential({
 *     layers: [tf.layers.dense({ inputShape: [1], units: 1, activation: "sigmoid", kernelInitializer: tf.initializers.glorotUniform({ seed }) })],
 *   }),
 *   train: arrayStream(data, { batchSize: 2, seed: 1 }),
 *   test: data,
 *   epochs: 2,
 *   seed: 1,
 *   progress: "none",
 * });
 * assert.equal(result.test.count, 4);
 * result.model.dispose();
 * ```
 */
export async function runCondition<S = Evaluation>(
  condition: Condition<S>,
): Promise<ConditionResult<S>> {
  const started = performance.now();
  const model = buildModel(condition);
  const optimizer = condition.optimizer?.();
  const history = await trainModel(model, condition.train, {
    epochs: condition.epochs,
    optimizer,
    learningRate: condition.learningRate,
    classWeight: condition.classWeight,
    loss: condition.loss,
    validation: condition.validateEachEpoch === false ? undefined : condition.validation,
    callbacks: condition.callbacks?.(),
    progress: condition.progress,
    label: condition.name,
  });
  optimizer?.dispose();
  const testProbabilities = await predictProbabilities(model, condition.test);
  const validationProbabilities = condition.validation
    ? await predictProbabilities(model, condition.validation)
    : undefined;
  const score = condition.score ??
    ((labels: Uint8Array, outputs: Float32Array) => scorePredictions(labels, outputs) as S);
  const testLabels = labelsOf(condition.test);
  return {
    name: condition.name,
    settings: condition.settings ?? {},
    seed: condition.seed,
    trainClassCounts: countLabels(condition.train.labels, Math.max(2, outputUnits(model))),
    history,
    test: score(testLabels, testProbabilities),
    testProbabilities,
    testLabels,
    validationProbabilities,
    validationLabels: condition.validation ? labelsOf(condition.validation) : undefined,
    seconds: (performance.now() - started) / 1000,
    model,
  };
}

/** Disposes the trained model of every result (when only their scores and outputs are needed). */
export function disposeModels(results: readonly { model: tf.LayersModel }[]): void {
  for (const result of results) result.model.dispose();
}

/** One table row per result: the series' test metrics plus F1 and the confusion counts. */
export function resultRows(results: readonly ConditionResult[]): Record<string, string | number>[] {
  return results.map((result) => ({
    condition: result.name,
    accuracy: round(result.test.accuracy),
    precision: round(result.test.precision),
    recall: round(result.test.recall),
    f1: round(result.test.f1),
    auc: round(result.test.auc),
    tp: result.test.tp,
    fp: result.test.fp,
    tn: result.test.tn,
    fn: result.test.fn,
    epochs: result.history.length,
  }));
}

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}
