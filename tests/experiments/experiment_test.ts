/**
 * runCondition hands its options to training: the first step's loss (one
 * unshuffled batch) equals the loss worked out here from a freshly built
 * twin model's training-mode predictions, for class weights, focal loss and
 * the output bias; and other class weights train another model.
 */
import * as tf from "@tensorflow/tfjs";
import { assert, assertAlmostEquals } from "../assert.ts";
import { prepareDataset, toTensors } from "../../lib/data/batches.ts";
import { selectEngine } from "../../lib/engine/select_engine.ts";
import { type Condition, runCondition } from "../../lib/experiments/experiment.ts";
import { focalLoss } from "../../lib/training/focal_loss.ts";
import { buildSimpleCnn } from "../../lib/models/simple_cnn.ts";
import { noiseImageSet } from "../fixtures/noise_images.ts";
import {
  focalByHand,
  trainingModeOutputs,
  weightedBceByHand,
  withAddedBias,
} from "../fixtures/first_step.ts";

await selectEngine({ backend: "wasm", log: () => {} });

const images = noiseImageSet(28, 5);
const all = [...images.labels.keys()];
const trainIndices = all.slice(0, 20);
const test = { source: images, indices: all.slice(20) };
const labels = trainIndices.map((index) => images.labels[index]);
const seed = 6;

/** runCondition on the 20 training images as one unshuffled batch, for `epochs` epochs. */
async function run(options: Partial<Condition>, epochs = 1) {
  const result = await runCondition({
    name: "first step",
    train: prepareDataset(images, [trainIndices], { seed: 1, batchSize: 20, shuffle: false }),
    test,
    epochs,
    seed,
    progress: "none",
    ...options,
  });
  result.model.dispose();
  return result;
}

/** The training-mode outputs of a fresh model built as runCondition builds it (same seed, masks). */
async function twinOutputs(outputBias?: number): Promise<number[]> {
  const twin = buildSimpleCnn({ imageSize: 8, seed, outputBias });
  const batch = toTensors(images, trainIndices);
  const outputs = await trainingModeOutputs(twin, batch.x);
  tf.dispose([batch.x, batch.y]);
  twin.dispose();
  return outputs;
}

Deno.test("runCondition: the first step's loss is the class-weighted cross-entropy of the initial predictions", async () => {
  const predictions = await twinOutputs();
  const classWeight = { 0: 1, 1: 6 };
  const expected = weightedBceByHand(labels, predictions, classWeight);
  const plain = weightedBceByHand(labels, predictions);
  assert(Math.abs(expected - plain) > 0.3, `weighted ${expected} vs plain ${plain}`);
  const weighted = await run({ classWeight });
  assertAlmostEquals(weighted.history[0].loss, expected, 1e-5);
  assertAlmostEquals((await run({})).history[0].loss, plain, 1e-5);
});

Deno.test("runCondition: the first step's loss is the focal loss of the initial predictions", async () => {
  const predictions = await twinOutputs();
  const expected = focalByHand(labels, predictions, 0.4, 3);
  const result = await run({ loss: focalLoss({ alpha: 0.4, gamma: 3 }) });
  assertAlmostEquals(result.history[0].loss, expected, 1e-5);
});

Deno.test("runCondition: the output bias shifts the initial logits, as the first step's loss shows", async () => {
  const bias = Math.log(1 / 10);
  // Predictions of the model without the bias, moved by the bias on the logit scale by hand.
  const shifted = (await twinOutputs()).map((p) => withAddedBias(p, bias));
  const expected = weightedBceByHand(labels, shifted);
  const unbiased = weightedBceByHand(labels, await twinOutputs());
  assert(Math.abs(expected - unbiased) > 0.1, `biased ${expected} vs unbiased ${unbiased}`);
  const result = await run({ outputBias: bias });
  assertAlmostEquals(result.history[0].loss, expected, 1e-5);
});

Deno.test("runCondition: a heavier weight on dogs trains a model that scores the test images higher", async () => {
  const meanScore = (result: { testProbabilities: Float32Array }) =>
    result.testProbabilities.reduce((sum, p) => sum + p, 0) / result.testProbabilities.length;
  const even = await run({ classWeight: { 0: 1, 1: 1 } }, 3);
  const dogHeavy = await run({ classWeight: { 0: 1, 1: 10 } }, 3);
  assert(
    meanScore(dogHeavy) > meanScore(even) + 0.1,
    `mean test score ${meanScore(dogHeavy)} with dogs weighted 10 vs ${meanScore(even)} with 1`,
  );
});
