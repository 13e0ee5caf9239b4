import * as tf from "@tensorflow/tfjs";
import { assert, assertAlmostEquals, assertEquals } from "../assert.ts";
import { takeExamples } from "../../lib/data/array_dataset.ts";
import { createRandom, deriveSeed, shuffled } from "../../lib/data/random.ts";
import { selectEngine } from "../../lib/engine/select_engine.ts";
import { runCondition } from "../../lib/experiments/experiment.ts";
import {
  MNIST_TUTORIAL_BATCH_SIZE,
  mnistCondition,
  type MnistResult,
  perClassRecallRows,
  perClassRecallTable,
} from "../../lib/experiments/mnist_experiment.ts";
import { buildMnistCnn } from "../../lib/models/mnist_cnn.ts";
import { fakeDigits } from "../fixtures/fake_digits.ts";
import { trainingModeOutputs, weightedCategoricalByHand } from "../fixtures/first_step.ts";

await selectEngine({ backend: "wasm", log: () => {} });

Deno.test("mnistCondition trains, scores per digit, and tabulates recall", async () => {
  const tensorsBefore = tf.memory().numTensors;
  const result = await runCondition(mnistCondition({
    name: "tiny",
    train: fakeDigits(120),
    validation: fakeDigits(20),
    test: fakeDigits(30),
    epochs: 1,
    seed: 1,
    classWeight: { 3: 2 },
    progress: "none",
  }));
  assertEquals(result.history.length, 1);
  assert(result.history[0].valAccuracy !== undefined, "validation accuracy is logged");
  assertEquals(result.test.perClass.length, 10);
  assertEquals(result.test.count, 30);
  const [row] = perClassRecallTable([result]);
  assertEquals(Object.keys(row).filter((key) => key.startsWith("recall ")).length, 10);
  assertEquals(row.condition, "tiny");
  assertEquals(perClassRecallRows([result]).length, 10);
  result.model.dispose();
  assertEquals(tf.memory().numTensors, tensorsBefore, "no tensor is left behind");
});

Deno.test("mnistCondition's first step reports the class-weighted categorical cross-entropy of the initial predictions", async () => {
  const train = fakeDigits(24);
  const seed = 2;
  const classWeight = { 3: 6, 7: 0.1 };
  // The one batch of epoch 1, in arrayStream's order for this seed (the model has dropout, so the
  // order decides which mask each digit gets), through a twin of the model mnistCondition builds.
  const order = shuffled([...train.labels.keys()], createRandom(deriveSeed(seed, 1)));
  const batch = takeExamples(train, order);
  const twin = buildMnistCnn({ seed });
  const x = tf.tensor(batch.x, [batch.count, 28, 28, 1]);
  const outputs = await trainingModeOutputs(twin, x);
  tf.dispose([x]);
  twin.dispose();
  const expected = weightedCategoricalByHand(batch.labels, outputs, 10, classWeight);
  const plain = weightedCategoricalByHand(batch.labels, outputs, 10);
  assert(Math.abs(expected - plain) > 0.2, `weighted ${expected} vs plain ${plain}`);
  const run = async (weights?: Record<number, number>) => {
    const result = await runCondition(mnistCondition({
      name: "first step",
      train,
      test: fakeDigits(10),
      epochs: 1,
      seed,
      batchSize: train.count,
      classWeight: weights,
      progress: "none",
    }));
    result.model.dispose();
    return result.history[0].loss;
  };
  assertAlmostEquals(await run(classWeight), expected, 1e-5);
  assertAlmostEquals(await run(), plain, 1e-5);
});

Deno.test("mnistCondition: RMSprop at the given rate (default 1e-3) and batches of the given size (default 56)", () => {
  const options = {
    name: "setup",
    train: fakeDigits(120),
    test: fakeDigits(10),
    epochs: 1,
    seed: 1,
  };
  const plain = mnistCondition(options);
  const custom = mnistCondition({ ...options, learningRate: 0.01, batchSize: 50 });
  for (const [condition, learningRate] of [[plain, 1e-3], [custom, 0.01]] as const) {
    const optimizer = condition.optimizer!();
    assertEquals(optimizer.getClassName(), "RMSProp");
    assertEquals(optimizer.getConfig().learningRate, learningRate);
    optimizer.dispose();
  }
  assertEquals([plain.train.batchSize, plain.train.batchCount], [MNIST_TUTORIAL_BATCH_SIZE, 3]);
  assertEquals([custom.train.batchSize, custom.train.batchCount], [50, 3]);
});

Deno.test("perClassRecallTable and perClassRecallRows: each digit's recall, rounded in the table", () => {
  const recalls = [0.12345, 0.5, 1, 0, 0.9996, 0.25, 0.75, 0.1, 0.2, 0.3];
  const fake = {
    name: "fake",
    seconds: 93,
    test: {
      accuracy: 0.45678,
      perClass: recalls.map((recall, digit) => ({ class: digit, recall })),
    },
  } as unknown as MnistResult;
  assertEquals(perClassRecallTable([fake]), [{
    condition: "fake",
    accuracy: 0.457,
    ...Object.fromEntries(
      [0.123, 0.5, 1, 0, 1, 0.25, 0.75, 0.1, 0.2, 0.3].map((recall, digit) => [
        `recall ${digit}`,
        recall,
      ]),
    ),
    // 93 s is 1.55 min, rounded to one decimal.
    minutes: 1.6,
  }]);
  assertEquals(
    perClassRecallRows([fake]),
    recalls.map((recall, digit) => ({ condition: "fake", class: digit, recall })),
  );
});
