import { assert, assertEquals, assertRejectsWith } from "../assert.ts";
import { type ArrayDataset, arrayDataset } from "../../lib/data/array_dataset.ts";
import { EarlyStopping } from "../../lib/training/callbacks/early_stopping.ts";
import { ReduceLROnPlateau } from "../../lib/training/callbacks/reduce_lr_on_plateau.ts";
import { selectEngine } from "../../lib/engine/select_engine.ts";
import { headCondition, type HeadConditionOptions } from "../../lib/experiments/head_condition.ts";
import { runCondition } from "../../lib/experiments/experiment.ts";
import { runSeeds } from "../../lib/experiments/repeated_runs.ts";
import { createRandom } from "../../lib/data/random.ts";
import * as tf from "@tensorflow/tfjs";

await selectEngine({ backend: "wasm", log: () => {} });

/** One run of a head condition; the head is disposed, its scores and history kept. */
async function runHead(train: ArrayDataset, options: Omit<HeadConditionOptions, "train">) {
  const result = await runCondition(headCondition({ ...options, train }));
  result.model.dispose();
  return result;
}

/** Feature vectors of length 6 whose first value tells the class, plus noise; `dogShare` of them dogs. */
function features(count: number, seed: number, dogShare = 0.5) {
  const random = createRandom(seed);
  const labels = Uint8Array.from({ length: count }, () => (random.next() < dogShare ? 1 : 0));
  const x = new Float32Array(count * 6);
  labels.forEach((label, i) => {
    for (let k = 0; k < 6; k++) x[i * 6 + k] = random.next() + (k === 0 ? 1.5 * label : 0);
  });
  return arrayDataset(x, [6], labels);
}

Deno.test("headCondition learns a separable problem and logs the validation set every epoch", async () => {
  const { history } = await runHead(features(200, 1), {
    epochs: 8,
    seed: 1,
    hiddenUnits: [8],
    learningRate: 1e-2,
    validation: features(100, 2),
    test: features(20, 10),
  });
  assertEquals(history.length, 8);
  assert(history[7].loss < history[0].loss, "the training loss falls");
  assert(history[7].valAuc! > 0.9, `validation AUC ${history[7].valAuc}`);
  assertEquals(history[0].valTp! + history[0].valFn! + history[0].valTn! + history[0].valFp!, 100);
});

Deno.test("callbacks see each epoch: EarlyStopping stops and ReduceLROnPlateau lowers the rate", async () => {
  // Validation labels unrelated to the features: the validation loss soon stops improving.
  const noise = features(60, 3);
  const shuffledLabels = arrayDataset(noise.x, [6], noise.labels.map((_, i) => i % 2));
  const { history } = await runHead(features(200, 4), {
    epochs: 60,
    seed: 2,
    hiddenUnits: [8],
    learningRate: 1e-2,
    validation: shuffledLabels,
    test: features(20, 10),
    callbacks: () => [new ReduceLROnPlateau({ patience: 2 }), new EarlyStopping({ patience: 5 })],
  });
  assert(history.length < 60, `stopped early, after ${history.length} epochs`);
  assert(history.at(-1)!.lr < 1e-2, `the rate was cut: ${history.at(-1)!.lr}`);
});

Deno.test("headCondition over seeds: one seed gives the same scores twice, another seed other scores", async () => {
  const train = features(200, 5);
  const test = features(80, 6);
  const options = (seed: number) => ({ seed, epochs: 3, hiddenUnits: [8], test });
  await assertRejectsWith(
    () => runSeeds([1, 1], (seed) => headCondition({ ...options(seed), train })),
    "seed 1 appears twice",
  );
  const [a] = await runSeeds([1], (seed) => headCondition({ ...options(seed), train }));
  const [b, c] = await runSeeds([1, 2], (seed) => headCondition({ ...options(seed), train }));
  assertEquals([...a.testProbabilities], [...b.testProbabilities]);
  assert(
    [...a.testProbabilities].some((score, i) => score !== c.testProbabilities[i]),
    "seed 2 differs",
  );
  [a, b, c].forEach((run) => run.model.dispose());
  assertEquals(a.test.count, 80);
  assertEquals(a.seed, 1);
  assert(a.seconds > 0);
});

Deno.test("class weights move the decision towards the weighted class", async () => {
  const train = features(300, 7, 0.1);
  const test = features(200, 8, 0.1);
  const common = { seed: 1, epochs: 5, hiddenUnits: [8], test };
  const plain = await runHead(train, common);
  const weighted = await runHead(train, { ...common, classWeight: { 0: 1, 1: 25 } });
  assert(
    weighted.test.tp + weighted.test.fp > plain.test.tp + plain.test.fp,
    `weight 25 flags more: ${weighted.test.tp + weighted.test.fp} vs ` +
      `${plain.test.tp + plain.test.fp}`,
  );
});

Deno.test("headCondition refuses bad settings with the setting named", async () => {
  const data = features(10, 9);
  const common = { seed: 1, hiddenUnits: [4], test: data };
  await assertRejectsWith(() => runHead(data, { ...common, epochs: 0 }), "epochs");
  await assertRejectsWith(
    () => runHead(data, { ...common, epochs: 1, batchSize: 0 }),
    "batch size must be a whole number",
  );
  const threeClasses = arrayDataset(data.x, [6], data.labels.map((_, i) => i % 3));
  await assertRejectsWith(
    () => runHead(threeClasses, { ...common, epochs: 1 }),
    "the model's classes are 0 … 1",
  );
});

Deno.test("the loss, the output bias and validateEachEpoch reach the head's training", async () => {
  const train = features(120, 11);
  const validation = features(40, 12);
  const common = { seed: 3, epochs: 2, hiddenUnits: [4], test: features(20, 13), validation };
  const plain = await runHead(train, common);
  // A loss that is twice binary cross-entropy doubles the first epoch's reported loss only if
  // trainModel trains with it.
  const doubled = await runHead(train, {
    ...common,
    loss: (labels, probabilities) =>
      tf.tidy(() =>
        tf.mul(2, tf.mean(tf.metrics.binaryCrossentropy(labels, probabilities)))
      ) as tf.Scalar,
  });
  assert(
    doubled.history[0].loss > 1.5 * plain.history[0].loss,
    `first-epoch loss ${doubled.history[0].loss} against ${plain.history[0].loss}`,
  );
  const biased = await runHead(train, { ...common, epochs: 1, outputBias: -4 });
  assert(
    biased.history[0].loss > plain.history[0].loss + 0.3,
    `a bias of −4 on balanced data starts far off: ${biased.history[0].loss}`,
  );
  const quiet = await runHead(train, { ...common, validateEachEpoch: false });
  assertEquals(quiet.history[0].valLoss, undefined);
  assertEquals(quiet.validationProbabilities?.length, 40);
});

Deno.test("headCondition's defaults: named head, batches of 32, no progress display; given values kept", () => {
  const data = features(70, 3);
  const plain = headCondition({ train: data, seed: 1, epochs: 1, test: data });
  assertEquals([plain.name, plain.progress], ["head", "none"]);
  assertEquals([plain.train.batchSize, plain.train.batchCount], [32, 3]);
  const custom = headCondition({
    train: data,
    seed: 1,
    epochs: 1,
    test: data,
    name: "wide head",
    batchSize: 10,
    progress: "lines",
  });
  assertEquals([custom.name, custom.progress], ["wide head", "lines"]);
  assertEquals([custom.train.batchSize, custom.train.batchCount], [10, 7]);
});
