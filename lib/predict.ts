import * as tf from "@tensorflow/tfjs";
import { evaluationBatches } from "./batches.ts";
import type { ImageSet } from "./image_set.ts";

/** Some examples of an image set to evaluate on: a validation or test set. */
export interface LabeledExamples {
  /** The image set the indices point into. */
  readonly source: ImageSet;
  /** The examples, as indices into `source`. */
  readonly indices: readonly number[];
}

/**
 * The model's sigmoid output (probability of the positive class) for each
 * example, in order, predicted in inference mode a batch at a time so a large
 * set never sits in memory as one float tensor. Asynchronous because a GPU
 * backend can only read results back asynchronously (tfjs's WebGPU backend
 * fails on `dataSync` in Deno, which has no canvas to read through).
 */
export async function predictProbabilities(
  model: tf.LayersModel,
  examples: LabeledExamples,
  batchSize = 256,
): Promise<Float32Array> {
  const probabilities = new Float32Array(examples.indices.length);
  let offset = 0;
  for (const batch of evaluationBatches(examples.source, examples.indices, batchSize)) {
    const output = tf.tidy(() => model.predict(batch.x) as tf.Tensor);
    probabilities.set(await output.data(), offset);
    offset += batch.indices.length;
    tf.dispose([output, batch.x, batch.y]);
  }
  return probabilities;
}

/** The 0/1 label of each example, in order (the label is the class index; dogs = 1). */
export function labelsOf(examples: LabeledExamples): Uint8Array {
  return Uint8Array.from(examples.indices, (index) => examples.source.labels[index]);
}
