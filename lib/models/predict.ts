import * as tf from "@tensorflow/tfjs";
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

/**
 * The model's sigmoid output (probability of the positive class) for each
 * example, in order, predicted in inference mode a batch at a time so a large
 * set never sits in memory as one image tensor; the outputs (one number per
 * example) are read back together at the end (lib/engine/read_back.ts). Asynchronous
 * because a GPU backend can only read results back asynchronously (tfjs's
 * WebGPU backend fails on `dataSync` in Deno, which has no canvas to read
 * through).
 */
export async function predictProbabilities(
  model: tf.LayersModel,
  examples: LabeledExamples,
  batchSize = 256,
): Promise<Float32Array> {
  return await readOutputs(
    evaluationBatches(examples.source, examples.indices, batchSize),
    (batch) => {
      const output = tf.tidy(() => model.predict(batch.x) as tf.Tensor);
      tf.dispose([batch.x, batch.y]);
      return output;
    },
  );
}

/** The 0/1 label of each example, in order (the label is the class index; dogs = 1). */
export function labelsOf(examples: LabeledExamples): Uint8Array {
  return Uint8Array.from(examples.indices, (index) => examples.source.labels[index]);
}
