/**
 * Reading many small results back from the engine with one read instead of
 * one per tensor. On WebGPU in Deno (2.9) every read-back waits for the GPU
 * to go idle and then sleeps a fixed 10 ms, so per-batch reads of losses or
 * predictions stall the GPU and add up; on the CPU engines one read or many
 * cost the same. The values are the same either way.
 */
import * as tf from "@tensorflow/tfjs";

/**
 * The values of `tensors`, each flattened, concatenated in order, from a
 * single read-back; disposes the tensors (also when the read fails).
 */
export async function readAllAndDispose(tensors: readonly tf.Tensor[]): Promise<Float32Array> {
  try {
    if (tensors.length === 0) return new Float32Array(0);
    const joined = tf.tidy(() =>
      tensors.length === 1
        ? tensors[0].flatten()
        : tf.concat(tensors.map((tensor) => tensor.flatten()))
    );
    try {
      return Float32Array.from(await joined.data());
    } finally {
      joined.dispose();
    }
  } finally {
    tf.dispose([...tensors]);
  }
}

/**
 * Runs `output` for each item (e.g. a model's predictions for each batch),
 * keeps the results on the engine and returns all their values, in order,
 * from one read-back. The results are disposed, also when a call fails.
 */
export async function readOutputs<Item>(
  items: Iterable<Item>,
  output: (item: Item) => tf.Tensor,
): Promise<Float32Array> {
  const outputs: tf.Tensor[] = [];
  try {
    for (const item of items) outputs.push(output(item));
  } catch (error) {
    tf.dispose(outputs);
    throw error;
  }
  return await readAllAndDispose(outputs);
}
