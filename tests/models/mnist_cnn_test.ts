import * as tf from "@tensorflow/tfjs";
import { assert, assertAlmostEquals, assertEquals, assertRejectsWith } from "../assert.ts";
import { arrayDataset, takeExamples } from "../../lib/data/array_dataset.ts";
import { selectEngine } from "../../lib/engine/select_engine.ts";
import {
  perClassRecallRows,
  perClassRecallTable,
  runMnistCondition,
} from "../../lib/experiments/mnist_experiment.ts";
import { buildMnistCnn } from "../../lib/models/mnist_cnn.ts";
import { createRandom, deriveSeed, shuffled } from "../../lib/data/random.ts";
import { trainingModeOutputs, weightedCategoricalByHand } from "../fixtures/first_step.ts";

await selectEngine({ backend: "wasm", log: () => {} });

/** `count` fake digits: class c lights up row 2c + 3 of the 28 × 28 image. */
function fakeDigits(count: number) {
  const x = new Float32Array(count * 784);
  const labels = new Uint8Array(count);
  for (let i = 0; i < count; i++) {
    labels[i] = i % 10;
    for (let column = 4; column < 24; column++) x[i * 784 + (2 * labels[i] + 3) * 28 + column] = 1;
  }
  return arrayDataset(x, [28, 28, 1], labels);
}

Deno.test("buildMnistCnn has the tutorial's layers and output shapes", async () => {
  const model = buildMnistCnn({ seed: 1 });
  const shapes = model.layers.map((layer) => [layer.name, layer.outputShape]);
  assertEquals(shapes, [
    ["conv1", [null, 26, 26, 32]],
    ["pool1", [null, 13, 13, 32]],
    ["dropout1", [null, 13, 13, 32]],
    ["conv2", [null, 11, 11, 64]],
    ["pool2", [null, 5, 5, 64]],
    ["dropout2", [null, 5, 5, 64]],
    ["conv3", [null, 3, 3, 64]],
    ["flatten", [null, 576]],
    ["dense", [null, 128]],
    ["dropout3", [null, 128]],
    ["output", [null, 10]],
  ]);
  // 320 + 18,496 + 36,928 + 73,856 + 1,290 weights, as Keras's summary of the tutorial's model.
  assertEquals(model.countParams(), 130_890);
  await assertRejectsWith(() => buildMnistCnn({ classes: 1 }), "classes is 1");
});

Deno.test("buildMnistCnn starts identically for a seed and differently for another", () => {
  const weights = (seed: number) => buildMnistCnn({ seed }).getWeights()[0].dataSync().slice(0, 5);
  assertEquals([...weights(3)], [...weights(3)]);
  assert(weights(3)[0] !== weights(4)[0], "another seed, other weights");
});

Deno.test("runMnistCondition trains, scores per digit, and tabulates recall", async () => {
  const tensorsBefore = tf.memory().numTensors;
  const result = await runMnistCondition({
    name: "tiny",
    train: fakeDigits(120),
    validation: fakeDigits(20),
    test: fakeDigits(30),
    epochs: 1,
    seed: 1,
    classWeight: { 3: 2 },
    progress: "none",
  });
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

Deno.test("runMnistCondition's first step reports the class-weighted categorical cross-entropy of the initial predictions", async () => {
  const train = fakeDigits(24);
  const seed = 2;
  const classWeight = { 3: 6, 7: 0.1 };
  // The one batch of epoch 1, in arrayStream's order for this seed (the model has dropout, so the
  // order decides which mask each digit gets), through a twin of the model runMnistCondition builds.
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
    const result = await runMnistCondition({
      name: "first step",
      train,
      test: fakeDigits(10),
      epochs: 1,
      seed,
      batchSize: train.count,
      classWeight: weights,
      progress: "none",
    });
    result.model.dispose();
    return result.history[0].loss;
  };
  assertAlmostEquals(await run(classWeight), expected, 1e-5);
  assertAlmostEquals(await run(), plain, 1e-5);
});
