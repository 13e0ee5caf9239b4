import { assertAlmostEquals, assertEquals, assertRejectsWith } from "../assert.ts";
import {
  bestThreshold,
  defaultSweepThresholds,
  thresholdSweep,
} from "../../lib/metrics/threshold_sweep.ts";

// Six examples, three positives; by hand (positive when p > threshold):
//   t = 0.35: flags 0.9, 0.6, 0.55, 0.4 → tp 3, fp 1, tn 2, fn 0
//   t = 0.5:  flags 0.9, 0.6, 0.55      → tp 2, fp 1, tn 2, fn 1
//   t = 0.58: flags 0.9, 0.6            → tp 2, fp 0, tn 3, fn 1
//   t = 0.95: flags nothing             → tp 0, fp 0, tn 3, fn 3
const labels = [1, 1, 0, 1, 0, 0];
const probabilities = [0.9, 0.6, 0.55, 0.4, 0.3, 0.1];

Deno.test("thresholdSweep: counts and metrics at each threshold, worked by hand", () => {
  const rows = thresholdSweep(labels, probabilities, [0.35, 0.5, 0.58, 0.95]);
  assertEquals(rows.map(({ threshold, tp, fp, tn, fn }) => [threshold, tp, fp, tn, fn]), [
    [0.35, 3, 1, 2, 0],
    [0.5, 2, 1, 2, 1],
    [0.58, 2, 0, 3, 1],
    [0.95, 0, 0, 3, 3],
  ]);
  const expected = [
    // precision, recall, f1, specificity
    [3 / 4, 1, 6 / 7, 2 / 3],
    [2 / 3, 2 / 3, 2 / 3, 2 / 3],
    [1, 2 / 3, 4 / 5, 1],
    [0, 0, 0, 1], // nothing flagged: precision 0 by metricsFromCounts' convention
  ];
  rows.forEach((row, index) => {
    const [precision, recall, f1, specificity] = expected[index];
    assertAlmostEquals(row.precision, precision, 1e-12);
    assertAlmostEquals(row.recall, recall, 1e-12);
    assertAlmostEquals(row.f1, f1, 1e-12);
    assertAlmostEquals(row.specificity, specificity, 1e-12);
  });
});

Deno.test("thresholdSweep's default thresholds run 0, 0.01, …, 1", () => {
  const rows = thresholdSweep(labels, probabilities);
  assertEquals(rows.length, 101);
  assertEquals(rows.map((row) => row.threshold), [...defaultSweepThresholds]);
  assertEquals([rows[0].tp, rows[0].fp], [3, 3]); // everything is above 0
  assertEquals([rows[100].tp, rows[100].fp], [0, 0]); // nothing is above 1
  assertEquals(rows[7].threshold, 0.07);
});

Deno.test("bestThreshold: the middle of the tied best thresholds", () => {
  // F1 peaks at 6/7 for every threshold in [0.30, 0.40): grid points 0.30 … 0.39, middle 0.34.
  const best = bestThreshold(labels, probabilities);
  assertEquals(best.threshold, 0.34);
  assertAlmostEquals(best.f1, 6 / 7, 1e-12);
  // Specificity 1 from 0.55 up to 1 (46 grid points): the lower middle is 0.77.
  assertEquals(bestThreshold(labels, probabilities, "specificity").threshold, 0.77);
  // Over given thresholds, recall 1 at 0.2 and 0.35: the lower of the two.
  assertEquals(bestThreshold(labels, probabilities, "recall", [0.2, 0.35, 0.5]).threshold, 0.2);
  // Balanced accuracy: (1 + 2/3) / 2 at t ∈ [0.30, 0.40) and (2/3 + 1) / 2 at [0.55, 0.6): tie,
  // 10 + 5 grid points, the middle (8th) is 0.37.
  assertEquals(bestThreshold(labels, probabilities, "balancedAccuracy").threshold, 0.37);
});

Deno.test("thresholdSweep and bestThreshold explain bad input", async () => {
  await assertRejectsWith(() => thresholdSweep(labels, probabilities, []), "no thresholds");
  await assertRejectsWith(() => thresholdSweep(labels, probabilities, [1.5]), "threshold 1.5");
  await assertRejectsWith(() => thresholdSweep([1], probabilities), "1 labels but 6");
  await assertRejectsWith(
    // @ts-expect-error: an unknown metric from untyped code
    () => bestThreshold(labels, probabilities, "auc"),
    'unknown metric "auc"',
  );
});

Deno.test("bestThreshold maximises each metric, over thresholds given in any order", async () => {
  // Precision 3/4 at 0.35, 1 at 0.58.
  assertEquals(bestThreshold(labels, probabilities, "precision", [0.35, 0.58]).threshold, 0.58);
  // Accuracy 5/6 at 0.35 and at 0.58, 4/6 at 0.5, 3/6 at 0.95: the lower of the two tied.
  assertEquals(
    bestThreshold(labels, probabilities, "accuracy", [0.58, 0.95, 0.5, 0.35]).threshold,
    0.35,
  );
  // Recall 1 at 0.2 and 0.35, given high to low: still the lower one.
  assertEquals(bestThreshold(labels, probabilities, "recall", [0.5, 0.35, 0.2]).threshold, 0.2);
  await assertRejectsWith(
    // @ts-expect-error: an unknown metric from untyped code
    () => bestThreshold(labels, probabilities, "auc"),
    'bestThreshold: unknown metric "auc"; use one of f1, precision, recall, specificity, ' +
      "accuracy, balancedAccuracy.",
  );
});
