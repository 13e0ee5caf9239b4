/**
 * SeededDropout on the CPU engines (cpu, wasm): a new mask each training
 * call, the same sequence for the same seed. Hashed dropout
 * (lib/engine/webgpu/dropout.ts): the masks' statistics from the JavaScript
 * reference, and, where a WebGPU adapter exists (a software one
 * will do), the WGSL kernel and its gradient against that reference bit for
 * bit, and SeededDropout training on it.
 */
import * as tf from "@tensorflow/tfjs";
import assert from "node:assert/strict";
import {
  hasHashedDropout,
  hashedDropout,
  hashedDropoutMultipliers,
} from "../../../lib/engine/webgpu/dropout.ts";
import { SeededDropout } from "../../../lib/models/seeded_dropout.ts";
import { adam } from "../../../lib/training/adam.ts";
import { selectEngine } from "../../../lib/engine/select_engine.ts";
import { buildSimpleCnn } from "../../../lib/models/simple_cnn.ts";
import { onWebGpu, whyNoWebGpu } from "../../fixtures/webgpu_adapter.ts";

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

/** The multipliers of `count` ones through `layer` in training mode. */
async function mask(layer: tf.layers.Layer, count = 4000): Promise<Float32Array> {
  const x = tf.ones([count]);
  const y = layer.apply(x, { training: true }) as tf.Tensor;
  const values = await y.data() as Float32Array;
  tf.dispose([x, y]);
  return values;
}

for (const backend of ["cpu", "wasm"]) {
  Deno.test(`on ${backend} SeededDropout draws a new mask each call, the same sequence for the same seed`, async () => {
    await selectEngine({ backend, log: () => {} });
    assert.equal(hasHashedDropout(), false);
    const rate = 0.5;
    const count = 4000;
    const layer = new SeededDropout({ rate, seed: 9 });
    const [first, second, third] = [await mask(layer), await mask(layer), await mask(layer)];
    // Five binomial standard deviations, for the kept share and for the share kept in two masks.
    const keptTolerance = 5 * Math.sqrt(rate * (1 - rate) / count);
    const bothTolerance = 5 * Math.sqrt(0.25 * 0.75 / count);
    for (const [name, m] of [["first", first], ["second", second], ["third", third]] as const) {
      assert.ok(
        m.every((v) => v === 0 || v === 2),
        `${name} mask: values other than 0 and 1 / (1 − rate)`,
      );
      assert.ok(
        Math.abs(keptShare(m) - (1 - rate)) < keptTolerance,
        `${name} kept ${keptShare(m)}`,
      );
    }
    // Independent masks from step to step: kept in both about (1 − rate)² of the time, not 1 − rate.
    for (
      const [name, a, b] of [["1, 2", first, second], ["2, 3", second, third], [
        "1, 3",
        first,
        third,
      ]] as const
    ) {
      const share = bothKept(a, b);
      assert.ok(Math.abs(share - 0.25) < bothTolerance, `calls ${name}: both kept ${share}`);
    }
    // A fresh layer with the same seed repeats the sequence, call by call; another seed does not.
    const again = new SeededDropout({ rate, seed: 9 });
    assert.deepEqual([await mask(again), await mask(again), await mask(again)], [
      first,
      second,
      third,
    ]);
    const other = await mask(new SeededDropout({ rate, seed: 1009 }));
    assert.ok(Math.abs(bothKept(first, other) - 0.25) < bothTolerance, "seed 1009 repeats seed 9");
    // Inference leaves the input alone and does not count as a call.
    const x = tf.ones([count]);
    assert.deepEqual(await (layer.apply(x) as tf.Tensor).data(), await x.data());
    x.dispose();
    assert.deepEqual(await mask(layer), await mask(new SeededDropout({ rate, seed: 12 })));
  });
}

Deno.test("a model's training steps see new dropout masks; a model built from the same seed sees the same ones", async () => {
  await selectEngine({ backend: "wasm", log: () => {} });
  const x = tf.tensor4d(Float32Array.from({ length: 6 * 8 * 8 * 3 }, (_, i) => (i % 17) / 17), [
    6,
    8,
    8,
    3,
  ]);
  const outputs = async (model: tf.LayersModel) => {
    const y = model.apply(x, { training: true }) as tf.Tensor;
    const values = Array.from(await y.data());
    y.dispose();
    return values;
  };
  const model = buildSimpleCnn({ imageSize: 8, seed: 4 });
  const steps = [await outputs(model), await outputs(model)];
  assert.notDeepEqual(steps[0], steps[1], "two training steps used the same dropout masks");
  const twin = buildSimpleCnn({ imageSize: 8, seed: 4 });
  assert.deepEqual([await outputs(twin), await outputs(twin)], steps);
  tf.dispose([x]);
  model.dispose();
  twin.dispose();
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
