/**
 * borrowTensor (lib/engine/wasm/borrow_tensor.ts) lets a kernel use an input
 * as a Tensor and dispose it without freeing the caller's data.
 */
import * as tf from "@tensorflow/tfjs";
import { assertEquals } from "../../assert.ts";
import { withWasm } from "../../fixtures/wasm_against_cpu.ts";
import { borrowTensor, borrowTensor4D } from "../../../lib/engine/wasm/borrow_tensor.ts";

/** A kernel's view of `tensor`: its data id, shape and type. */
function infoOf(tensor: tf.Tensor): tf.TensorInfo {
  return { dataId: tensor.dataId, shape: tensor.shape, dtype: tensor.dtype };
}

Deno.test("a borrowed tensor reads the input's data, and disposing it leaves the input intact", async () => {
  await withWasm(async () => {
    const { numTensors, numDataBuffers } = tf.memory();
    const x = tf.tensor2d([1, 2, 3, 4], [2, 2]);
    const borrowed = borrowTensor(infoOf(x), tf.backend());
    assertEquals(borrowed.shape, [2, 2]);
    const doubled = tf.mul(borrowed, 2);
    assertEquals(Array.from(await doubled.data()), [2, 4, 6, 8]);
    doubled.dispose();
    borrowed.dispose();
    assertEquals(Array.from(await x.data()), [1, 2, 3, 4]);
    assertEquals(tf.memory().numDataBuffers, numDataBuffers + 1);
    // Once the input is disposed too, its data is freed.
    x.dispose();
    assertEquals(tf.memory(), { ...tf.memory(), numTensors, numDataBuffers });
  });
});

Deno.test("a tensor borrowed inside tidy is disposed with the scope, the input is not", async () => {
  await withWasm(async () => {
    const x = tf.tensor4d([1, 2, 3, 4, 5, 6], [1, 1, 2, 3]);
    const before = tf.memory().numTensors;
    const sum = tf.tidy(() => {
      const borrowed = borrowTensor4D(infoOf(x), tf.backend());
      assertEquals(borrowed.rank, 4);
      return tf.sum(borrowed);
    });
    assertEquals(tf.memory().numTensors, before + 1);
    assertEquals((await sum.data())[0], 21);
    assertEquals(Array.from(await x.data()), [1, 2, 3, 4, 5, 6]);
    tf.dispose([x, sum]);
  });
});
