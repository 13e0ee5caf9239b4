import assert from "node:assert/strict";
import {
  averagePrecision,
  precisionRecallPoints,
  rocAuc,
  rocCurvePoints,
} from "../../lib/metrics/auc.ts";
import { createRandom } from "../../lib/data/random.ts";
import { assertAlmostEquals } from "../assert.ts";
import { labels, probabilities } from "../fixtures/hand_worked_scores.ts";

const close = (actual: number, expected: number, tolerance = 1e-12) =>
  assertAlmostEquals(actual, expected, tolerance);

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

Deno.test("bad inputs are refused with the problem and the fix", () => {
  assert.throws(() => rocAuc([1, 0], [0.5]), /2 labels but 1 scores/);
  assert.throws(() => averagePrecision([1, 0.5], [0.5, 0.5]), /label 0.5 at position 1/);
  assert.throws(() => rocAuc([1, 0], [0.5, NaN]), /score NaN at position 1 is not a finite/);
  assert.throws(() => rocAuc([1, 1], [0.2, 0.3]), /2 positives and 0 negatives/);
  assert.throws(() => rocCurvePoints([0, 0], [0.2, 0.3]), /0 positives and 2 negatives/);
  assert.throws(() => averagePrecision([0, 0], [0.2, 0.3]), /no positive example/);
  assert.throws(() => precisionRecallPoints([0], [0.2]), /no positive example/);
});

Deno.test("each ranking metric names itself and the fix in its errors", () => {
  const refuses = (run: () => unknown, message: string) =>
    assert.throws(run, (error: Error) => error.message === message);
  refuses(() => rocAuc([1, 0], [0.5]), "rocAuc: 2 labels but 1 scores: pass one score per label.");
  refuses(
    () => rocAuc([1, 1], [0.2, 0.3]),
    "rocAuc: the labels hold 2 positives and 0 negatives, but ROC needs both classes: " +
      "evaluate on a set that contains examples of each class.",
  );
  refuses(
    () => averagePrecision([1], [0.5, 0.2]),
    "averagePrecision: 1 labels but 2 scores: pass one score per label.",
  );
  refuses(
    () => averagePrecision([0, 0], [0.2, 0.3]),
    "averagePrecision: the labels hold no positive example, so recall is undefined: " +
      "evaluate on a set that contains at least one positive (label 1).",
  );
  refuses(
    () => rocCurvePoints([1], [0.5, 0.2]),
    "rocCurvePoints: 1 labels but 2 scores: pass one score per label.",
  );
  assert.throws(() => rocCurvePoints([0, 0], [0.2, 0.3]), /^Error: rocCurvePoints: the labels/);
  refuses(
    () => precisionRecallPoints([1], [0.5, 0.2]),
    "precisionRecallPoints: 1 labels but 2 scores: pass one score per label.",
  );
  assert.throws(() => precisionRecallPoints([0], [0.2]), /^Error: precisionRecallPoints: the/);
});
