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
    const multipliers = hashedDropoutMultipliers(size, { rate, seed: 7 });
    // Five binomial standard deviations.
    const tolerance = 5 * Math.sqrt(rate * (1 - rate) / size);
    assert.ok(
      Math.abs(keptShare(multipliers) - (1 - rate)) < tolerance,
      `rate ${rate}: kept ${keptShare(multipliers)}`,
    );
    const scale = Math.fround(1 / Math.fround(1 - rate));
    assert.ok(multipliers.every((m) => m === 0 || m === scale), `rate ${rate}: other values`);
  }
  assert.ok(hashedDropoutMultipliers(1000, { rate: 0, seed: 3 }).every((m) => m === 1));
});

Deno.test("hashed dropout masks of neighbouring seeds and neighbouring elements are uncorrelated", () => {
  const size = 100_000;
  const rate = 0.5;
  const a = hashedDropoutMultipliers(size, { rate, seed: 100 });
  const b = hashedDropoutMultipliers(size, { rate, seed: 101 });
  // For independent masks P(both kept) = 0.25; five standard deviations of that share.
  const tolerance = 5 * Math.sqrt(0.25 * 0.75 / size);
  let bothSeeds = 0;
  let bothNeighbours = 0;
  for (let i = 0; i < size; i++) {
    if (a[i] > 0 && b[i] > 0) bothSeeds++;
    if (i + 1 < size && a[i] > 0 && a[i + 1] > 0) bothNeighbours++;
  }
  assert.ok(Math.abs(bothSeeds / size - 0.25) < tolerance, `seeds: ${bothSeeds / size}`);
  assert.ok(
    Math.abs(bothNeighbours / (size - 1) - 0.25) < tolerance,
    `neighbours: ${bothNeighbours / (size - 1)}`,
  );
  assert.deepEqual(a, hashedDropoutMultipliers(size, { rate, seed: 100 }), "not repeatable");
});

Deno.test("hashed dropout rejects a rate outside [0, 1) and a seed that is not whole", () => {
  assert.throws(
    () => hashedDropoutMultipliers(4, { rate: 1, seed: 0 }),
    /rate must be in \[0, 1\), got 1/,
  );
  assert.throws(() => hashedDropoutMultipliers(4, { rate: -0.1, seed: 0 }), /got -0.1/);
  assert.throws(() => hashedDropoutMultipliers(4, { rate: 0.5, seed: 1.5 }), /seed.*got 1.5/);
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
      for (
        const attrs of [{ rate: 0.15, seed: 1 }, { rate: 0.4, seed: 2 ** 32 + 5 }, {
          rate: 0,
          seed: 0,
        }]
      ) {
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
      assert.deepEqual(first, hashedDropoutMultipliers(2000, { rate: 0.5, seed: 40 }));
      assert.deepEqual(second, hashedDropoutMultipliers(2000, { rate: 0.5, seed: 41 }));
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
