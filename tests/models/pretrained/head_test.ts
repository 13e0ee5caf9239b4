import * as tf from "@tensorflow/tfjs";
import { assertAlmostEquals, assertEquals, assertRejectsWith } from "../../assert.ts";
import { buildHead } from "../../../lib/models/pretrained/head.ts";

Deno.test("the post's head: flatten, dense 512 relu, one sigmoid", () => {
  const head = buildHead([3, 3, 4]);
  assertEquals(head.layers.map((layer) => layer.getClassName()), ["Flatten", "Dense", "Dense"]);
  assertEquals(head.layers.map((layer) => layer.outputShape), [[null, 36], [null, 512], [null, 1]]);
  const activations = head.layers.slice(1).map((layer) => layer.getConfig().activation);
  assertEquals(activations, ["relu", "sigmoid"]);
});

Deno.test("global average pooling and other hidden sizes are options", () => {
  const head = buildHead([3, 3, 4], { pooling: "globalAverage", hiddenUnits: [8, 4] });
  assertEquals(head.layers.map((layer) => layer.outputShape), [
    [null, 4],
    [null, 8],
    [null, 4],
    [null, 1],
  ]);
});

Deno.test("a head for feature vectors starts with its dense layer", () => {
  const head = buildHead([10], { hiddenUnits: [] });
  assertEquals(head.layers.map((layer) => layer.outputShape), [[null, 1]]);
  assertEquals(head.countParams(), 11);
});

Deno.test("the same seed gives the same head, another seed another", async () => {
  const values = (model: tf.LayersModel) =>
    Promise.all(model.getWeights().map(async (w) => Array.from(await w.data())));
  const a = await values(buildHead([6], { hiddenUnits: [5], seed: 7 }));
  assertEquals(await values(buildHead([6], { hiddenUnits: [5], seed: 7 })), a);
  const other = await values(buildHead([6], { hiddenUnits: [5], seed: 8 }));
  assertEquals(other[0].some((value, i) => value !== a[0][i]), true);
});

Deno.test("impossible heads are refused with the fix", async () => {
  await assertRejectsWith(
    () => buildHead([10], { pooling: "globalAverage" }),
    'use pooling "flatten"',
  );
  await assertRejectsWith(() => buildHead([3, 3, 4], { hiddenUnits: [0] }), "hiddenUnits");
  await assertRejectsWith(() => buildHead([null as unknown as number, 4]), "without the batch");
});

Deno.test("outputBias starts the sigmoid unit at that bias: zero features predict its probability", () => {
  const bias = Math.log(1 / 10);
  const head = buildHead([6], { hiddenUnits: [4], seed: 3, outputBias: bias });
  const outputBias = head.getLayer("head_output").getWeights()[1].dataSync();
  assertEquals([...outputBias], [Math.fround(bias)]);
  const probability = tf.tidy(() => (head.predict(tf.zeros([1, 6])) as tf.Tensor).dataSync()[0]);
  assertAlmostEquals(probability, 1 / 11, 1e-6);
  head.dispose();
});
