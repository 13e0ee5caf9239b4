/**
 * SeededDropout (lib/models/seeded_dropout.ts) on the CPU engines (cpu,
 * wasm): a new mask each training call, the same sequence for the same seed;
 * and, where a WebGPU adapter exists (a software one will do), the hashed
 * masks of lib/engine/webgpu/dropout.ts, with a model training through them.
 */
import * as tf from "@tensorflow/tfjs";
import assert from "node:assert/strict";
import { hasHashedDropout, hashedDropoutMultipliers } from "../../lib/engine/webgpu/dropout.ts";
import { SeededDropout } from "../../lib/models/seeded_dropout.ts";
import { adam } from "../../lib/training/adam.ts";
import { selectEngine } from "../../lib/engine/select_engine.ts";
import { bothKept, keptShare } from "../fixtures/dropout_masks.ts";
import { onWebGpu, whyNoWebGpu } from "../fixtures/webgpu_adapter.ts";

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

const skipReason = await whyNoWebGpu();
if (skipReason !== undefined) {
  console.log(`seeded_dropout_test: skipping the WebGPU test: ${skipReason}.`);
}

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

Deno.test("SeededDropout refuses a rate outside [0, 1)", () => {
  for (const rate of [1, -0.1, 1.5, NaN]) {
    assert.throws(
      () => new SeededDropout({ rate, seed: 1 }),
      new RegExp(`Dropout rate must be in \\[0, 1\\), got ${rate}\\.`),
    );
  }
  assert.equal(new SeededDropout({ rate: 0, seed: 1 }).rate, 0);
});
