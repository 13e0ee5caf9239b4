/**
 * Keras's `model.fit` for examples held in memory as arrays (MNIST digits,
 * table rows): seeded reshuffling every epoch, mini-batches, class weights,
 * a validation set scored after each epoch, Keras-style progress lines.
 * One loop serves softmax models (categorical cross-entropy) and
 * single-sigmoid models (binary cross-entropy); the output width decides.
 */
import * as tf from "@tensorflow/tfjs";
import { type ArrayDataset, exampleSize } from "../data/array_dataset.ts";
import { scorePredictions } from "../metrics/evaluate.ts";
import type { EpochLog, History } from "./history.ts";
import { getLearningRate } from "./learning_rate.ts";
import { createProgress, type ProgressMode, type ProgressReporter } from "./progress.ts";
import { checkSeed, createRandom, deriveSeed, shuffled } from "../data/random.ts";
import { readOutputs } from "../engine/read_back.ts";
import { runEpoch } from "./running_loss.ts";
import { checkClassWeight, weightedCategoricalCrossEntropy } from "./weighted_categorical_loss.ts";
import { type ClassWeight, weightedBinaryCrossEntropy } from "./weighted_loss.ts";

/** Options of {@link fitArrays}. */
export interface FitArraysOptions {
  /** Number of passes over the training examples. */
  epochs: number;
  /** The optimizer, e.g. `tf.train.rmsprop(1e-3)`; give each model its own (optimizers keep state). */
  optimizer: tf.Optimizer;
  /** Examples per gradient step (default 32, Keras's); the last batch of an epoch may be smaller. */
  batchSize?: number;
  /** Seed of the per-epoch shuffles: epoch e visits the examples in an order derived from (seed, e). */
  seed: number;
  /** Keras's `class_weight`: a mapping {class: weight} (an array is refused, as Keras does). */
  classWeight?: ClassWeight;
  /** Scored after every epoch: loss and accuracy (and, for a binary model, the series' metrics). */
  validation?: ArrayDataset;
  /** Progress display (default "auto": a live bar in Jupyter, one line per epoch). */
  progress?: ProgressMode | ProgressReporter;
  /** Prefix of the progress lines, to tell runs apart. */
  label?: string;
}

/** The number of output units of a model: 1 for a sigmoid classifier, the class count for a softmax. */
function outputUnits(model: tf.LayersModel): number {
  const shape = model.outputs[0].shape;
  const units = shape[shape.length - 1];
  if (shape.length !== 2 || typeof units !== "number") {
    throw new Error(
      `The model's output has shape [${shape.join(", ")}]; fitArrays trains classifiers ` +
        "whose output is [batch, units] (1 sigmoid unit, or one softmax unit per class).",
    );
  }
  return units;
}

/** Throws unless every label is a class of a model with `units` outputs. */
function checkLabels(data: ArrayDataset, units: number, role: string): void {
  const classCount = units === 1 ? 2 : units;
  const bad = data.labels.findIndex((label) => label >= classCount);
  if (bad >= 0) {
    throw new Error(
      `The ${role} label at index ${bad} is ${data.labels[bad]}, but the model's classes are ` +
        `0 … ${classCount - 1}; give the model one output per class.`,
    );
  }
}

/** The examples at `indices` as an input tensor of shape `[n, ...exampleShape]`. */
function inputTensor(data: ArrayDataset, indices: readonly number[]): tf.Tensor {
  const size = exampleSize(data);
  const values = new Float32Array(indices.length * size);
  indices.forEach((index, position) => {
    values.set(data.x.subarray(index * size, (index + 1) * size), position * size);
  });
  return tf.tensor(values, [indices.length, ...data.exampleShape]);
}

/**
 * The model's outputs for every example, in order, predicted in inference
 * mode `batchSize` examples at a time: `count × units` values, row after
 * row (one probability per example for a sigmoid model, one per class for a
 * softmax model). Reads the outputs back together at the end
 * (lib/engine/read_back.ts), asynchronously, which every engine supports (WebGPU in
 * Deno cannot read synchronously: it has no canvas to read through).
 */
export async function predictArrays(
  model: tf.LayersModel,
  data: ArrayDataset,
  batchSize = 256,
): Promise<Float32Array> {
  outputUnits(model); // throws for a model whose output is not [batch, units]
  const size = exampleSize(data);
  const starts = Array.from({ length: Math.ceil(data.count / batchSize) }, (_, i) => i * batchSize);
  return await readOutputs(starts, (start) => {
    const end = Math.min(data.count, start + batchSize);
    const x = tf.tensor(data.x.subarray(start * size, end * size), [
      end - start,
      ...data.exampleShape,
    ]);
    const output = tf.tidy(() => model.predict(x) as tf.Tensor);
    x.dispose();
    return output;
  });
}

/** Mean categorical cross-entropy and accuracy of softmax outputs (`count × classes`). */
function scoreSoftmax(
  labels: Uint8Array,
  outputs: Float32Array,
  classes: number,
): { loss: number; accuracy: number } {
  let lossSum = 0;
  let correct = 0;
  labels.forEach((label, example) => {
    const row = outputs.subarray(example * classes, (example + 1) * classes);
    const p = Math.min(Math.max(row[label], 1e-7), 1 - 1e-7);
    lossSum -= Math.log(p);
    let best = 0;
    for (let c = 1; c < classes; c++) if (row[c] > row[best]) best = c;
    if (best === label) correct++;
  });
  return { loss: lossSum / labels.length, accuracy: correct / labels.length };
}

/** The validation fields of an epoch log. */
async function validationLog(
  model: tf.LayersModel,
  validation: ArrayDataset,
): Promise<Partial<EpochLog>> {
  const units = outputUnits(model);
  const outputs = await predictArrays(model, validation);
  if (units > 1) {
    const { loss, accuracy } = scoreSoftmax(validation.labels, outputs, units);
    return { valLoss: loss, valAccuracy: accuracy };
  }
  const score = scorePredictions(validation.labels, outputs);
  return {
    valLoss: score.loss,
    valAccuracy: score.accuracy,
    valPrecision: score.precision,
    valRecall: score.recall,
    valAuc: score.auc,
  };
}

/**
 * Trains a classifier on in-memory examples the way Keras's `model.fit(x, y,
 * batch_size, epochs, class_weight, validation_data)` does: each epoch
 * visits every example once in a fresh seeded order, one optimizer step per
 * batch on the (class-weighted) cross-entropy — categorical for a softmax
 * output, binary for a single sigmoid unit. Returns one log per epoch.
 */
export async function fitArrays(
  model: tf.LayersModel,
  data: ArrayDataset,
  options: FitArraysOptions,
): Promise<History> {
  if (!Number.isInteger(options.epochs) || options.epochs < 1) {
    throw new Error(`fitArrays: epochs must be a whole number ≥ 1, got ${options.epochs}.`);
  }
  const batchSize = options.batchSize ?? 32;
  if (!Number.isInteger(batchSize) || batchSize < 1) {
    throw new Error(`fitArrays: batchSize must be a whole number ≥ 1, got ${batchSize}.`);
  }
  if (data.count === 0) throw new Error("fitArrays: the training set has no example.");
  checkSeed(options.seed, "fitArrays: the seed");
  const units = outputUnits(model);
  checkLabels(data, units, "training");
  if (options.validation) checkLabels(options.validation, units, "validation");
  const classWeight = options.classWeight === undefined
    ? undefined
    : checkClassWeight(options.classWeight, units === 1 ? 2 : units);
  const lossOf = (labels: Uint8Array, x: tf.Tensor): tf.Scalar => {
    const probabilities = model.apply(x, { training: true }) as tf.Tensor2D;
    if (units === 1) {
      const y = tf.tensor2d(Float32Array.from(labels), [labels.length, 1]);
      return weightedBinaryCrossEntropy(y, probabilities, classWeight);
    }
    const y = tf.tensor1d(Int32Array.from(labels), "int32");
    return weightedCategoricalCrossEntropy(y, probabilities, classWeight);
  };
  const { optimizer } = options;
  const variables = model.trainableWeights.map((weight) => weight.read() as tf.Variable);
  const progress = typeof options.progress === "object"
    ? options.progress
    : createProgress(options.progress);
  const batchCount = Math.ceil(data.count / batchSize);
  const allIndices = Array.from({ length: data.count }, (_, index) => index);
  const history: History = [];

  await progress.trainBegin({
    epochs: options.epochs,
    batchesPerEpoch: batchCount,
    label: options.label,
  });
  for (let epoch = 1; epoch <= options.epochs; epoch++) {
    const started = performance.now();
    const lr = getLearningRate(optimizer);
    const order = shuffled(allIndices, createRandom(deriveSeed(options.seed, epoch)));
    const batchIndices = Array.from(
      { length: batchCount },
      (_, batch) => order.slice(batch * batchSize, (batch + 1) * batchSize),
    );
    const loss = await runEpoch(
      batchIndices,
      (indices) => {
        const labels = Uint8Array.from(indices, (index) => data.labels[index]);
        const x = inputTensor(data, indices);
        const batchLoss = optimizer.minimize(
          () => tf.tidy(() => lossOf(labels, x)),
          true,
          variables,
        ) as tf.Scalar;
        x.dispose();
        return { loss: batchLoss, examples: indices.length };
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
    await progress.epochEnd(log, []);
  }
  await progress.trainEnd(history, []);
  return history;
}
