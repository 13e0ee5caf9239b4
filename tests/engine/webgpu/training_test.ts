/**
 * The library's training paths on WebGPU, where a WebGPU adapter exists (a
 * software one will do): the series' CNN through trainModel and evaluate, and
 * a dense net through trainModel and predictProbabilities, each running this
 * project's kernels (the profile shows them), starting from the loss worked
 * out from a twin model's predictions on WebGPU (class weights and hashed
 * dropout included), and, without dropout, taking the same SGD steps as on
 * the cpu engine.
 */
import * as tf from "@tensorflow/tfjs";
import assert from "node:assert/strict";
import { prepareDataset, toTensors } from "../../../lib/data/batches.ts";
import { buildSimpleCnn } from "../../../lib/models/simple_cnn.ts";
import { trainModel } from "../../../lib/training/train.ts";
import { evaluate } from "../../../lib/metrics/evaluate.ts";
import { arrayDataset, takeExamples } from "../../../lib/data/array_dataset.ts";
import { arrayStream } from "../../../lib/data/batches.ts";
import { predictProbabilities } from "../../../lib/models/predict.ts";
import { buildDenseNet } from "../../../lib/models/tabular_model.ts";
import { adam } from "../../../lib/training/adam.ts";
import { noiseImageSet } from "../../fixtures/noise_images.ts";
import { onWebGpu, whyNoWebGpu } from "../../fixtures/webgpu_adapter.ts";
import { createRandom, deriveSeed, shuffled } from "../../../lib/data/random.ts";
import { trainingModeOutputs, weightedBceByHand } from "../../fixtures/first_step.ts";

const skipReason = await whyNoWebGpu();
if (skipReason !== undefined) {
  console.log(`webgpu_training_test: skipping the WebGPU training tests: ${skipReason}.`);
}

/** Names of the kernels `body` ran. */
async function kernelsRun(body: () => Promise<void>): Promise<Set<string>> {
  const profile = await tf.profile(body);
  return new Set(profile.kernels.map((kernel) => kernel.name));
}

/** The model's weights, all read back into one list. */
async function flatWeights(model: tf.LayersModel): Promise<number[]> {
  const values = await Promise.all(model.getWeights().map((weight) => weight.data()));
  return values.flatMap((value) => Array.from(value));
}

/** Throws unless two weight lists agree within 1e-4 of the largest weight. */
function assertSameWeights(actual: number[], expected: number[], what: string): void {
  assert.equal(actual.length, expected.length);
  const scale = expected.reduce((max, value) => Math.max(max, Math.abs(value)), 0);
  const worst = actual.reduce((max, value, i) => Math.max(max, Math.abs(value - expected[i])), 0);
  assert.ok(worst <= 1e-4 * scale, `${what}: a weight differs by ${worst} (largest ${scale})`);
}

const images = noiseImageSet(48, 3);
const imageIndices = [...images.labels.keys()];

/** A conv net without dropout trained by trainModel with SGD, 3 one-batch epochs: its weights. */
async function convNetAfterSgd(): Promise<number[]> {
  const model = tf.sequential({
    layers: [
      tf.layers.conv2d({
        inputShape: [8, 8, 3],
        filters: 8,
        kernelSize: 3,
        padding: "same",
        activation: "relu",
        kernelInitializer: tf.initializers.heUniform({ seed: 1 }),
      }),
      tf.layers.maxPooling2d({ poolSize: 2 }),
      tf.layers.flatten(),
      tf.layers.dense({
        units: 1,
        activation: "sigmoid",
        kernelInitializer: tf.initializers.glorotUniform({ seed: 2 }),
      }),
    ],
  });
  const optimizer = tf.train.sgd(0.1);
  await trainModel(
    model,
    prepareDataset(images, [imageIndices.slice(0, 32)], { seed: 1, batchSize: 32, shuffle: false }),
    { epochs: 3, optimizer, classWeight: { 0: 1, 1: 3 }, progress: "none" },
  );
  const weights = await flatWeights(model);
  optimizer.dispose();
  model.dispose();
  return weights;
}

Deno.test({
  name: "on webgpu trainModel and evaluate train the series' CNN with this project's kernels",
  ignore: skipReason !== undefined,
  fn: async () => {
    await tf.setBackend("cpu");
    const onCpu = await convNetAfterSgd();
    await onWebGpu(async () => {
      const trainIndices = imageIndices.slice(0, 32);
      const validation = { source: images, indices: imageIndices.slice(32) };
      const classWeight = { 0: 1, 1: 4 };
      // The first step's loss, from a twin's training-mode outputs (hashed dropout, call 0).
      const twin = buildSimpleCnn({ imageSize: 8, seed: 3 });
      const batch = toTensors(images, trainIndices);
      const labels = Array.from(await batch.y.data());
      const expected = weightedBceByHand(
        labels,
        await trainingModeOutputs(twin, batch.x),
        classWeight,
      );
      tf.dispose([batch.x, batch.y]);
      twin.dispose();
      const model = buildSimpleCnn({ imageSize: 8, seed: 3 });
      let losses: number[] = [];
      const kernels = await kernelsRun(async () => {
        const history = await trainModel(
          model,
          prepareDataset(images, [trainIndices], { seed: 5, batchSize: 32, shuffle: false }),
          { epochs: 2, validation, classWeight, progress: "none" },
        );
        losses = history.map((epoch) => epoch.loss);
      });
      for (const name of ["Im2Col", "HashedDropout", "AdamMoment", "AdamValue"]) {
        assert.ok(kernels.has(name), `${name} did not run`);
      }
      assert.equal(losses.length, 2);
      assert.ok(Math.abs(losses[0] - expected) < 1e-4, `first loss ${losses[0]} vs ${expected}`);
      const scores = await evaluate(model, validation);
      assert.equal(scores.count, 16);
      model.dispose();
      // Without dropout, the same SGD steps as on cpu.
      assertSameWeights(await convNetAfterSgd(), onCpu, "conv net after 3 SGD steps");
    });
  },
});

const count = 64;
const features = Float32Array.from({ length: count * 4 }, (_, i) => Math.sin(i * 1.7));
const featureLabels = Uint8Array.from({ length: count }, (_, i) => features[4 * i] > 0 ? 1 : 0);
const table = arrayDataset(features, [4], featureLabels);

/** A dense net without dropout trained by trainModel with SGD, 3 epochs of 4 batches: its weights. */
async function denseNetAfterSgd(): Promise<number[]> {
  const model = buildDenseNet({ inputSize: 4, hidden: [8], dropout: 0, seed: 2 });
  const optimizer = tf.train.sgd(0.1);
  await trainModel(model, arrayStream(table, { batchSize: 16, seed: 1 }), {
    epochs: 3,
    optimizer,
    classWeight: { 0: 1, 1: 2 },
    progress: "none",
  });
  const weights = await flatWeights(model);
  optimizer.dispose();
  model.dispose();
  return weights;
}

Deno.test({
  name:
    "on webgpu trainModel and predictProbabilities train a dense net with dropout and fused Adam",
  ignore: skipReason !== undefined,
  fn: async () => {
    await tf.setBackend("cpu");
    const onCpu = await denseNetAfterSgd();
    await onWebGpu(async () => {
      const seed = 2;
      const classWeight = { 0: 0.5, 1: 3 };
      // The one batch of epoch 1 in arrayStream's order (dropout makes the order matter), through
      // a twin of the model.
      const order = shuffled([...table.labels.keys()], createRandom(deriveSeed(seed, 1)));
      const batch = takeExamples(table, order);
      const twin = buildDenseNet({ inputSize: 4, hidden: [8], dropout: 0.3, seed });
      const x = tf.tensor2d(batch.x, [count, 4]);
      const expected = weightedBceByHand(
        batch.labels,
        await trainingModeOutputs(twin, x),
        classWeight,
      );
      x.dispose();
      twin.dispose();
      const model = buildDenseNet({ inputSize: 4, hidden: [8], dropout: 0.3, seed });
      let losses: number[] = [];
      const kernels = await kernelsRun(async () => {
        const history = await trainModel(model, arrayStream(table, { batchSize: count, seed }), {
          epochs: 3,
          optimizer: adam(0.01),
          classWeight,
          progress: "none",
        });
        losses = history.map((epoch) => epoch.loss);
      });
      assert.ok(kernels.has("HashedDropout") && kernels.has("AdamValue"), [...kernels].join());
      assert.ok(Math.abs(losses[0] - expected) < 1e-4, `first loss ${losses[0]} vs ${expected}`);
      const probabilities = await predictProbabilities(model, table);
      assert.equal(probabilities.length, count);
      model.dispose();
      assertSameWeights(await denseNetAfterSgd(), onCpu, "dense net after 12 SGD steps");
    });
  },
});
