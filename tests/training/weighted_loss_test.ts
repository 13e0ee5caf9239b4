import * as tf from "@tensorflow/tfjs";
import { assertAlmostEquals, assertRejectsWith } from "../assert.ts";
import { weightedBceByHand } from "../fixtures/first_step.ts";
import { selectEngine } from "../../lib/engine/select_engine.ts";
import {
  checkBinaryClassWeight,
  weightedBinaryCrossEntropy,
} from "../../lib/training/weighted_loss.ts";

await selectEngine({ backend: "wasm", log: () => {} });

/** The loss of 0/1 `labels` and `probabilities` (one column each), read back as a number. */
function loss(labels: number[], probabilities: number[], classWeight?: Record<number, number>) {
  return tf.tidy(() =>
    weightedBinaryCrossEntropy(
      tf.tensor2d(labels, [labels.length, 1]),
      tf.tensor2d(probabilities, [probabilities.length, 1]),
      classWeight,
    ).dataSync()[0]
  );
}

Deno.test("weighted binary cross-entropy matches a hand-worked case", () => {
  // labels [1, 0], probabilities [0.8, 0.4]:
  // per example −ln 0.8 = 0.2231436, −ln 0.6 = 0.5108256.
  // unweighted mean = 0.3669846; with {0: 1, 1: 10}: (2.231436 + 0.5108256) / 2 = 1.3711308.
  const labels = tf.tensor2d([[1], [0]]);
  const probabilities = tf.tensor2d([[0.8], [0.4]]);
  assertAlmostEquals(
    weightedBinaryCrossEntropy(labels, probabilities).dataSync()[0],
    0.3669846,
    1e-6,
  );
  assertAlmostEquals(
    weightedBinaryCrossEntropy(labels, probabilities, { 0: 1, 1: 10 }).dataSync()[0],
    1.3711308,
    1e-5,
  );
  tf.dispose([labels, probabilities]);
});

Deno.test("weighted binary cross-entropy weighs the negatives by classWeight[0], and an absent label by 1", () => {
  // With {0: 3}: (−ln 0.8 + 3 · −ln 0.6) / 2 = (0.2231436 + 1.5324769) / 2 = 0.8778102.
  assertAlmostEquals(loss([1, 0], [0.8, 0.4], { 0: 3 }), 0.8778102, 1e-5);
  // With {1: 0}: only the negative counts, still divided by the batch of 2: 0.5108256 / 2.
  assertAlmostEquals(loss([1, 0], [0.8, 0.4], { 1: 0 }), 0.2554128, 1e-6);
  // An empty map is the plain mean.
  assertAlmostEquals(loss([1, 0], [0.8, 0.4], {}), 0.3669846, 1e-6);
});

Deno.test("weighted binary cross-entropy clips probabilities to [1e-7, 1 − 1e-7] as Keras does", () => {
  // A sure and wrong prediction costs −ln 1e-7 = 16.118096 instead of infinity.
  assertAlmostEquals(loss([1], [0]), 16.118096, 1e-3);
  // 1 − 1e-7 rounds to 1 − 1.19e-7 in float32, so the other side costs −ln 1.19e-7 = 15.94.
  assertAlmostEquals(loss([0], [1]), 15.942385, 1e-2);
  // A sure and right one costs (almost) nothing.
  assertAlmostEquals(loss([1, 0], [1, 0]), 0, 1e-6);
});

Deno.test("weighted binary cross-entropy agrees with the float64 loss worked in the tests", () => {
  const labels = [1, 0, 0, 1, 0, 0, 0, 1];
  const probabilities = [0.9, 0.2, 0.65, 0.1, 0.5, 0.01, 0.99, 0.45];
  for (const classWeight of [undefined, { 0: 0.6, 1: 2.5 }, { 0: 1, 1: 25 }]) {
    assertAlmostEquals(
      loss(labels, probabilities, classWeight),
      weightedBceByHand(labels, probabilities, classWeight),
      1e-5,
      `class weight ${JSON.stringify(classWeight)}`,
    );
  }
});

Deno.test("checkBinaryClassWeight accepts weights for labels 0 and 1 and names what is wrong otherwise", async () => {
  checkBinaryClassWeight({ 0: 1, 1: 10 });
  checkBinaryClassWeight({ 1: 0 });
  checkBinaryClassWeight({});
  await assertRejectsWith(
    () => checkBinaryClassWeight({ 0: 1, 2: 5, 3: 1 }),
    "classWeight has keys 2, 3",
    "labels are 0 and 1",
    "{0: 1, 1: 10}",
  );
  await assertRejectsWith(
    () => checkBinaryClassWeight({ 0: 1, 1: -2 }),
    "classWeight[1] is -2",
    "finite number ≥ 0",
  );
  await assertRejectsWith(() => checkBinaryClassWeight({ 0: NaN }), "classWeight[0] is NaN");
  await assertRejectsWith(
    () => checkBinaryClassWeight({ 1: Infinity }),
    "classWeight[1] is Infinity",
  );
});
