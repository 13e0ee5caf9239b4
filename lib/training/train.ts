import * as tf from "@tensorflow/tfjs";
import { adam } from "./adam.ts";
import type { TrainingStream } from "../data/batches.ts";
import type { TrainingCallback, TrainingContext } from "./callbacks/callback.ts";
import { scorePredictions } from "../metrics/evaluate.ts";
import type { EpochLog, History } from "./history.ts";
import { getLearningRate } from "./learning_rate.ts";
import { type LabeledExamples, labelsOf, predictProbabilities } from "../models/predict.ts";
import type { BinaryLoss } from "./focal_loss.ts";
import { createProgress, type ProgressMode, type ProgressReporter } from "./progress.ts";
import { runEpoch } from "./running_loss.ts";
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
   * A training loss other than binary cross-entropy, e.g. `focalLoss({ gamma: 2 })`. The epoch
   * log's `loss` is then this loss; `valLoss` stays the unweighted binary cross-entropy.
   */
  loss?: BinaryLoss;
  /** Examples scored after every epoch (loss, counts, accuracy, precision, recall, AUC). */
  validation?: LabeledExamples;
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
  validation: LabeledExamples,
): Promise<Partial<EpochLog>> {
  const score = scorePredictions(
    labelsOf(validation),
    await predictProbabilities(model, validation),
  );
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
 * Trains a binary classifier with a sigmoid output on a training stream, the
 * way the series' `model.fit` does: binary cross-entropy (weighted by
 * `classWeight`), an epoch at a time over freshly shuffled batches, the
 * validation set scored after each epoch at threshold 0.5, callbacks seeing
 * every epoch's log. Returns the history, one record per epoch run.
 */
export async function trainModel(
  model: tf.LayersModel,
  stream: TrainingStream,
  options: TrainOptions,
): Promise<History> {
  if (!Number.isInteger(options.epochs) || options.epochs < 1) {
    throw new Error(`epochs must be a whole number ≥ 1, got ${options.epochs}.`);
  }
  if (stream.size === 0) {
    throw new Error("The training stream has no example: give prepareDataset non-empty parts.");
  }
  if (options.classWeight) checkBinaryClassWeight(options.classWeight);
  if (options.classWeight && options.loss) {
    throw new Error(
      "Give either classWeight or a custom loss, not both: a custom loss such as focal loss " +
        "has its own class weighting (its alpha).",
    );
  }
  const trainingLoss: BinaryLoss = options.loss ??
    ((labels, probabilities) =>
      weightedBinaryCrossEntropy(labels, probabilities, options.classWeight));
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
      ...(options.validation ? await validationLog(model, options.validation) : {}),
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
