import * as tf from "@tensorflow/tfjs";
import { SeededDropout } from "./seeded_dropout.ts";

/** Options of the tabular models. */
export interface TabularModelOptions {
  /** Number of input features (85 for CoIL 2000). */
  inputSize: number;
  /** Seed of the weight initialisers (and dropout masks); default 0. */
  seed?: number;
}

/** Options of {@link buildDenseNet}. */
export interface DenseNetOptions extends TabularModelOptions {
  /** Units of the hidden ReLU layers, in order (default [32, 16]). */
  hidden?: readonly number[];
  /** Dropout rate after each hidden layer (default 0.2; 0 for none). */
  dropout?: number;
}

function checkInputSize(inputSize: number, caller: string): void {
  if (!Number.isInteger(inputSize) || inputSize < 1) {
    throw new Error(
      `${caller}: inputSize is ${inputSize}; pass the number of feature columns (a whole number ≥ 1).`,
    );
  }
}

/**
 * A small dense network for a binary table target, like the insurance
 * article's Keras model: hidden ReLU layers (default 32 then 16 units), each
 * followed by dropout, and one sigmoid unit giving P(positive). Everything
 * random is derived from `seed`.
 */
export function buildDenseNet(options: DenseNetOptions): tf.Sequential {
  checkInputSize(options.inputSize, "buildDenseNet");
  const seed = options.seed ?? 0;
  const hidden = options.hidden ?? [32, 16];
  const rate = options.dropout ?? 0.2;
  if (hidden.length === 0 || !hidden.every((units) => Number.isInteger(units) && units >= 1)) {
    throw new Error(
      `buildDenseNet: hidden is [${hidden.join(", ")}]; give one whole number ≥ 1 of units ` +
        "per hidden layer (use buildLogisticRegression for none).",
    );
  }
  const model = tf.sequential({ name: "dense_net" });
  hidden.forEach((units, layer) => {
    model.add(tf.layers.dense({
      ...(layer === 0 ? { inputShape: [options.inputSize] } : {}),
      units,
      activation: "relu",
      kernelInitializer: tf.initializers.glorotUniform({ seed: seed * 101 + 2 * layer }),
      name: `hidden${layer + 1}`,
    }));
    if (rate > 0) {
      model.add(
        new SeededDropout({ rate, seed: seed * 101 + 2 * layer + 1, name: `dropout${layer + 1}` }),
      );
    }
  });
  model.add(tf.layers.dense({
    units: 1,
    activation: "sigmoid",
    kernelInitializer: tf.initializers.glorotUniform({ seed: seed * 101 + 99 }),
    name: "output",
  }));
  return model;
}

/**
 * Logistic regression as a network: one sigmoid unit on the inputs, trained
 * by the same loop on binary cross-entropy; the yardstick a deeper model has
 * to beat on a table.
 */
export function buildLogisticRegression(options: TabularModelOptions): tf.Sequential {
  checkInputSize(options.inputSize, "buildLogisticRegression");
  const model = tf.sequential({ name: "logistic_regression" });
  model.add(tf.layers.dense({
    inputShape: [options.inputSize],
    units: 1,
    activation: "sigmoid",
    kernelInitializer: tf.initializers.glorotUniform({ seed: (options.seed ?? 0) * 101 }),
    name: "output",
  }));
  return model;
}
