/**
 * runCondition hands its options to training: the first step's loss (one
 * unshuffled batch) equals the loss worked out here from a freshly built
 * twin model's training-mode predictions, for class weights, focal loss and
 * the output bias; and other class weights train another model.
 */
import * as tf from "@tensorflow/tfjs";
import { assert, assertAlmostEquals, assertEquals, assertRejectsWith } from "../assert.ts";
import { arrayDataset } from "../../lib/data/array_dataset.ts";
import { arrayStream, prepareDataset, toTensors } from "../../lib/data/batches.ts";
import { selectEngine } from "../../lib/engine/select_engine.ts";
import {
  type Condition,
  type ConditionResult,
  disposeModels,
  resultRows,
  runCondition,
} from "../../lib/experiments/experiment.ts";
import { scorePredictions } from "../../lib/metrics/evaluate.ts";
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

// --- Conditions on arrays: what runCondition reports besides the training loss. ---

const points = arrayDataset(
  new Float32Array([-2, -1, 1, 2, 3]),
  [1],
  Uint8Array.of(0, 0, 1, 1, 1),
);

/** A one-unit logistic regression whose initial weight derives from `seed`. */
function logistic(seed: number): tf.LayersModel {
  return tf.sequential({
    layers: [tf.layers.dense({
      inputShape: [1],
      units: 1,
      activation: "sigmoid",
      kernelInitializer: tf.initializers.glorotUniform({ seed }),
    })],
  });
}

/** A condition that trains `logistic` on `points` for one epoch and tests on them. */
function arrayCondition(options: Partial<Condition> = {}): Condition {
  return {
    name: "logistic",
    model: logistic,
    train: arrayStream(points, { batchSize: 5, seed: 1 }),
    test: points,
    epochs: 1,
    seed: 2,
    progress: "none",
    ...options,
  };
}

Deno.test("runCondition: a condition on arrays without a model factory is refused, naming the fix", async () => {
  const { model: _model, ...withoutModel } = arrayCondition();
  await assertRejectsWith(
    () => runCondition(withoutModel),
    'Condition "logistic" trains on arrays but has no model',
    "model: (seed) => ...",
  );
});

Deno.test("runCondition: reports the condition, its default score, counts, validation outputs and time", async () => {
  const before = performance.now();
  const result = await runCondition(arrayCondition({ validation: points }));
  const elapsed = (performance.now() - before) / 1000;
  assertEquals(result.name, "logistic");
  assertEquals(result.settings, {});
  assertEquals(result.seed, 2);
  assertEquals(result.trainClassCounts, [2, 3]);
  assertEquals([...result.testLabels], [0, 0, 1, 1, 1]);
  // The default score is the binary metrics at 0.5 of the test outputs.
  assertEquals(result.test, scorePredictions(result.testLabels, result.testProbabilities));
  // The validation set (here the test points) is predicted by the same trained model.
  assertEquals(result.validationProbabilities, result.testProbabilities);
  assertEquals([...result.validationLabels!], [0, 0, 1, 1, 1]);
  // Validated after each epoch by default.
  assert(result.history[0].valLoss !== undefined, "no validation loss in the epoch log");
  assert(result.seconds > 0 && result.seconds <= elapsed, `${result.seconds} s of ${elapsed} s`);
  result.model.dispose();
});

Deno.test("runCondition: the settings pass through, and validateEachEpoch false skips the epoch's validation only", async () => {
  const settings = { model: "logistic", weight: 3 };
  const result = await runCondition(
    arrayCondition({ validation: points, validateEachEpoch: false, settings }),
  );
  assertEquals(result.settings, settings);
  assertEquals(result.history[0].valLoss, undefined);
  assertEquals(result.validationProbabilities?.length, 5);
  const validated = await runCondition(
    arrayCondition({ validation: points, validateEachEpoch: true }),
  );
  assert(validated.history[0].valLoss !== undefined, "validateEachEpoch true did not validate");
  disposeModels([result, validated]);
  for (const { model } of [result, validated]) {
    await assertRejectsWith(() => model.getWeights(), "already disposed");
  }
});

Deno.test("resultRows: one row per result with the test metrics rounded to 3 decimals", () => {
  const test = {
    ...scorePredictions([0, 0, 1, 1, 1], [0.1, 0.6, 0.7, 0.4, 0.9]),
    accuracy: 0.12345,
    precision: 0.6666666,
    recall: 0.0004,
    f1: 0.9996,
    auc: 0.5555,
  };
  const fake = {
    name: "fake",
    test,
    history: [{ epoch: 1, loss: 1, lr: 0.1, seconds: 0 }, {
      epoch: 2,
      loss: 1,
      lr: 0.1,
      seconds: 0,
    }],
  } as unknown as ConditionResult;
  assertEquals(resultRows([fake]), [{
    condition: "fake",
    accuracy: 0.123,
    precision: 0.667,
    recall: 0,
    f1: 1,
    auc: 0.556,
    tp: 2,
    fp: 1,
    tn: 1,
    fn: 1,
    epochs: 2,
  }]);
});
