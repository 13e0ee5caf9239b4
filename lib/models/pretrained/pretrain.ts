/**
 * Pretraining a base here, for machines that cannot download ImageNet
 * weights: a small CNN trained from a seed to tell apart CIFAR-10's six
 * classes that are neither cats nor dogs, so that its features can be
 * frozen under a cats-vs-dogs head without the base ever having seen a cat
 * or a dog. Everything random (initial weights, batch order) comes from the
 * seed, and the model uses only stock tfjs layers, so its saved folder loads
 * anywhere with `loadPretrainedModel`.
 */
import * as tf from "@tensorflow/tfjs";
import { createHash } from "node:crypto";
import { adam } from "../../training/adam.ts";
import { type ArrayDataset, arrayDataset } from "../../data/array_dataset.ts";
import { arrayStream } from "../../data/batches.ts";
import { softmaxLossAndAccuracy } from "../../metrics/per_class_metrics.ts";
import { predictProbabilities } from "../predict.ts";
import { trainModel } from "../../training/train.ts";
import type { History } from "../../training/history.ts";
import type { ImageSet } from "../../data/image_set.ts";
import type { ProgressMode } from "../../training/progress.ts";
import { checkSeed, deriveSeed } from "../../data/random.ts";

/** Options of {@link buildPretrainCnn}. */
export interface PretrainCnnOptions {
  /** Number of classes of the softmax output. */
  classCount: number;
  /** Input height and width in pixels (default 32, CIFAR-10's size). */
  imageSize?: number;
  /** Filters of the three convolution blocks (default `[32, 64, 128]`, the series' CNN). */
  filters?: readonly number[];
  /** Units of the dense layer before the softmax (default 128). */
  denseUnits?: number;
  /** Seed of every initial weight (default 0). */
  seed?: number;
}

/**
 * The base to pretrain: the series' three convolution blocks (3x3, `same`
 * padding, ReLU, He-uniform, each followed by 2x2 max-pooling), then
 * `Flatten → Dense(denseUnits, relu) → Dense(classCount, softmax)`. Stock
 * layers only (no dropout: tfjs' own is not seeded), so the saved model
 * loads without custom classes, and the default cut of `frozenBaseWithHead`
 * is `pool3`, the last feature map (4 × 4 × 128 for 32-pixel images).
 */
export function buildPretrainCnn(options: PretrainCnnOptions): tf.Sequential {
  const size = options.imageSize ?? 32;
  const filters = options.filters ?? [32, 64, 128];
  const seed = options.seed ?? 0;
  checkSeed(seed, "The base's seed");
  if (!(Number.isInteger(options.classCount) && options.classCount >= 2)) {
    throw new Error(`classCount must be a whole number ≥ 2, got ${options.classCount}.`);
  }
  if (!(Number.isInteger(size) && size >= 2 ** filters.length)) {
    throw new Error(
      `Image size ${size} is too small for ${filters.length} 2x2 poolings: use at least ` +
        `${2 ** filters.length} pixels.`,
    );
  }
  const model = tf.sequential({ name: "cifar6_base" });
  filters.forEach((count, block) => {
    model.add(tf.layers.conv2d({
      ...(block === 0 ? { inputShape: [size, size, 3] } : {}),
      filters: count,
      kernelSize: 3,
      padding: "same",
      activation: "relu",
      kernelInitializer: tf.initializers.heUniform({ seed: deriveSeed(seed, block) }),
      name: `conv${block + 1}`,
    }));
    model.add(tf.layers.maxPooling2d({ poolSize: 2, name: `pool${block + 1}` }));
  });
  model.add(tf.layers.flatten({ name: "flatten" }));
  model.add(tf.layers.dense({
    units: options.denseUnits ?? 128,
    activation: "relu",
    kernelInitializer: tf.initializers.heUniform({ seed: deriveSeed(seed, 100) }),
    name: "dense",
  }));
  model.add(tf.layers.dense({
    units: options.classCount,
    activation: "softmax",
    kernelInitializer: tf.initializers.glorotUniform({ seed: deriveSeed(seed, 101) }),
    name: "classes",
  }));
  return model;
}

/** An image set as an {@link ArrayDataset}: pixels divided by 255 (the project's [0, 1] scaling). */
export function imageSetArrays(images: ImageSet): ArrayDataset {
  const table = Float32Array.from({ length: 256 }, (_, value) => value / 255);
  const x = new Float32Array(images.pixels.length);
  for (let i = 0; i < x.length; i++) x[i] = table[images.pixels[i]];
  return arrayDataset(x, [images.height, images.width, 3], images.labels.slice());
}

/** Options of {@link pretrainBase}. */
export interface PretrainOptions {
  /** Seed of the initial weights and of every epoch's shuffle. */
  seed: number;
  /** Passes over the training images. */
  epochs: number;
  /** Images per step (default 32). */
  batchSize?: number;
  /** Adam's learning rate (default 1e-3, Keras's). */
  learningRate?: number;
  /** Progress display of the training loop (default "auto"). */
  progress?: ProgressMode;
}

/** A pretrained base and how it was made. */
export interface PretrainedBase {
  /** The trained classifier (softmax over the training set's classes). */
  model: tf.Sequential;
  /** Its class names, in label order. */
  classNames: readonly string[];
  /** One log per epoch. */
  history: History;
  /** Share of the test images whose most probable class is their own. */
  testAccuracy: number;
  /** Seconds spent training (not loading or testing). */
  trainSeconds: number;
}

/**
 * Trains {@link buildPretrainCnn} on `train` (any number of classes) with
 * Adam and categorical cross-entropy, `epochs` passes in seeded orders,
 * and scores it on `test`. The same seed, data and engine settings give
 * the same weights bit for bit (on wasm with one thread; see `weightsSha256`).
 */
export async function pretrainBase(
  train: ImageSet,
  test: ImageSet,
  options: PretrainOptions,
): Promise<PretrainedBase> {
  if (train.classNames.join("\n") !== test.classNames.join("\n")) {
    throw new Error(
      `The training classes (${train.classNames.join(", ")}) differ from the test classes ` +
        `(${test.classNames.join(", ")}): give both folders the same class sub-folders.`,
    );
  }
  if (train.height !== train.width || test.height !== train.height || test.width !== train.width) {
    throw new Error(
      `Training images are ${train.width}x${train.height} and test images ` +
        `${test.width}x${test.height}: load both square and at one size.`,
    );
  }
  const model = buildPretrainCnn({
    classCount: train.classNames.length,
    imageSize: train.height,
    seed: options.seed,
  });
  const optimizer = adam(options.learningRate ?? 1e-3);
  const started = performance.now();
  const stream = arrayStream(imageSetArrays(train), {
    batchSize: options.batchSize ?? 32,
    seed: options.seed,
  });
  const history = await trainModel(model, stream, {
    epochs: options.epochs,
    optimizer,
    progress: options.progress,
    label: "pretrain",
  });
  const trainSeconds = (performance.now() - started) / 1000;
  optimizer.dispose();
  const classCount = train.classNames.length;
  const outputs = await predictProbabilities(model, imageSetArrays(test));
  const { accuracy } = softmaxLossAndAccuracy(test.labels, outputs, classCount);
  return {
    model,
    classNames: train.classNames,
    history,
    testAccuracy: accuracy,
    trainSeconds,
  };
}

/**
 * The SHA-256 of a model's weight values (float32 bytes, in the model's
 * weight order): two bases trained alike have equal hashes only when every
 * weight is bit-identical.
 */
export async function weightsSha256(model: tf.LayersModel): Promise<string> {
  const hash = createHash("sha256");
  for (const weight of model.weights) {
    const values = await weight.read().data();
    hash.update(new Uint8Array(values.buffer, values.byteOffset, values.byteLength));
  }
  return hash.digest("hex");
}
