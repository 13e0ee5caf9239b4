import assert from "node:assert/strict";
import {
  binaryCrossEntropy,
  confusionCounts,
  EPSILON,
  metricsFromCounts,
} from "../../lib/metrics/metrics.ts";
import { rocAuc } from "../../lib/metrics/auc.ts";
import { assertAlmostEquals } from "../assert.ts";
import { labels, probabilities } from "../fixtures/hand_worked_scores.ts";

const close = (actual: number, expected: number, tolerance = 1e-12) =>
  assertAlmostEquals(actual, expected, tolerance);

Deno.test("confusionCounts predicts positive strictly above the threshold, like Keras", () => {
  // > 0.5: 0.9 and 0.6 (positives) → tp 2; 0.4 (positive) → fn 1;
  // 0.7 (negative) → fp 1; 0.5, 0.2, 0.1, 0.3 (negatives, 0.5 is not > 0.5) → tn 4.
  assert.deepEqual(confusionCounts(labels, probabilities), { tp: 2, fp: 1, tn: 4, fn: 1 });
  // A positive at exactly 0.5 is a false negative.
  assert.deepEqual(confusionCounts([1], [0.5]), { tp: 0, fp: 0, tn: 0, fn: 1 });
  // > 0.35: adds 0.4 (tp) and 0.5 (fp).
  assert.deepEqual(confusionCounts(labels, probabilities, 0.35), { tp: 3, fp: 2, tn: 3, fn: 0 });
  assert.deepEqual(confusionCounts(new Uint8Array([1, 0]), new Float32Array([0.75, 0.25])), {
    tp: 1,
    fp: 0,
    tn: 1,
    fn: 0,
  });
});

Deno.test("metricsFromCounts works out the hand-computed case", () => {
  const metrics = metricsFromCounts({ tp: 2, fp: 1, tn: 4, fn: 1 });
  close(metrics.accuracy, 6 / 8); // (2 + 4) / 8
  close(metrics.precision, 2 / 3); // 2 / (2 + 1)
  close(metrics.recall, 2 / 3); // 2 / (2 + 1)
  close(metrics.f1, 2 / 3); // 2·2 / (2·2 + 1 + 1) = 4 / 6
  close(metrics.specificity, 4 / 5); // 4 / (4 + 1)
  close(metrics.balancedAccuracy, (2 / 3 + 4 / 5) / 2); // 0.7333…
  assert.deepEqual([metrics.tp, metrics.fp, metrics.tn, metrics.fn], [2, 1, 4, 1]);
});

Deno.test("metricsFromCounts gives 0 for a ratio with a zero denominator", () => {
  // A model that predicts "cat" for 5 cats: no predicted positives and no positives.
  const metrics = metricsFromCounts({ tp: 0, fp: 0, tn: 5, fn: 0 });
  assert.equal(metrics.accuracy, 1); // 5 / 5
  assert.equal(metrics.precision, 0); // 0 / 0 → 0
  assert.equal(metrics.recall, 0); // 0 / 0 → 0
  assert.equal(metrics.f1, 0); // 0 / 0 → 0
  assert.equal(metrics.specificity, 1); // 5 / 5
  assert.equal(metrics.balancedAccuracy, 0.5); // (0 + 1) / 2
  assert.equal(metricsFromCounts({ tp: 0, fp: 0, tn: 0, fn: 0 }).accuracy, 0);
  assert.throws(() => metricsFromCounts({ tp: -1, fp: 0, tn: 0, fn: 0 }), /tp is -1/);
  assert.throws(() => metricsFromCounts({ tp: NaN, fp: 0, tn: 0, fn: 0 }), /tp is NaN/);
});

Deno.test("binaryCrossEntropy is the mean negative log-likelihood, clipped like Keras", () => {
  // −(ln 0.8 + ln(1 − 0.4)) / 2 = (0.22314 + 0.51083) / 2
  close(binaryCrossEntropy([1, 0], [0.8, 0.4]), -(Math.log(0.8) + Math.log(0.6)) / 2);
  // A certain wrong answer costs −ln(1e-7) ≈ 16.118, not infinity.
  close(binaryCrossEntropy([1], [0]), -Math.log(EPSILON));
  close(binaryCrossEntropy([0], [1]), -Math.log(EPSILON), 1e-9);
  // A certain right answer costs −ln(1 − 1e-7) ≈ 1e-7, not 0.
  close(binaryCrossEntropy([0, 1], [0, 1]), -Math.log(1 - EPSILON));
});

Deno.test("bad inputs are refused with the problem and the fix", () => {
  assert.throws(
    () => confusionCounts([1, 0], [0.5]),
    /2 labels but 1 probabilities: pass one probability per label/,
  );
  assert.throws(() => binaryCrossEntropy([], []), /no examples/);
  assert.throws(() => confusionCounts([2, 0], [0.5, 0.5]), /label 2 at position 0 is not 0 or 1/);
  assert.throws(() => confusionCounts([1, 0], [0.5, 1.2]), /probability 1.2 at position 1/);
  assert.throws(() => binaryCrossEntropy([1, 0], [NaN, 0.2]), /probability NaN at position 0/);
  assert.throws(() => confusionCounts([1], [0.5], 2), /threshold 2/);
});

Deno.test("the input checks refuse negative probabilities and thresholds, naming the fix", () => {
  const refuses = (run: () => unknown, message: string) =>
    assert.throws(run, (error: Error) => error.message === message);
  refuses(
    () => confusionCounts([1, 0], [0.5, -0.1]),
    "confusionCounts: probability -0.1 at position 1 is not in [0, 1]: pass the model's sigmoid " +
      "outputs (apply a sigmoid to logits, check for NaN).",
  );
  refuses(
    () => confusionCounts([1], [0.5], -0.1),
    "confusionCounts: threshold -0.1 is not in [0, 1]: e.g. 0.5.",
  );
  refuses(
    () => confusionCounts([2, 0], [0.5, 0.5]),
    "confusionCounts: label 2 at position 0 is not 0 or 1: pass binary labels (1 for the " +
      "positive class).",
  );
  refuses(
    () => binaryCrossEntropy([1, 0], [0.5]),
    "binaryCrossEntropy: 2 labels but 1 probabilities: pass one probability per label.",
  );
  refuses(
    () => metricsFromCounts({ tp: 0, fp: 0, tn: 0, fn: -2 }),
    "metricsFromCounts: fn is -2, not a count ≥ 0: pass the counts returned by " +
      "confusionCounts (or weighted counts).",
  );
  // Scores (not probabilities) may be any finite number, but not infinity.
  refuses(
    () => rocAuc([1, 0], [0.5, Infinity]),
    "rocAuc: score Infinity at position 1 is not a finite number: check the model's outputs " +
      "for NaN or infinity.",
  );
});

Deno.test("metricsFromCounts takes weighted counts: dogs weighted to a tenth of the set", () => {
  // 10 dogs (8 found) and 10 cats (1 flagged), the dogs weighted so they are 1/10 of the weight.
  const dogWeight = 1 / 9;
  const metrics = metricsFromCounts({ tp: 8 * dogWeight, fn: 2 * dogWeight, fp: 1, tn: 9 });
  assertAlmostEquals(metrics.recall, 0.8, 1e-12);
  assertAlmostEquals(metrics.precision, (8 / 9) / (8 / 9 + 1), 1e-12);
  assertAlmostEquals(metrics.accuracy, (8 / 9 + 9) / (10 / 9 + 10), 1e-12);
});
