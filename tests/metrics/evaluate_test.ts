import * as tf from "@tensorflow/tfjs";
import { assertAlmostEquals, assertEquals, assertRejectsWith } from "../assert.ts";
import { labels, probabilities } from "../fixtures/hand_worked_scores.ts";
import { noiseImageSet } from "../fixtures/noise_images.ts";
import { selectEngine } from "../../lib/engine/select_engine.ts";
import { evaluate, scorePredictions } from "../../lib/metrics/evaluate.ts";
import { buildSimpleCnn } from "../../lib/models/simple_cnn.ts";
import { labelsOf, predictProbabilities } from "../../lib/models/predict.ts";

await selectEngine({ backend: "wasm", log: () => {} });

/** 8x8 noise images, every fourth one a dog. */
const images = noiseImageSet(16, 3);

/** A model that gives every 8x8 image the probability `p` of being a dog. */
function constantModel(p: number): tf.Sequential {
  return tf.sequential({
    layers: [
      tf.layers.flatten({ inputShape: [8, 8, 3] }),
      tf.layers.dense({
        units: 1,
        activation: "sigmoid",
        kernelInitializer: "zeros",
        biasInitializer: tf.initializers.constant({ value: Math.log(p / (1 - p)) }),
      }),
    ],
  });
}

Deno.test("scorePredictions scores the hand-worked case: counts strictly above 0.5, ranks, loss", () => {
  // Scores 0.9, 0.6 (positives) and 0.7 (a negative) are above 0.5; 0.5 itself is not.
  const score = scorePredictions(labels, probabilities);
  assertEquals([score.tp, score.fp, score.tn, score.fn], [2, 1, 4, 1]);
  assertEquals([score.precision, score.recall, score.f1], [2 / 3, 2 / 3, 2 / 3]);
  assertEquals(score.accuracy, 6 / 8);
  // Of the 3 × 5 positive-negative pairs the positive scores higher in 5 + 4 + 3.
  assertAlmostEquals(score.auc, 12 / 15, 1e-12);
  // Positives at ranks 1, 3 and 5: precisions 1, 2/3 and 3/5, each for a third of the recall.
  assertAlmostEquals(score.prAuc, (1 + 2 / 3 + 3 / 5) / 3, 1e-12);
  // −(ln 0.9 + ln 0.6 + ln 0.4 + ln 0.3 + ln 0.5 + ln 0.8 + ln 0.9 + ln 0.7) / 8.
  assertAlmostEquals(score.loss, 0.5143470, 1e-6);
  assertEquals([score.count, score.prevalence, score.threshold], [8, 3 / 8, 0.5]);
});

Deno.test("scorePredictions takes the counts at the threshold given and leaves the ranking metrics alone", () => {
  const at = scorePredictions(labels, probabilities, 0.35);
  assertEquals([at.tp, at.fp, at.tn, at.fn, at.threshold], [3, 2, 3, 0, 0.35]);
  const atHalf = scorePredictions(labels, probabilities);
  assertEquals([at.auc, at.prAuc, at.loss], [atHalf.auc, atHalf.prAuc, atHalf.loss]);
});

Deno.test("scorePredictions on one class: ROC AUC is chance (0.5), PR AUC 0 without positives", () => {
  const negatives = scorePredictions([0, 0, 0], [0.2, 0.7, 0.4]);
  assertEquals([negatives.auc, negatives.prAuc, negatives.prevalence], [0.5, 0, 0]);
  assertEquals([negatives.fp, negatives.tn], [1, 2]);
  // Only positives: every threshold has precision 1.
  const positives = scorePredictions([1, 1], [0.2, 0.7]);
  assertEquals([positives.auc, positives.prAuc, positives.prevalence], [0.5, 1, 1]);
});

Deno.test("evaluate scores a model's probabilities on a set, worked by hand for a constant model", async () => {
  // p = 0.75 for all 8 images (2 dogs): −(2 ln 0.75 + 6 ln 0.25) / 8 = 1.1116413.
  const model = constantModel(0.75);
  const examples = { source: images, indices: [0, 1, 2, 3, 4, 5, 6, 7] };
  const score = await evaluate(model, examples);
  assertEquals([score.tp, score.fp, score.tn, score.fn], [2, 6, 0, 0]);
  assertAlmostEquals(score.loss, 1.1116413, 1e-6);
  assertEquals([score.auc, score.count, score.prevalence], [0.5, 8, 2 / 8]);
  const above = await evaluate(model, examples, { threshold: 0.8, batchSize: 3 });
  assertEquals([above.tp, above.fp, above.tn, above.fn, above.threshold], [0, 0, 6, 2, 0.8]);
  model.dispose();
});

Deno.test("evaluate is scorePredictions of the model's predictions, whatever the batch size", async () => {
  const model = buildSimpleCnn({ imageSize: 8, seed: 2 });
  const examples = { source: images, indices: [3, 15, 4, 8, 0, 9, 12, 1, 2] };
  const expected = scorePredictions(
    labelsOf(examples),
    await predictProbabilities(model, examples),
    0.45,
  );
  assertEquals(await evaluate(model, examples, { threshold: 0.45 }), expected);
  const inBatchesOfTwo = await evaluate(model, examples, { threshold: 0.45, batchSize: 2 });
  assertAlmostEquals(inBatchesOfTwo.loss, expected.loss, 1e-6);
  assertEquals(inBatchesOfTwo.auc, expected.auc);
  model.dispose();
});

Deno.test("evaluate refuses an empty set and says what to pass", async () => {
  const model = constantModel(0.5);
  await assertRejectsWith(
    () => evaluate(model, { source: images, indices: [] }),
    "evaluate: the set has no example",
    "non-empty subset",
  );
  model.dispose();
});
