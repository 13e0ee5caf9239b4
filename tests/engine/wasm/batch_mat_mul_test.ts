/**
 * The BatchMatMul wrapper on wasm (lib/engine/wasm/batch_mat_mul.ts) gives
 * the cpu backend's products and leaks nothing.
 */
import * as tf from "@tensorflow/tfjs";
import assert from "node:assert/strict";
import { randomValues } from "../../fixtures/random_values.ts";
import { maxAbsDifference, runOn, tolerance, withWasm } from "../../fixtures/wasm_against_cpu.ts";

/** Products of every transposition, for single matrices, batch-of-one and real batches. */
function matrixProducts(): tf.Tensor[] {
  const a2 = tf.tensor2d(randomValues(5 * 7, 31), [5, 7]);
  const b2 = tf.tensor2d(randomValues(7 * 4, 32), [7, 4]);
  const a3 = tf.tensor3d(randomValues(3 * 5 * 7, 33), [3, 5, 7]);
  const b3 = tf.tensor3d(randomValues(3 * 7 * 4, 34), [3, 7, 4]);
  const results: tf.Tensor[] = [];
  for (const transposeA of [false, true]) {
    for (const transposeB of [false, true]) {
      const a = transposeA ? a2.transpose() : a2;
      const b = transposeB ? b2.transpose() : b2;
      results.push(tf.matMul(a, b, transposeA, transposeB));
      results.push(tf.matMul(a.expandDims(0), b.expandDims(0), transposeA, transposeB));
      const a3t = transposeA ? a3.transpose([0, 2, 1]) : a3;
      const b3t = transposeB ? b3.transpose([0, 2, 1]) : b3;
      results.push(tf.matMul(a3t, b3t, transposeA, transposeB));
    }
  }
  const gradients = tf.grads((a, b) => tf.sum(tf.tanh(tf.matMul(a, b))))([a2, b2]);
  tf.dispose([a2, b2, a3, b3]);
  return [...results, ...gradients];
}

Deno.test("BatchMatMul on wasm matches cpu with and without transposed operands", async () => {
  await withWasm(async () => {
    const onCpu = await runOn("cpu", matrixProducts);
    const onWasm = await runOn("wasm", matrixProducts);
    onCpu.forEach((expected, index) => {
      const error = maxAbsDifference(onWasm[index], expected);
      assert.ok(error <= tolerance, `product ${index} differs by ${error}`);
    });
  });
});

Deno.test("the matrix-product wrapper leaks no tensor and frees its transposed copies", async () => {
  await withWasm(() => {
    const a = tf.tensor2d(randomValues(6 * 4, 41), [6, 4]);
    const b = tf.tensor2d(randomValues(6 * 3, 42), [6, 3]);
    const before = tf.memory().numTensors;
    const product = tf.matMul(a, b, true, false);
    assert.deepEqual(product.shape, [4, 3]);
    product.dispose();
    assert.equal(tf.memory().numTensors, before);
    assert.equal(a.dataSync().length, 24, "the input was freed by the kernel");
    tf.dispose([a, b]);
  });
});
