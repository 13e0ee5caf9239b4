import * as tf from "@tensorflow/tfjs";
import { MNIST_SIDE } from "../data/mnist.ts";
import { SeededDropout } from "./seeded_dropout.ts";

/** Options of {@link buildMnistCnn}. */
export interface MnistCnnOptions {
  /** Seed of the weight initialisers and dropout masks (default 0). */
  seed?: number;
  /** Number of output classes (default 10, the digits). */
  classes?: number;
}

/**
 * The Keras MNIST class-weight tutorial's CNN: conv 32 (3x3, ReLU) → 2x2
 * max-pooling → dropout 0.5 → conv 64 → max-pooling → dropout 0.5 → conv 64
 * → flatten → dense 128 (ReLU) → dropout 0.5 → softmax over the digits.
 * Keras's defaults otherwise ("valid" padding, Glorot-uniform kernels, zero
 * biases), with every initialiser and dropout mask derived from `seed` so two
 * models built with the same seed start and train identically.
 */
export function buildMnistCnn(options: MnistCnnOptions = {}): tf.Sequential {
  const seed = options.seed ?? 0;
  const classes = options.classes ?? 10;
  if (!Number.isInteger(classes) || classes < 2) {
    throw new Error(`buildMnistCnn: classes is ${classes}; a softmax needs a whole number ≥ 2.`);
  }
  const init = (offset: number) => tf.initializers.glorotUniform({ seed: seed * 101 + offset });
  const dropout = (offset: number, name: string) =>
    new SeededDropout({ rate: 0.5, seed: seed * 101 + offset, name });
  const model = tf.sequential({ name: "mnist_cnn" });
  model.add(tf.layers.conv2d({
    inputShape: [MNIST_SIDE, MNIST_SIDE, 1],
    filters: 32,
    kernelSize: 3,
    activation: "relu",
    kernelInitializer: init(1),
    name: "conv1",
  }));
  model.add(tf.layers.maxPooling2d({ poolSize: 2, name: "pool1" }));
  model.add(dropout(2, "dropout1"));
  model.add(tf.layers.conv2d({
    filters: 64,
    kernelSize: 3,
    activation: "relu",
    kernelInitializer: init(3),
    name: "conv2",
  }));
  model.add(tf.layers.maxPooling2d({ poolSize: 2, name: "pool2" }));
  model.add(dropout(4, "dropout2"));
  model.add(tf.layers.conv2d({
    filters: 64,
    kernelSize: 3,
    activation: "relu",
    kernelInitializer: init(5),
    name: "conv3",
  }));
  model.add(tf.layers.flatten({ name: "flatten" }));
  model.add(tf.layers.dense({
    units: 128,
    activation: "relu",
    kernelInitializer: init(6),
    name: "dense",
  }));
  model.add(dropout(7, "dropout3"));
  model.add(tf.layers.dense({
    units: classes,
    activation: "softmax",
    kernelInitializer: init(8),
    name: "output",
  }));
  return model;
}
