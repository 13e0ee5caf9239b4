/**
 * Hashed dropout (lib/engine/webgpu/dropout.ts): the masks' statistics from
 * the JavaScript reference, and, where a WebGPU adapter exists (a software
 * one will do), the WGSL kernel and its gradient against that reference bit
 * for bit. SeededDropout, which uses it on webgpu, is tested in
 * tests/models/seeded_dropout_test.ts.
 */
import * as tf from "@tensorflow/tfjs";
import assert from "node:assert/strict";
import {
  hasHashedDropout,
  hashedDropout,
  hashedDropoutMultipliers,
} from "../../../lib/engine/webgpu/dropout.ts";
import { bothKept, keptShare } from "../../fixtures/dropout_masks.ts";
import { onWebGpu, whyNoWebGpu } from "../../fixtures/webgpu_adapter.ts";

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
