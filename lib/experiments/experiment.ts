import type * as tf from "@tensorflow/tfjs";
import type { TrainingStream } from "../data/batches.ts";
import type { TrainingCallback } from "../training/callbacks/callback.ts";
import { type Evaluation, scorePredictions } from "../metrics/evaluate.ts";
import type { BinaryLoss } from "../training/focal_loss.ts";
import type { History } from "../training/history.ts";
import { buildSimpleCnn } from "../models/simple_cnn.ts";
import { type LabeledExamples, labelsOf, predictProbabilities } from "../models/predict.ts";
import type { ProgressMode } from "../training/progress.ts";
import { trainModel } from "../training/train.ts";
import type { ClassWeight } from "../training/weighted_loss.ts";

/** One experimental condition of the series: what to train on, how, and where to score it. */
export interface Condition {
  /** Name shown in logs, tables and legends, e.g. "unbalanced, class weight 10". */
  name: string;
  /** The training stream (its seed fixes the batch order). */
  train: TrainingStream;
  /**
   * Scored after every epoch (callbacks watch it) unless `validateEachEpoch` is false, and
   * predicted once after training, for choosing a threshold without touching the test set.
   */
  validation?: LabeledExamples;
  /** Score the validation set after every epoch (default true); false saves time when no callback needs it. */
  validateEachEpoch?: boolean;
  /** Scored once, after training. */
  test: LabeledExamples;
  /** Maximum number of epochs. */
  epochs: number;
  /** Seed of the model's initial weights and dropout masks. */
  seed: number;
  /** Adam's learning rate (default 1e-3, Keras's default). */
  learningRate?: number;
  /** Keras's `class_weight`, e.g. `{0: 1, 1: 10}`. */
  classWeight?: ClassWeight;
  /** A training loss other than binary cross-entropy, e.g. `focalLoss()`. */
  loss?: BinaryLoss;
  /** Initial bias of the output unit, e.g. `initialOutputBias(dogs, cats)` (default 0). */
  outputBias?: number;
  /** Makes fresh callbacks for a run (callbacks keep state, so each run needs its own). */
  callbacks?: () => TrainingCallback[];
  /** Progress display (default "auto"). */
  progress?: ProgressMode;
}

/** What one training run of a condition produced. */
export interface ConditionResult {
  /** The condition's name. */
  name: string;
  /** The model seed of the run. */
  seed: number;
  /** One record per epoch run. */
  history: History;
  /** Test-set metrics at threshold 0.5. */
  test: Evaluation;
  /** The model's probability for each test example, for curves and other thresholds. */
  testProbabilities: Float32Array;
  /** The trained model's probability for each validation example (absent without a validation set). */
  validationProbabilities?: Float32Array;
  /** Wall-clock seconds of training and scoring. */
  seconds: number;
  /** The trained model (the caller disposes it when done). */
  model: tf.LayersModel;
}

/**
 * Trains the series' CNN, freshly built from `condition.seed` with its own
 * Adam optimizer, under one condition, then scores it on the test set (and
 * predicts the validation set, when there is one). Every
 * notebook experiment is a list of these calls.
 */
export async function runCondition(condition: Condition): Promise<ConditionResult> {
  const started = performance.now();
  const { source } = condition.train;
  const model = buildSimpleCnn({
    imageSize: [source.height, source.width],
    seed: condition.seed,
    outputBias: condition.outputBias,
  });
  const history = await trainModel(model, condition.train, {
    epochs: condition.epochs,
    learningRate: condition.learningRate,
    classWeight: condition.classWeight,
    loss: condition.loss,
    validation: condition.validateEachEpoch === false ? undefined : condition.validation,
    callbacks: condition.callbacks?.(),
    progress: condition.progress,
    label: condition.name,
  });
  const testProbabilities = await predictProbabilities(model, condition.test);
  const validationProbabilities = condition.validation
    ? await predictProbabilities(model, condition.validation)
    : undefined;
  return {
    name: condition.name,
    seed: condition.seed,
    history,
    test: scorePredictions(labelsOf(condition.test), testProbabilities),
    testProbabilities,
    validationProbabilities,
    seconds: (performance.now() - started) / 1000,
    model,
  };
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
