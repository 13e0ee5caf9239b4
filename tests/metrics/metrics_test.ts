import assert from "node:assert/strict";
import {
  binaryCrossEntropy,
  confusionCounts,
  EPSILON,
  metricsFromCounts,
} from "../../lib/metrics/metrics.ts";
import {
  averagePrecision,
  precisionRecallPoints,
  rocAuc,
  rocCurvePoints,
} from "../../lib/metrics/auc.ts";
import { createRandom } from "../../lib/data/random.ts";

const close = (actual: number, expected: number, tolerance = 1e-12) =>
  assert.ok(Math.abs(actual - expected) <= tolerance, `${actual} is not ${expected}`);

// Three positives, five negatives.
const labels = [1, 1, 1, 0, 0, 0, 0, 0];
const probabilities = [0.9, 0.6, 0.4, 0.7, 0.5, 0.2, 0.1, 0.3];

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
  assert.throws(() => metricsFromCounts({ tp: 0.5, fp: 0, tn: 0, fn: 0 }), /tp is 0.5/);
});

Deno.test("rocAuc matches hand-counted pairs, ties counting one half", () => {
  // Positives 0.9, 0.6, 0.4 against negatives 0.7, 0.5, 0.2, 0.1, 0.3 (15 pairs):
  // 0.9 beats 5, 0.6 beats 4 (all but 0.7), 0.4 beats 3 (0.2, 0.1, 0.3) → 12 / 15.
  close(rocAuc(labels, probabilities), 0.8);
  // Positives 0.5, 0.8 against negatives 0.5, 0.2: 0.5~0.5 tie → ½, 0.5 > 0.2 → 1,
  // 0.8 beats both → 2; (½ + 1 + 2) / 4 = 0.875.
  close(rocAuc([1, 0, 1, 0], [0.5, 0.5, 0.8, 0.2]), 0.875);
  close(rocAuc([1, 0], [0.3, 0.3]), 0.5);
  close(rocAuc([0, 1], [-2, 5]), 1); // scores need not be probabilities
});

Deno.test("rocAuc equals a brute-force pair count on random data with many ties", () => {
  const random = createRandom(17);
  for (let trial = 0; trial < 20; trial++) {
    const size = 50 + random.int(200);
    const trialLabels = Array.from({ length: size }, () => (random.next() < 0.2 ? 1 : 0));
    trialLabels[0] = 1;
    trialLabels[1] = 0;
    // Scores on a grid of 11 values: many ties; slightly higher for positives.
    const scores = trialLabels.map((label) => Math.round((random.next() + 0.2 * label) * 10) / 10);
    let won = 0;
    let pairs = 0;
    trialLabels.forEach((positive, i) => {
      if (positive !== 1) return;
      trialLabels.forEach((negative, j) => {
        if (negative !== 0) return;
        pairs++;
        won += scores[i] > scores[j] ? 1 : scores[i] === scores[j] ? 0.5 : 0;
      });
    });
    close(rocAuc(trialLabels, scores), won / pairs, 1e-12);
  }
});

Deno.test("averagePrecision matches scikit-learn's documented example and hand-worked cases", () => {
  // scikit-learn's docs: y = [0, 0, 1, 1], scores [0.1, 0.4, 0.35, 0.8] → 0.8333…
  // Highest first: 0.8 (pos) P = 1, R = ½; 0.4 (neg) R unchanged; 0.35 (pos) P = 2/3, R = 1.
  // AP = ½·1 + ½·2/3 = 5/6.
  close(averagePrecision([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]), 5 / 6);
  // The 8-example case: recall steps of ⅓ at 0.9 (P 1/1), 0.6 (P 2/3), 0.4 (P 3/5):
  // AP = ⅓·(1 + 2/3 + 3/5) = 0.75555…
  close(averagePrecision(labels, probabilities), (1 + 2 / 3 + 3 / 5) / 3);
  // Tied scores form one threshold: 0.9 (pos) P 1, R ½; {0.5 pos, 0.5 neg} P 2/3, R 1.
  close(averagePrecision([1, 0, 1], [0.5, 0.5, 0.9]), 0.5 + 0.5 * (2 / 3));
  close(averagePrecision([1, 1], [0.2, 0.7]), 1); // no negatives: perfect
});

Deno.test("rocCurvePoints and precisionRecallPoints give one point per distinct score", () => {
  const y = [0, 0, 1, 1];
  const scores = [0.1, 0.4, 0.35, 0.8];
  assert.deepEqual(rocCurvePoints(y, scores), [
    { threshold: Infinity, fpr: 0, tpr: 0 },
    { threshold: 0.8, fpr: 0, tpr: 0.5 },
    { threshold: 0.4, fpr: 0.5, tpr: 0.5 },
    { threshold: 0.35, fpr: 0.5, tpr: 1 },
    { threshold: 0.1, fpr: 1, tpr: 1 },
  ]);
  assert.deepEqual(precisionRecallPoints(y, scores), [
    { threshold: Infinity, precision: 1, recall: 0 },
    { threshold: 0.8, precision: 1, recall: 0.5 },
    { threshold: 0.4, precision: 0.5, recall: 0.5 },
    { threshold: 0.35, precision: 2 / 3, recall: 1 },
    { threshold: 0.1, precision: 0.5, recall: 1 },
  ]);
  assert.equal(rocCurvePoints([1, 0, 1], [0.5, 0.5, 0.9]).length, 3);
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
  assert.throws(() => rocAuc([1, 0], [0.5]), /2 labels but 1 scores/);
  assert.throws(() => binaryCrossEntropy([], []), /no examples/);
  assert.throws(() => confusionCounts([2, 0], [0.5, 0.5]), /label 2 at position 0 is not 0 or 1/);
  assert.throws(() => averagePrecision([1, 0.5], [0.5, 0.5]), /label 0.5 at position 1/);
  assert.throws(() => confusionCounts([1, 0], [0.5, 1.2]), /probability 1.2 at position 1/);
  assert.throws(() => binaryCrossEntropy([1, 0], [NaN, 0.2]), /probability NaN at position 0/);
  assert.throws(() => rocAuc([1, 0], [0.5, NaN]), /score NaN at position 1 is not a finite/);
  assert.throws(() => confusionCounts([1], [0.5], 2), /threshold 2/);
  assert.throws(() => rocAuc([1, 1], [0.2, 0.3]), /2 positives and 0 negatives/);
  assert.throws(() => rocCurvePoints([0, 0], [0.2, 0.3]), /0 positives and 2 negatives/);
  assert.throws(() => averagePrecision([0, 0], [0.2, 0.3]), /no positive example/);
  assert.throws(() => precisionRecallPoints([0], [0.2]), /no positive example/);
});
