import * as tf from "@tensorflow/tfjs";
import { SeededDropout } from "./seeded_dropout.ts";

/** Options of {@link buildSimpleCnn}. */
export interface SimpleCnnOptions {
  /** Input height and width in pixels (default 32, CIFAR-10's size). */
  imageSize?: number | [number, number];
  /** Seed of the weight initialisers and dropout masks (default 0). */
  seed?: number;
  /**
   * Initial bias of the sigmoid unit (default 0). TensorFlow's imbalanced-data tutorial sets it
   * to log(positives / negatives), so the untrained model already predicts the base rate.
   */
  outputBias?: number;
}

/**
 * The blog series' simple CNN for "is this a dog?".
 *
 * Three 3x3 convolutions (32, 64, 128 filters, `he_uniform`, ReLU), each
 * followed by 2x2 max-pooling; dropout 0.15; dense 64 (ReLU); dropout 0.4;
 * one sigmoid unit giving the probability of the positive class (dogs).
 * Everything random in it is derived from `seed`, so two models built with
 * the same seed start identical.
 */
export function buildSimpleCnn(options: SimpleCnnOptions = {}): tf.Sequential {
  const size = options.imageSize ?? 32;
  const [height, width] = typeof size === "number" ? [size, size] : size;
  if (!(height >= 8 && width >= 8)) {
    throw new Error(
      `Image size ${height}x${width} is too small for three 2x2 poolings: use at least 8x8.`,
    );
  }
  const seed = options.seed ?? 0;
  const model = tf.sequential({ name: "simple_cnn" });
  [32, 64, 128].forEach((filters, i) => {
    model.add(tf.layers.conv2d({
      ...(i === 0 ? { inputShape: [height, width, 3] } : {}),
      filters,
      kernelSize: 3,
      padding: "same",
      activation: "relu",
      kernelInitializer: tf.initializers.heUniform({ seed: seed * 101 + i }),
      name: `conv${i + 1}`,
    }));
    model.add(tf.layers.maxPooling2d({ poolSize: 2, name: `pool${i + 1}` }));
  });
  model.add(new SeededDropout({ rate: 0.15, seed: seed * 101 + 10, name: "dropout1" }));
  model.add(tf.layers.flatten({ name: "flatten" }));
  model.add(tf.layers.dense({
    units: 64,
    activation: "relu",
    kernelInitializer: tf.initializers.heUniform({ seed: seed * 101 + 20 }),
    name: "dense",
  }));
  model.add(new SeededDropout({ rate: 0.4, seed: seed * 101 + 30, name: "dropout2" }));
  model.add(tf.layers.dense({
    units: 1,
    activation: "sigmoid",
    kernelInitializer: tf.initializers.glorotUniform({ seed: seed * 101 + 40 }),
    biasInitializer: tf.initializers.constant({ value: options.outputBias ?? 0 }),
    name: "output",
  }));
  return model;
}

/** The model's layer table as text, like Keras's `model.summary()`, for printing in a notebook. */
export function modelSummary(model: tf.LayersModel): string {
  const lines: string[] = [];
  model.summary(90, [0.4, 0.75, 1], (line: string) => lines.push(line));
  return lines.join("\n");
}
