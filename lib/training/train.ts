import * as tf from "@tensorflow/tfjs";
import { adam } from "./adam.ts";
import type { ExampleStream } from "../data/batches.ts";
import type { TrainingCallback, TrainingContext } from "./callbacks/callback.ts";
import { scorePredictions } from "../metrics/evaluate.ts";
import { softmaxLossAndAccuracy } from "../metrics/per_class_metrics.ts";
import type { EpochLog, History } from "./history.ts";
import { getLearningRate } from "./learning_rate.ts";
import { type Examples, labelsOf, outputUnits, predictProbabilities } from "../models/predict.ts";
import type { BinaryLoss } from "./focal_loss.ts";
import { createProgress, type ProgressMode, type ProgressReporter } from "./progress.ts";
import { runEpoch } from "./running_loss.ts";
import { checkClassWeight, weightedCategoricalCrossEntropy } from "./weighted_categorical_loss.ts";
import {
  checkBinaryClassWeight,
  type ClassWeight,
  weightedBinaryCrossEntropy,
} from "./weighted_loss.ts";

/** Options of {@link trainModel}. */
export interface TrainOptions {
  /** Maximum number of epochs (callbacks may stop earlier). */
  epochs: number;
  /** The optimizer; default Adam at `learningRate`. Give each model its own: optimizers keep state. */
  optimizer?: tf.Optimizer;
  /** Learning rate of the default Adam optimizer (default 1e-3, Keras's). */
  learningRate?: number;
  /** Keras's `class_weight`, e.g. `{0: 1, 1: 10}`: weight of each class's examples in the training loss. */
  classWeight?: ClassWeight;
  /**
   * A training loss other than binary cross-entropy, e.g. `focalLoss({ gamma: 2 })`, for a
   * sigmoid model. The epoch log's `loss` is then this loss; `valLoss` stays the unweighted
   * binary cross-entropy.
   */
  loss?: BinaryLoss;
  /**
   * Examples scored after every epoch: for a sigmoid model the loss, counts,
   * accuracy, precision, recall and AUC at threshold 0.5; for a softmax model
   * the loss and accuracy.
   */
  validation?: Examples;
  /** Keras-style callbacks, e.g. ReduceLROnPlateau and EarlyStopping. */
  callbacks?: TrainingCallback[];
  /** Progress display (default "auto": a live bar in Jupyter, one line per epoch). */
  progress?: ProgressMode | ProgressReporter;
  /** Prefix of the progress lines, to tell runs apart. */
  label?: string;
}

/** The validation fields of an epoch log, from the model's predictions on the validation set. */
async function validationLog(
  model: tf.LayersModel,
  validation: Examples,
  units: number,
): Promise<Partial<EpochLog>> {
  const labels = labelsOf(validation);
  const outputs = await predictProbabilities(model, validation);
  if (units > 1) {
    const { loss, accuracy } = softmaxLossAndAccuracy(labels, outputs, units);
    return { valLoss: loss, valAccuracy: accuracy };
  }
  const score = scorePredictions(labels, outputs);
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

/** Throws unless every label is a class of a model with `units` outputs. */
function checkLabels(labels: Uint8Array, units: number, role: string): void {
  const classCount = units === 1 ? 2 : units;
  const bad = labels.findIndex((label) => label >= classCount);
  if (bad >= 0) {
    throw new Error(
      `The ${role} label at index ${bad} is ${labels[bad]}, but the model's classes are ` +
        `0 … ${classCount - 1}: give the model one output per class (or one sigmoid unit for two).`,
    );
  }
}

/**
 * The loss a training step minimises: (class-weighted) binary cross-entropy,
 * or `options.loss`, for a sigmoid model; (class-weighted) categorical
 * cross-entropy for a softmax model.
 */
function trainingLossOf(units: number, options: TrainOptions): BinaryLoss {
  if (units === 1) {
    if (options.classWeight) checkBinaryClassWeight(options.classWeight);
    if (options.classWeight && options.loss) {
      throw new Error(
        "Give either classWeight or a custom loss, not both: a custom loss such as focal loss " +
          "has its own class weighting (its alpha).",
      );
    }
    return options.loss ??
      ((labels, probabilities) =>
        weightedBinaryCrossEntropy(labels, probabilities, options.classWeight));
  }
  if (options.loss) {
    throw new Error(
      `A custom loss is for a model with one sigmoid output; this model has ${units} softmax ` +
        "outputs and trains on categorical cross-entropy (drop the loss option).",
    );
  }
  const classWeight = options.classWeight === undefined
    ? undefined
    : checkClassWeight(options.classWeight, units);
  return (labels, probabilities) =>
    weightedCategoricalCrossEntropy(
      tf.cast(tf.reshape(labels, [-1]), "int32") as tf.Tensor1D,
      probabilities as tf.Tensor2D,
      classWeight,
    );
}

/**
 * The library's one training loop, Keras's `model.fit`: an epoch at a time
 * over a stream's freshly shuffled batches (images from `prepareDataset`,
 * arrays from `arrayStream`), one optimizer step per batch on the
 * (class-weighted) cross-entropy (binary for one sigmoid output, categorical
 * for a softmax output), the validation set scored after each epoch,
 * callbacks seeing every epoch's log (and able to change the learning rate
 * or stop), progress shown live. Returns the history, one record per epoch
 * run.
 *
 * ```ts
 * import assert from "node:assert/strict";
 * import * as tf from "@tensorflow/tfjs";
 * import { arrayDataset } from "../data/array_dataset.ts";
 * import { arrayStream } from "../data/batches.ts";
 * import { trainModel } from "./train.ts";
 *
 * const data = arrayDataset(new Float32Array([-2, -1, 1, 2]), [1], Uint8Array.of(0, 0, 1, 1));
 * const model = tf.sequential({ layers: [tf.layers.dense({ inputShape: [1], units: 1, activation: "sigmoid" })] });
 * const history = await trainModel(model, arrayStream(data, { batchSize: 2, seed: 1 }), {
 *   epochs: 3,
 *   learningRate: 0.1,
 *   validation: data,
 *   progress: "none",
 * });
 * assert.equal(history.length, 3);
 * assert.ok(history[2].loss < history[0].loss);
 * ```
 */
export async function trainModel(
  model: tf.LayersModel,
  stream: ExampleStream,
  options: TrainOptions,
): Promise<History> {
  if (!Number.isInteger(options.epochs) || options.epochs < 1) {
    throw new Error(`epochs must be a whole number ≥ 1, got ${options.epochs}.`);
  }
  if (stream.size === 0) {
    throw new Error(
      "The training stream has no example: give prepareDataset non-empty parts, or arrayStream " +
        "a non-empty dataset.",
    );
  }
  const units = outputUnits(model);
  checkLabels(stream.labels, units, "training");
  if (options.validation) checkLabels(labelsOf(options.validation), units, "validation");
  const trainingLoss = trainingLossOf(units, options);
  const optimizer = options.optimizer ?? adam(options.learningRate ?? 1e-3);
  const variables = model.trainableWeights.map((weight) => weight.read() as tf.Variable);
  const callbacks = options.callbacks ?? [];
  const progress = typeof options.progress === "object"
    ? options.progress
    : createProgress(options.progress);
  const context: TrainingContext = { model, optimizer, stopTraining: false, notes: [] };
  const history: History = [];

  callbacks.forEach((callback) => callback.onTrainBegin?.(context));
  await progress.trainBegin({
    epochs: options.epochs,
    batchesPerEpoch: stream.batchCount,
    label: options.label,
  });
  for (let epoch = 1; epoch <= options.epochs && !context.stopTraining; epoch++) {
    const started = performance.now();
    const lr = getLearningRate(optimizer);
    const loss = await runEpoch(
      stream.batches(epoch),
      (batch) => {
        const batchLoss = optimizer.minimize(
          () => trainingLoss(batch.y, model.apply(batch.x, { training: true }) as tf.Tensor),
          true,
          variables,
        ) as tf.Scalar;
        tf.dispose([batch.x, batch.y]);
        return { loss: batchLoss, examples: batch.indices.length };
      },
      (batchesRead, meanLoss) => progress.batchEnd(epoch, batchesRead, meanLoss),
    );
    const log: EpochLog = {
      epoch,
      loss,
      ...(options.validation ? await validationLog(model, options.validation, units) : {}),
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
