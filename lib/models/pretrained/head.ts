/**
 * The new classifier put on a frozen base, as the series' setup post builds
 * it: the base's feature map flattened (or averaged over its positions),
 * `Dense(512, relu)`, then one sigmoid unit. The same head trains on a base
 * attached in front of it or, much faster, on features computed once.
 */
import * as tf from "@tensorflow/tfjs";
import { checkSeed, deriveSeed } from "../../data/random.ts";

/** Options of {@link buildHead}. */
export interface HeadOptions {
  /**
   * How a feature map (`[height, width, channels]`) becomes a vector: `"flatten"`
   * (the post's `Flatten`, the default) or `"globalAverage"` (one mean per channel,
   * far fewer weights in the first dense layer). Feature vectors are used as they are.
   */
  pooling?: "flatten" | "globalAverage";
  /** Units of the ReLU dense layers between the pooling and the sigmoid (default `[512]`). */
  hiddenUnits?: readonly number[];
  /** Seed of the head's initial weights (default 0): the same seed gives the same head. */
  seed?: number;
  /**
   * Initial bias of the sigmoid unit (default 0), e.g. `initialOutputBias(dogs, cats)` so the
   * untrained head already predicts the training set's base rate.
   */
  outputBias?: number;
}

/**
 * A head for features of shape `featureShape` (one example, without the
 * batch axis): pooling, then `hiddenUnits` ReLU dense layers, then one
 * sigmoid unit, all initialised from `seed` (Keras' default Glorot uniform).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { buildHead } from "./head.ts";
 *
 * const head = buildHead([4, 4, 128], { hiddenUnits: [64], seed: 1 });
 * assert.deepEqual(head.outputs[0].shape, [null, 1]);
 * ```
 */
export function buildHead(
  featureShape: readonly number[],
  options: HeadOptions = {},
): tf.Sequential {
  const pooling = options.pooling ?? "flatten";
  const hiddenUnits = options.hiddenUnits ?? [512];
  const seed = options.seed ?? 0;
  checkSeed(seed, "The head's seed");
  if (!featureShape.every((size) => Number.isInteger(size) && size > 0)) {
    throw new Error(
      `Feature shape [${featureShape.join(", ")}] must be whole numbers ≥ 1, without the batch ` +
        "axis: e.g. [4, 4, 128] for a feature map or [2048] for a vector.",
    );
  }
  const badUnits = hiddenUnits.find((units) => !(Number.isInteger(units) && units >= 1));
  if (badUnits !== undefined) {
    throw new Error(`hiddenUnits must be whole numbers ≥ 1, got ${badUnits}: e.g. [512].`);
  }
  const head = tf.sequential({ name: "head" });
  const inputShape = [...featureShape];
  if (pooling === "globalAverage") {
    if (featureShape.length !== 3) {
      throw new Error(
        `pooling "globalAverage" averages a feature map [height, width, channels], but the ` +
          `features have shape [${featureShape.join(", ")}]: use pooling "flatten".`,
      );
    }
    head.add(tf.layers.globalAveragePooling2d({ inputShape, name: "head_pool" }));
  } else if (pooling === "flatten") {
    if (featureShape.length > 1) head.add(tf.layers.flatten({ inputShape, name: "head_pool" }));
  } else {
    throw new Error(`Unknown pooling "${pooling}": use "flatten" or "globalAverage".`);
  }
  // A vector needs no pooling: then the first dense layer takes the input.
  const firstInput = () => head.layers.length === 0 ? { inputShape } : {};
  hiddenUnits.forEach((units, index) => {
    head.add(tf.layers.dense({
      ...firstInput(),
      units,
      activation: "relu",
      kernelInitializer: tf.initializers.glorotUniform({ seed: deriveSeed(seed, index) }),
      name: `head_dense${index + 1}`,
    }));
  });
  head.add(tf.layers.dense({
    ...firstInput(),
    units: 1,
    activation: "sigmoid",
    kernelInitializer: tf.initializers.glorotUniform({
      seed: deriveSeed(seed, hiddenUnits.length),
    }),
    biasInitializer: tf.initializers.constant({ value: options.outputBias ?? 0 }),
    name: "head_output",
  }));
  return head;
}
