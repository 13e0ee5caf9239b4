/**
 * A model's outputs for a set of examples, and the examples' labels: the two
 * things every score needs. Examples are either indices into an image set
 * (the cats-and-dogs series) or arrays (MNIST digits, table rows, cached
 * features); both are predicted in inference mode a batch at a time, and
 * the outputs are read back together at the end (lib/engine/read_back.ts),
 * asynchronously, because a GPU backend can only read results back
 * asynchronously (tfjs's WebGPU backend fails on `dataSync` in Deno, which
 * has no canvas to read through).
 */
import * as tf from "@tensorflow/tfjs";
import { type ArrayDataset, exampleSize } from "../data/array_dataset.ts";
import { evaluationBatches } from "../data/batches.ts";
import type { ImageSet } from "../data/image_set.ts";
import { readOutputs } from "../engine/read_back.ts";

/** Some examples of an image set to evaluate on: a validation or test set. */
export interface LabeledExamples {
  /** The image set the indices point into. */
  readonly source: ImageSet;
  /** The examples, as indices into `source`. */
  readonly indices: readonly number[];
}

/** Examples to score a model on: indices into an image set, or arrays. */
export type Examples = LabeledExamples | ArrayDataset;

/** Whether `examples` are held as arrays rather than as indices into an image set. */
function isArrayDataset(examples: Examples): examples is ArrayDataset {
  return "x" in examples;
}

/**
 * The number of output units of a classifier: 1 for a sigmoid output (the
 * probability of class 1), the class count for a softmax output. Throws for
 * a model whose output is not `[batch, units]`.
 */
export function outputUnits(model: tf.LayersModel): number {
  const shape = model.outputs[0].shape;
  const units = shape[shape.length - 1];
  if (shape.length !== 2 || typeof units !== "number") {
    throw new Error(
      `The model's output has shape [${shape.join(", ")}]; the library trains and scores ` +
        "classifiers whose output is [batch, units] (1 sigmoid unit, or one softmax unit per class).",
    );
  }
  return units;
}

/**
 * The model's outputs for each example, in order: one probability of class 1
 * per example for a sigmoid model, one probability per class (row after row)
 * for a softmax model.
 *
 * ```ts
 * import assert from "node:assert/strict";
 * import * as tf from "@tensorflow/tfjs";
 * import { arrayDataset } from "../data/array_dataset.ts";
 * import { predictProbabilities } from "./predict.ts";
 *
 * const model = tf.sequential({
 *   layers: [tf.layers.dense({ inputShape: [1], units: 1, activation: "sigmoid", useBias: false, kernelInitializer: "zeros" })],
 * });
 * const examples = arrayDataset(new Float32Array([3, -2]), [1], Uint8Array.of(1, 0));
 * assert.deepEqual([...await predictProbabilities(model, examples)], [0.5, 0.5]);
 * ```
 */
export async function predictProbabilities(
  model: tf.LayersModel,
  examples: Examples,
  batchSize = 256,
): Promise<Float32Array> {
  outputUnits(model); // throws for a model whose output is not [batch, units]
  if (isArrayDataset(examples)) return await predictArrays(model, examples, batchSize);
  return await readOutputs(
    evaluationBatches(examples.source, examples.indices, batchSize),
    (batch) => {
      const output = tf.tidy(() => model.predict(batch.x) as tf.Tensor);
      tf.dispose([batch.x, batch.y]);
      return output;
    },
  );
}

/** {@link predictProbabilities} for examples held as arrays. */
async function predictArrays(
  model: tf.LayersModel,
  data: ArrayDataset,
  batchSize: number,
): Promise<Float32Array> {
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

/** The class index of each example, in order (for the series' sets, dogs = 1). */
export function labelsOf(examples: Examples): Uint8Array {
  if (isArrayDataset(examples)) return examples.labels;
  return Uint8Array.from(examples.indices, (index) => examples.source.labels[index]);
}
