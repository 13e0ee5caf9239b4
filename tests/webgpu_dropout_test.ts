/**
 * Hashed dropout (lib/webgpu_dropout.ts): the masks' statistics from the
 * JavaScript reference, and, where a WebGPU adapter exists (a software one
 * will do), the WGSL kernel and its gradient against that reference bit for
 * bit, and SeededDropout training on it.
 */
import * as tf from "@tensorflow/tfjs";
import assert from "node:assert/strict";
import {
  hasHashedDropout,
  hashedDropout,
  hashedDropoutMultipliers,
} from "../lib/webgpu_dropout.ts";
import { SeededDropout } from "../lib/seeded_dropout.ts";
import { adam } from "../lib/adam.ts";
import { onWebGpu, whyNoWebGpu } from "./fixtures/webgpu_adapter.ts";

/** Share of nonzero multipliers. */
function keptShare(multipliers: Float32Array): number {
  return multipliers.reduce((count, m) => count + (m > 0 ? 1 : 0), 0) / multipliers.length;
}

Deno.test("hashed dropout keeps 1 - rate of the elements, scaled by 1 / (1 - rate)", () => {
  const size = 200_000;
  for (const rate of [0.1, 0.15, 0.4, 0.5, 0.9]) {
    const multipliers = hashedDropoutMultipliers(size, { rate, seed: 7, call: 0 });
    // Five binomial standard deviations.
    const tolerance = 5 * Math.sqrt(rate * (1 - rate) / size);
    assert.ok(
      Math.abs(keptShare(multipliers) - (1 - rate)) < tolerance,
      `rate ${rate}: kept ${keptShare(multipliers)}`,
    );
    const scale = Math.fround(1 / Math.fround(1 - rate));
    assert.ok(multipliers.every((m) => m === 0 || m === scale), `rate ${rate}: other values`);
  }
  assert.ok(hashedDropoutMultipliers(1000, { rate: 0, seed: 3, call: 5 }).every((m) => m === 1));
});

/** Share of elements kept in both masks. */
function bothKept(a: Float32Array, b: Float32Array): number {
  return a.reduce((count, m, i) => count + (m > 0 && b[i] > 0 ? 1 : 0), 0) / a.length;
}

Deno.test("hashed dropout masks of other calls, other seeds and neighbouring elements are uncorrelated", () => {
  const size = 100_000;
  const rate = 0.5;
  const mask = (seed: number, call: number) => hashedDropoutMultipliers(size, { rate, seed, call });
  const a = mask(100, 20);
  // For independent masks P(both kept) = 0.25; five standard deviations of that share.
  const tolerance = 5 * Math.sqrt(0.25 * 0.75 / size);
  const pairs: [string, Float32Array][] = [
    ["the next call", mask(100, 21)],
    ["the next seed", mask(101, 20)],
    // Seeds 20 apart: with seed + call, call 20 of one would repeat call 0 of the other.
    ["seed + 20, call 0", mask(120, 0)],
    ["the neighbouring element", Float32Array.from(a.subarray(1))],
  ];
  for (const [name, other] of pairs) {
    const share = bothKept(a.subarray(0, other.length), other);
    assert.ok(Math.abs(share - 0.25) < tolerance, `${name}: both kept ${share}`);
  }
  assert.deepEqual(a, mask(100, 20), "not repeatable");
});

Deno.test("hashed dropout rejects a rate outside [0, 1), a seed that is not whole and a negative call", () => {
  const attempt = (rate: number, seed: number, call: number) => () =>
    hashedDropoutMultipliers(4, { rate, seed, call });
  assert.throws(attempt(1, 0, 0), /rate must be in \[0, 1\), got 1/);
  assert.throws(attempt(-0.1, 0, 0), /got -0.1/);
  assert.throws(attempt(0.5, 1.5, 0), /seed.*got 1.5/);
  assert.throws(attempt(0.5, 1, -1), /call must be a whole number >= 0, got -1/);
});

Deno.test("without a WebGPU kernel (the cpu engine) SeededDropout uses tf.dropout", async () => {
  await tf.setBackend("cpu");
  assert.equal(hasHashedDropout(), false);
  const layer = new SeededDropout({ rate: 0.5, seed: 9 });
  const x = tf.ones([1000]);
  const first = await (layer.apply(x, { training: true }) as tf.Tensor).data();
  assert.deepEqual(first, await tf.dropout(x, 0.5, undefined, 9).data());
  x.dispose();
});

const skipReason = await whyNoWebGpu();
if (skipReason !== undefined) {
  console.log(`webgpu_dropout_test: skipping the WebGPU kernel tests: ${skipReason}.`);
}

Deno.test({
  name: "webgpu hashed dropout and its gradient equal the JavaScript reference bit for bit",
  ignore: skipReason !== undefined,
  fn: () =>
    onWebGpu(async () => {
      assert.ok(hasHashedDropout());
      // Odd sizes: the last workgroup is partly outside the tensor.
      const shape = [3, 37, 11, 5];
      const size = shape.reduce((a, b) => a * b);
      const values = Float32Array.from({ length: size }, (_, i) => Math.sin(i) * 3);
      const settings = [
        { rate: 0.15, seed: 1, call: 0 },
        { rate: 0.4, seed: 2 ** 32 + 5, call: 123_456 },
        { rate: 0, seed: 0, call: 0 },
      ];
      for (const attrs of settings) {
        const multipliers = hashedDropoutMultipliers(size, attrs);
        const x = tf.tensor(values, shape);
        const y = hashedDropout(x, attrs);
        assert.deepEqual(y.shape, shape);
        const output = await y.data();
        const gradient = await tf.grad((t: tf.Tensor) =>
          hashedDropout(t, attrs).mul(tf.scalar(3)).sum()
        )(x).data();
        for (let i = 0; i < size; i++) {
          assert.equal(output[i], Math.fround(values[i] * multipliers[i]), `output ${i}`);
          assert.equal(gradient[i], Math.fround(3 * multipliers[i]), `gradient ${i}`);
        }
        tf.dispose([x, y]);
      }
    }),
});

Deno.test({
  name:
    "on webgpu SeededDropout draws a new hashed mask each call and a model trains through it with fused Adam",
  ignore: skipReason !== undefined,
  fn: () =>
    onWebGpu(async () => {
      const layer = new SeededDropout({ rate: 0.5, seed: 40 });
      const x = tf.ones([2000]);
      const first = await (layer.apply(x, { training: true }) as tf.Tensor).data();
      const second = await (layer.apply(x, { training: true }) as tf.Tensor).data();
      assert.deepEqual(first, hashedDropoutMultipliers(2000, { rate: 0.5, seed: 40, call: 0 }));
      assert.deepEqual(second, hashedDropoutMultipliers(2000, { rate: 0.5, seed: 40, call: 1 }));
      assert.deepEqual(await (layer.apply(x) as tf.Tensor).data(), await x.data(), "inference");

      const model = tf.sequential({
        layers: [
          tf.layers.dense({ inputShape: [4], units: 16, activation: "relu" }),
          new SeededDropout({ rate: 0.3, seed: 5 }),
          tf.layers.dense({ units: 1, activation: "sigmoid" }),
        ],
      });
      // adam() runs fused on webgpu, so this also trains through the fused Adam kernels.
      model.compile({ optimizer: adam(0.05), loss: "binaryCrossentropy" });
      const inputs = tf.randomUniform([64, 4], -1, 1, "float32", 1);
      const labels = inputs.slice([0, 0], [64, 1]).greater(0).toFloat();
      const history = await model.fit(inputs, labels, { epochs: 30, batchSize: 64, verbose: 0 });
      const losses = history.history.loss as number[];
      assert.ok(losses.every(Number.isFinite), "a loss is not finite");
      assert.ok(
        losses[losses.length - 1] < 0.6 * losses[0],
        `loss ${losses[0]} -> ${losses.at(-1)}`,
      );
      tf.dispose([x, inputs, labels]);
      model.dispose();
    }),
});
