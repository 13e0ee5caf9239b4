/**
 * The Sum wrapper on wasm (lib/engine/wasm/sum.ts) gives the cpu backend's
 * sums, and its WebAssembly loop the JavaScript loop's.
 */
import * as tf from "@tensorflow/tfjs";
import assert from "node:assert/strict";
import { sumLeadingRowsInto } from "../../../lib/engine/wasm/sum.ts";
import { randomValues } from "../../fixtures/random_values.ts";
import { maxAbsDifference, runOn, tolerance, withWasm } from "../../fixtures/wasm_against_cpu.ts";

/** Sums over leading, inner, mixed, negative and all axes, with and without keepDims. */
function sums(): tf.Tensor[] {
  const x = tf.tensor4d(randomValues(3 * 5 * 4 * 6, 51), [3, 5, 4, 6]);
  // Rows of 32 and 48 are summed in WebAssembly (a multiple of 16 columns), 6 in JavaScript.
  const wide = tf.tensor4d(randomValues(3 * 5 * 4 * 32, 52), [3, 5, 4, 32]);
  const wider = tf.tensor2d(randomValues(7 * 48, 53), [7, 48]);
  const wideSums = [tf.sum(wide, [0, 1, 2]), tf.sum(wide, [0, 1], true), tf.sum(wider, 0)];
  tf.dispose([wide, wider]);
  const axesList: Array<number | number[]> = [0, [0, 1], [1, 0, 2], [0, 1, 2, 3], 3, [1, 2], -1, [
    0,
    2,
  ]];
  const results = axesList.flatMap((axes) => [tf.sum(x, axes), tf.sum(x, axes, true)]);
  // The bias gradient of a conv layer: the sum of dy over batch, rows and columns.
  const bias = tf.zeros([6]);
  const [biasGradient] = tf.grads((b) => tf.sum(tf.square(tf.add(x, b))))([bias]);
  tf.dispose([x, bias]);
  return [...results, biasGradient, ...wideSums];
}

Deno.test("Sum on wasm matches cpu over leading and other axes, with and without keepDims", async () => {
  await withWasm(async () => {
    const onCpu = await runOn("cpu", sums);
    const onWasm = await runOn("wasm", sums);
    const shapes = await runOn("wasm", () => sums().map((t) => tf.tensor1d(t.shape)));
    const cpuShapes = await runOn("cpu", () => sums().map((t) => tf.tensor1d(t.shape)));
    shapes.forEach((shape, index) => assert.deepEqual(shape, cpuShapes[index], `shape ${index}`));
    onCpu.forEach((expected, index) => {
      const error = maxAbsDifference(onWasm[index], expected);
      assert.ok(error <= tolerance, `sum ${index} differs by ${error}`);
    });
  });
});

Deno.test("the WebAssembly leading-axis sums equal the JavaScript loop's to the bit", async () => {
  await withWasm(() => {
    for (const [rows, inner] of [[2048, 32], [300, 64], [7, 48]]) {
      const x = tf.tensor2d(randomValues(rows * inner, 71).map((v) => 100 * v), [rows, inner]);
      const sums = tf.sum(x, 0);
      const expected = new Float32Array(inner);
      sumLeadingRowsInto(expected, x.dataSync() as Float32Array, inner);
      assert.deepEqual(Array.from(sums.dataSync()), Array.from(expected), `${rows}x${inner}`);
      tf.dispose([x, sums]);
    }
  });
});
