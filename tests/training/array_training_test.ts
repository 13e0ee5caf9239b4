import * as tf from "@tensorflow/tfjs";
import { assert, assertAlmostEquals, assertEquals, assertRejectsWith } from "../assert.ts";
import { withoutSyncReads } from "../fixtures/no_sync_reads.ts";
import {
  arrayDataset,
  countLabels,
  firstExamples,
  mnistDataset,
  splitValidation,
  takeExamples,
} from "../../lib/data/array_dataset.ts";
import { fitArrays, predictArrays } from "../../lib/training/array_training.ts";
import { selectEngine } from "../../lib/engine/select_engine.ts";
import { buildLogisticRegression } from "../../lib/models/tabular_model.ts";
import { weightedBceByHand, weightedCategoricalByHand } from "../fixtures/first_step.ts";
import {
  checkClassWeight,
  weightedCategoricalCrossEntropy,
} from "../../lib/training/weighted_categorical_loss.ts";

await selectEngine({ backend: "wasm", log: () => {} });

/** `count` 2-feature points in 3 separable clusters (class c centred at (2c, −2c)), plus noise. */
function clusters(count: number, classes = 3) {
  const x = new Float32Array(count * 2);
  const labels = new Uint8Array(count);
  let state = 11;
  const noise = () => ((state = (state * 1103515245 + 12345) % 2147483648) / 2147483648 - 0.5);
  for (let i = 0; i < count; i++) {
    labels[i] = i % classes;
    x[2 * i] = 2 * labels[i] + noise();
    x[2 * i + 1] = -2 * labels[i] + noise();
  }
  return arrayDataset(x, [2], labels);
}

function softmaxModel(classes = 3, seed = 1): tf.Sequential {
  const model = tf.sequential();
  model.add(tf.layers.dense({
    inputShape: [2],
    units: classes,
    activation: "softmax",
    kernelInitializer: tf.initializers.glorotUniform({ seed }),
  }));
  return model;
}

Deno.test("arrayDataset checks that there is one example per label", async () => {
  assertEquals(arrayDataset(new Float32Array(6), [3], new Uint8Array(2)).count, 2);
  await assertRejectsWith(
    () => arrayDataset(new Float32Array(5), [3], new Uint8Array(2)),
    "5 values for 2 labels",
    "expected 6",
  );
  await assertRejectsWith(
    () => arrayDataset(new Float32Array(0), [0], new Uint8Array(0)),
    "whole numbers ≥ 1",
  );
});

Deno.test("mnistDataset scales pixels to [0, 1] and shapes digits [28, 28, 1]", () => {
  const images = new Uint8Array(2 * 784);
  images[0] = 255;
  images[784] = 51;
  const data = mnistDataset({ images, labels: Uint8Array.of(3, 7), count: 2 });
  assertEquals(data.exampleShape, [28, 28, 1]);
  assertEquals(data.x[0], 1);
  assertAlmostEquals(data.x[784], 0.2, 1e-6);
  assertEquals([...data.labels], [3, 7]);
});

Deno.test("splitValidation takes the last fraction before any shuffle, as Keras's validation_split", async () => {
  const data = arrayDataset(
    Float32Array.from({ length: 10 }, (_, i) => i),
    [1],
    new Uint8Array(10),
  );
  const { train, validation } = splitValidation(data, 0.25);
  // Keras: split_at = int(10 * (1 - 0.25)) = 7.
  assertEquals([...train.x], [0, 1, 2, 3, 4, 5, 6]);
  assertEquals([...validation.x], [7, 8, 9]);
  await assertRejectsWith(() => splitValidation(data, 1), "not in (0, 1)");
  await assertRejectsWith(() => splitValidation(firstExamples(data, 1), 0.5), "empty side");
});

Deno.test("takeExamples copies examples in the given order; countLabels counts per class", async () => {
  const data = arrayDataset(Float32Array.of(0, 0, 1, 1, 2, 2), [2], Uint8Array.of(0, 1, 1));
  const taken = takeExamples(data, [2, 0, 2]);
  assertEquals([...taken.x], [2, 2, 0, 0, 2, 2]);
  assertEquals([...taken.labels], [1, 0, 1]);
  assertEquals(countLabels(taken.labels, 3), [1, 2, 0]);
  await assertRejectsWith(() => takeExamples(data, [3]), "index 3", "outside 0 … 2");
  await assertRejectsWith(() => countLabels([4], 3), "label 4");
});

Deno.test("weightedCategoricalCrossEntropy matches a hand computation, with and without weights", () => {
  const labels = tf.tensor1d([0, 2], "int32");
  const probabilities = tf.tensor2d([[0.5, 0.25, 0.25], [0.1, 0.1, 0.8]]);
  const plain = (Math.log(2) - Math.log(0.8)) / 2;
  assertAlmostEquals(
    weightedCategoricalCrossEntropy(labels, probabilities).dataSync()[0],
    plain,
    1e-6,
  );
  // Class 0 weighs 3, class 2 is absent from the mapping so it weighs 1; mean over the batch.
  const weighted = (3 * Math.log(2) - Math.log(0.8)) / 2;
  assertAlmostEquals(
    weightedCategoricalCrossEntropy(labels, probabilities, { 0: 3 }).dataSync()[0],
    weighted,
    1e-6,
  );
});

Deno.test("checkClassWeight refuses an array of weights (the article's mistake) and bad keys", async () => {
  await assertRejectsWith(() => checkClassWeight([0.5, 8], 2), "array", "mapping");
  await assertRejectsWith(() => checkClassWeight(Float64Array.of(0.5, 8), 2), "array");
  await assertRejectsWith(() => checkClassWeight({ 3: 1 }, 3), 'key "3"', "0 … 2");
  await assertRejectsWith(() => checkClassWeight({ 0: -1 }, 2), "classWeight[0] is -1");
  assertEquals(checkClassWeight({ 0: 0.5, 1: 8 }, 2), { 0: 0.5, 1: 8 });
});

Deno.test("fitArrays learns separable classes with a softmax, and logs validation accuracy", async () => {
  const data = clusters(300);
  const model = softmaxModel();
  const history = await fitArrays(model, data, {
    epochs: 15,
    optimizer: tf.train.adam(0.05),
    batchSize: 16,
    seed: 1,
    validation: clusters(60),
    progress: "none",
  });
  assertEquals(history.length, 15);
  assert(history[14].loss < history[0].loss, "the training loss falls");
  assert(history[14].valAccuracy! > 0.95, `validation accuracy ${history[14].valAccuracy}`);
  assertEquals((await predictArrays(model, data)).length, 300 * 3);
});

Deno.test("fitArrays is repeatable for a seed and reshuffles differently for another", async () => {
  const run = async (seed: number) =>
    (await fitArrays(softmaxModel(), clusters(90), {
      epochs: 2,
      optimizer: tf.train.sgd(0.1),
      batchSize: 8,
      seed,
      progress: "none",
    })).map((log) => log.loss);
  const first = await run(1);
  assertEquals(await run(1), first);
  assert((await run(2))[1] !== first[1], "another seed gives another batch order");
});

Deno.test("fitArrays trains a sigmoid model on binary cross-entropy with class weights", async () => {
  // Class 1 is rare (1 in 10) and overlaps class 0: only the weights make the model call it.
  const count = 400;
  const x = new Float32Array(count);
  const labels = new Uint8Array(count);
  for (let i = 0; i < count; i++) {
    labels[i] = i % 10 === 0 ? 1 : 0;
    x[i] = (labels[i] === 1 ? 0.5 : -0.5) + ((i * 37) % 100) / 50 - 1;
  }
  const data = arrayDataset(x, [1], labels);
  const positivesPredicted = async (classWeight?: Record<number, number>) => {
    const model = buildLogisticRegression({ inputSize: 1, seed: 1 });
    const history = await fitArrays(model, data, {
      epochs: 20,
      optimizer: tf.train.adam(0.05),
      seed: 1,
      classWeight,
      validation: data,
      progress: "none",
    });
    assert(history[0].valAuc !== undefined, "a binary model logs the series' validation metrics");
    return [...await predictArrays(model, data)].filter((p) => p > 0.5).length;
  };
  const plain = await positivesPredicted();
  const weighted = await positivesPredicted({ 0: 0.55, 1: 5 });
  assert(weighted > plain + 20, `weighted ${weighted} vs plain ${plain} predicted positives`);
});

/**
 * One SGD step (rate 0.5) of fitArrays over the whole dataset as one batch:
 * the reported loss, and the model's predictions and weights before and
 * its weights after. The models here have no dropout, so the batch's order
 * (fitArrays shuffles it) does not change the step.
 */
async function oneStepOfFitArrays(
  model: tf.LayersModel,
  data: ReturnType<typeof arrayDataset>,
  classWeight?: Record<number, number>,
) {
  const predictions = Array.from(await predictArrays(model, data));
  const [kernelBefore, biasBefore] = model.getWeights().map((w) => Array.from(w.dataSync()));
  const optimizer = tf.train.sgd(0.5);
  const history = await fitArrays(model, data, {
    epochs: 1,
    optimizer,
    batchSize: data.count,
    seed: 3,
    classWeight,
    progress: "none",
  });
  const [kernelAfter, biasAfter] = model.getWeights().map((w) => Array.from(w.dataSync()));
  optimizer.dispose();
  return { loss: history[0].loss, predictions, kernelBefore, biasBefore, kernelAfter, biasAfter };
}

/**
 * The SGD step (rate 0.5) of a one-layer model worked by hand, given each
 * example's derivative of the loss with respect to its logits (`units` per
 * example, already divided by the batch size): weight −= 0.5 · Σᵢ xᵢ dᵢ.
 */
function assertSgdStep(
  step: Awaited<ReturnType<typeof oneStepOfFitArrays>>,
  x: Float32Array,
  d: number[][],
): void {
  const units = d[0].length;
  const features = x.length / d.length;
  step.kernelAfter.forEach((after, index) => {
    const [feature, unit] = [Math.floor(index / units), index % units];
    const gradient = d.reduce((sum, row, i) => sum + x[i * features + feature] * row[unit], 0);
    assertAlmostEquals(after, step.kernelBefore[index] - 0.5 * gradient, 1e-5, `kernel ${index}`);
  });
  step.biasAfter.forEach((after, unit) => {
    const gradient = d.reduce((sum, row) => sum + row[unit], 0);
    assertAlmostEquals(after, step.biasBefore[unit] - 0.5 * gradient, 1e-5, `bias ${unit}`);
  });
}

Deno.test("fitArrays' first step reports and takes the class-weighted categorical cross-entropy worked by hand", async () => {
  const data = clusters(30);
  const classWeight = { 0: 3, 2: 0.25 };
  const step = await oneStepOfFitArrays(softmaxModel(), data, classWeight);
  const expected = weightedCategoricalByHand(data.labels, step.predictions, 3, classWeight);
  assertAlmostEquals(step.loss, expected, 1e-5, `loss ${step.loss} vs ${expected}`);
  const plain = weightedCategoricalByHand(data.labels, step.predictions, 3);
  assert(Math.abs(expected - plain) > 0.2, `weighted ${expected} vs plain ${plain}`);
  // d(w_y · −ln p_y)/dlogit_c = w_y · (p_c − [c = y]).
  const d = [...data.labels].map((label, i) =>
    [0, 1, 2].map((c) =>
      ((classWeight as Record<number, number>)[label] ?? 1) *
      (step.predictions[i * 3 + c] - (c === label ? 1 : 0)) / data.count
    )
  );
  assertSgdStep(step, data.x, d);
});

Deno.test("fitArrays' first step reports and takes the class-weighted binary cross-entropy worked by hand", async () => {
  const x = Float32Array.from({ length: 20 }, (_, i) => Math.sin(i * 1.3));
  const labels = Uint8Array.from({ length: 20 }, (_, i) => i % 5 === 0 ? 1 : 0);
  const data = arrayDataset(x, [1], labels);
  const classWeight = { 0: 0.5, 1: 5 };
  const step = await oneStepOfFitArrays(
    buildLogisticRegression({ inputSize: 1, seed: 2 }),
    data,
    classWeight,
  );
  const expected = weightedBceByHand(labels, step.predictions, classWeight);
  assertAlmostEquals(step.loss, expected, 1e-5, `loss ${step.loss} vs ${expected}`);
  const d = [...labels].map((y, i) => [classWeight[y as 0 | 1] * (step.predictions[i] - y) / 20]);
  assertSgdStep(step, x, d);
});

Deno.test("fitArrays names bad options and labels the model cannot output", async () => {
  const options = { epochs: 1, optimizer: tf.train.sgd(0.1), seed: 1, progress: "none" as const };
  await assertRejectsWith(
    () => fitArrays(softmaxModel(), clusters(9), { ...options, epochs: 0 }),
    "epochs",
  );
  await assertRejectsWith(
    () => fitArrays(softmaxModel(2), clusters(9, 3), options),
    "label at index 2 is 2",
    "0 … 1",
  );
  await assertRejectsWith(
    () =>
      fitArrays(softmaxModel(), clusters(9), {
        ...options,
        classWeight: [1, 2, 3] as unknown as Record<number, number>,
      }),
    "mapping",
  );
});

Deno.test("fitArrays and predictArrays never read a tensor synchronously (WebGPU in Deno cannot)", async () => {
  await withoutSyncReads(async () => {
    const data = clusters(30);
    const model = softmaxModel();
    await fitArrays(model, data, {
      epochs: 1,
      optimizer: tf.train.adam(0.01),
      seed: 1,
      validation: data,
      progress: "none",
    });
    assertEquals((await predictArrays(model, data)).length, 30 * 3);
  });
});
