/** MaxPoolGrad on wasm (lib/engine/wasm/max_pool_grad.ts) gives the cpu backend's gradient. */
import * as tf from "@tensorflow/tfjs";
import assert from "node:assert/strict";
import { randomValues } from "../../fixtures/random_values.ts";
import { maxAbsDifference, runOn, tolerance, withWasm } from "../../fixtures/wasm_against_cpu.ts";

interface PoolCase {
  shape: [number, number, number, number];
  filterSize: number | [number, number];
  strides: number | [number, number];
  pad: "same" | "valid";
}

const poolCases: PoolCase[] = [];
for (const pad of ["same", "valid"] as const) {
  poolCases.push(
    { shape: [2, 8, 8, 3], filterSize: 2, strides: 2, pad },
    { shape: [3, 7, 9, 4], filterSize: 2, strides: 2, pad },
    { shape: [2, 9, 6, 2], filterSize: [3, 2], strides: [2, 1], pad },
    { shape: [1, 7, 7, 5], filterSize: 3, strides: 1, pad },
    { shape: [2, 10, 7, 3], filterSize: 3, strides: 2, pad },
    // The series' pooling, which runs in WebAssembly: 2x2 at stride 2, channels a multiple of 4.
    { shape: [2, 8, 6, 8], filterSize: 2, strides: 2, pad },
    { shape: [3, 9, 7, 12], filterSize: 2, strides: 2, pad },
    // 2x2 windows that overlap or stride unevenly, channels a multiple of 4: not for that loop.
    { shape: [2, 6, 6, 4], filterSize: 2, strides: 1, pad },
    { shape: [2, 8, 6, 4], filterSize: 2, strides: [2, 1], pad },
    { shape: [2, 8, 6, 4], filterSize: [2, 3], strides: 2, pad },
  );
}

/** Input gradients of sum(maxPool(x) * weights); x is ReLU'd so windows of zeros test ties. */
function maxPoolGradient(c: PoolCase): tf.Tensor[] {
  const size = c.shape.reduce((a, b) => a * b);
  const x = tf.tensor4d(randomValues(size, 21).map((v) => Math.max(0, v)), c.shape);
  const pool = (input: tf.Tensor4D) => tf.maxPool(input, c.filterSize, c.strides, c.pad);
  const outShape = tf.tidy(() => pool(x).shape);
  const dy = tf.tensor4d(randomValues(outShape.reduce((a, b) => a * b), 22), outShape);
  const [gradient] = tf.grads((input) => tf.sum(tf.mul(pool(input as tf.Tensor4D), dy)))([x]);
  tf.dispose([x, dy]);
  return [gradient];
}

Deno.test("MaxPoolGrad on wasm matches cpu across window sizes, strides, paddings and ties", async () => {
  await withWasm(async () => {
    for (const c of poolCases) {
      const [onCpu] = await runOn("cpu", () => maxPoolGradient(c));
      const [onWasm] = await runOn("wasm", () => maxPoolGradient(c));
      const error = maxAbsDifference(onWasm, onCpu);
      assert.ok(
        error <= tolerance,
        `max-pool gradient differs by ${error} for ${JSON.stringify(c)}`,
      );
    }
  });
});

Deno.test("the WebAssembly max-pool gradient matches cpu exactly, with ties, -Infinity and NaN windows", async () => {
  await withWasm(async () => {
    const shape: [number, number, number, number] = [2, 6, 4, 8];
    const size = shape.reduce((a, b) => a * b);
    const values = randomValues(size, 61).map((v) => Math.max(0, v));
    // Whole windows of -Infinity (no pixel beats it: no gradient) and a NaN in others.
    for (let c = 0; c < 8; c += 2) {
      values[c] =
        values[8 + c] =
        values[32 + c] =
        values[40 + c] =
          -Infinity;
    }
    values[16 + 1] = NaN;
    values[48 + 3] = NaN;
    const compute = () => {
      const x = tf.tensor4d(values, shape);
      const dy = tf.tensor4d(randomValues(size / 4, 62), [2, 3, 2, 8]);
      const [dx] = tf.grads((input) =>
        tf.sum(tf.mul(tf.maxPool(input as tf.Tensor4D, 2, 2, "valid"), dy))
      )([x]);
      tf.dispose([x, dy]);
      return [dx];
    };
    const [onCpu] = await runOn("cpu", compute);
    const [onWasm] = await runOn("wasm", compute);
    assert.deepEqual(Array.from(onWasm), Array.from(onCpu));
  });
});
