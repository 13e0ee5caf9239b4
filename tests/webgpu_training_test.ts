/**
 * The library's training paths on WebGPU, where a WebGPU adapter exists (a
 * software one will do): the series' CNN through trainModel and evaluate, and
 * a dense net through fitArrays and predictArrays, each running this
 * project's kernels (the profile shows them) and producing finite losses and
 * probabilities. The kernels' numbers are checked in their own tests.
 */
import * as tf from "@tensorflow/tfjs";
import assert from "node:assert/strict";
import { prepareDataset } from "../lib/batches.ts";
import { buildSimpleCnn } from "../lib/model.ts";
import { trainModel } from "../lib/train.ts";
import { evaluate } from "../lib/evaluate.ts";
import { arrayDataset } from "../lib/array_dataset.ts";
import { fitArrays, predictArrays } from "../lib/array_training.ts";
import { buildDenseNet } from "../lib/tabular_model.ts";
import { adam } from "../lib/adam.ts";
import { noiseImageSet } from "./fixtures/noise_images.ts";
import { onWebGpu, whyNoWebGpu } from "./fixtures/webgpu_adapter.ts";

const skipReason = await whyNoWebGpu();
if (skipReason !== undefined) {
  console.log(`webgpu_training_test: skipping the WebGPU training tests: ${skipReason}.`);
}

/** Names of the kernels `body` ran. */
async function kernelsRun(body: () => Promise<void>): Promise<Set<string>> {
  const profile = await tf.profile(body);
  return new Set(profile.kernels.map((kernel) => kernel.name));
}

Deno.test({
  name: "on webgpu trainModel and evaluate train the series' CNN with this project's kernels",
  ignore: skipReason !== undefined,
  fn: () =>
    onWebGpu(async () => {
      const source = noiseImageSet(48, 3);
      const all = [...source.labels.keys()];
      const validation = { source, indices: all.slice(32) };
      const model = buildSimpleCnn({ imageSize: 8, seed: 3 });
      let losses: number[] = [];
      const kernels = await kernelsRun(async () => {
        const history = await trainModel(
          model,
          prepareDataset(source, [all.slice(0, 32)], { seed: 5, batchSize: 16 }),
          { epochs: 2, validation, progress: "none" },
        );
        losses = history.map((epoch) => epoch.loss);
      });
      for (const name of ["Im2Col", "HashedDropout", "AdamMoment", "AdamValue"]) {
        assert.ok(kernels.has(name), `${name} did not run`);
      }
      assert.equal(losses.length, 2);
      assert.ok(losses.every(Number.isFinite), `losses ${losses}`);
      const scores = await evaluate(model, validation);
      assert.equal(scores.count, 16);
      model.dispose();
    }),
});

Deno.test({
  name: "on webgpu fitArrays and predictArrays train a dense net with dropout and fused Adam",
  ignore: skipReason !== undefined,
  fn: () =>
    onWebGpu(async () => {
      const count = 64;
      const features = Float32Array.from({ length: count * 4 }, (_, i) => Math.sin(i * 1.7));
      const labels = Uint8Array.from({ length: count }, (_, i) => features[4 * i] > 0 ? 1 : 0);
      const data = arrayDataset(features, [4], labels);
      const model = buildDenseNet({ inputSize: 4, hidden: [8], dropout: 0.3, seed: 2 });
      let losses: number[] = [];
      const kernels = await kernelsRun(async () => {
        const history = await fitArrays(model, data, {
          epochs: 3,
          optimizer: adam(0.01),
          batchSize: 16,
          seed: 1,
          progress: "none",
        });
        losses = history.map((epoch) => epoch.loss);
      });
      assert.ok(kernels.has("HashedDropout") && kernels.has("AdamValue"), [...kernels].join());
      assert.ok(losses.every(Number.isFinite), `losses ${losses}`);
      const probabilities = await predictArrays(model, data);
      assert.equal(probabilities.length, count);
      assert.ok(probabilities.every((p) => p >= 0 && p <= 1), "a probability outside [0, 1]");
      model.dispose();
    }),
});
