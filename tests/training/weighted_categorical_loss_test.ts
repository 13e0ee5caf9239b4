import * as tf from "@tensorflow/tfjs";
import { assertAlmostEquals, assertEquals, assertRejectsWith } from "../assert.ts";
import { selectEngine } from "../../lib/engine/select_engine.ts";
import {
  checkClassWeight,
  weightedCategoricalCrossEntropy,
} from "../../lib/training/weighted_categorical_loss.ts";

await selectEngine({ backend: "wasm", log: () => {} });

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

Deno.test("weightedCategoricalCrossEntropy clips probabilities to [ε, 1 − ε] as Keras does", () => {
  // A certain right answer still costs −ln(1 − ε) (in float32), a certain wrong one −ln ε.
  const loss = (row: number[]) =>
    weightedCategoricalCrossEntropy(tf.tensor1d([0], "int32"), tf.tensor2d([row])).dataSync()[0];
  assertAlmostEquals(loss([1, 0, 0]), -Math.log(Math.fround(1 - 1e-7)), 1e-9);
  assertAlmostEquals(loss([0, 1, 0]), -Math.log(1e-7), 1e-4);
});

Deno.test("checkClassWeight refuses an array of weights (the article's mistake) and bad keys", async () => {
  await assertRejectsWith(
    () => checkClassWeight([0.5, 8], 2),
    "array",
    "mapping",
    'computeClassWeight(labels, "balanced")',
  );
  await assertRejectsWith(() => checkClassWeight(Float64Array.of(0.5, 8), 2), "array");
  const keyFix = "key each weight by a class index";
  await assertRejectsWith(() => checkClassWeight({ 3: 1 }, 3), 'key "3"', "0 … 2", keyFix);
  await assertRejectsWith(() => checkClassWeight({ "-1": 1 }, 3), 'key "-1"', keyFix);
  await assertRejectsWith(() => checkClassWeight({ "0.5": 1 }, 3), 'key "0.5"', keyFix);
  await assertRejectsWith(() => checkClassWeight({ 0: -1 }, 2), "classWeight[0] is -1", "≥ 0");
  const mappingFix = "pass a mapping {class: weight}";
  await assertRejectsWith(() => checkClassWeight(null, 2), "classWeight is null;", mappingFix);
  await assertRejectsWith(() => checkClassWeight(10, 2), "classWeight is number;", mappingFix);
  assertEquals(checkClassWeight({ 0: 0.5, 1: 8 }, 2), { 0: 0.5, 1: 8 });
  // A weight of 0 is allowed: it drops a class from the loss.
  assertEquals(checkClassWeight({ 0: 0, 1: 1 }, 2), { 0: 0, 1: 1 });
});
