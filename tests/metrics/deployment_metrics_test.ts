import { assertAlmostEquals, assertEquals, assertRejectsWith } from "../assert.ts";
import { averagePrecision } from "../../lib/metrics/auc.ts";
import {
  brierScore,
  expectedCalibrationError,
  reliabilityBins,
} from "../../lib/metrics/calibration.ts";
import {
  averagePrecisionAtPrevalence,
  bestThresholdAtPrevalence,
  metricsAtPrevalence,
  prevalenceWeights,
  scoreAtPrevalence,
  thresholdSweepAtPrevalence,
} from "../../lib/metrics/deployment_metrics.ts";
import { confusionCounts, metricsFromCounts } from "../../lib/metrics/metrics.ts";

// A balanced set of three positives and three negatives, and the same set with every negative
// repeated four times: a set at prevalence 3 / 15 = 0.2 with the same class-wise scores.
const labels = [1, 0, 1, 0, 1, 0];
const scores = [0.9, 0.8, 0.6, 0.4, 0.3, 0.1];
const expandedLabels = labels.flatMap((label) => label === 1 ? [1] : [0, 0, 0, 0]);
const expandedScores = scores.flatMap((score, i) =>
  labels[i] === 1 ? [score] : [score, score, score, score]
);

Deno.test("metricsAtPrevalence, worked by hand: recall 0.8, specificity 0.9, π = 1/11", () => {
  const metrics = metricsAtPrevalence({ tp: 800, fn: 200, tn: 900, fp: 100 }, 1 / 11);
  assertAlmostEquals(metrics.recall, 0.8, 1e-12);
  assertAlmostEquals(metrics.specificity, 0.9, 1e-12);
  assertAlmostEquals(metrics.precision, 4 / 9, 1e-12); // 0.8/11 / (0.8/11 + 0.1·10/11)
  assertAlmostEquals(metrics.f1, 6.4 / 11.2, 1e-12); // 2·(4/9)·0.8 / (4/9 + 0.8)
  assertAlmostEquals(metrics.accuracy, 9.8 / 11, 1e-12); // 0.8/11 + 0.9·10/11
});

Deno.test("metricsAtPrevalence equals the metrics counted on a set of that prevalence", () => {
  const atPrevalence = metricsAtPrevalence(confusionCounts(labels, scores, 0.5), 0.2);
  const counted = metricsFromCounts(confusionCounts(expandedLabels, expandedScores, 0.5));
  for (const key of ["recall", "specificity", "precision", "f1", "accuracy"] as const) {
    assertAlmostEquals(atPrevalence[key], counted[key], 1e-12, key);
  }
});

Deno.test("averagePrecisionAtPrevalence equals average precision on a set of that prevalence", () => {
  assertAlmostEquals(
    averagePrecisionAtPrevalence(labels, scores, 0.2),
    averagePrecision(expandedLabels, expandedScores),
    1e-12,
  );
  // At the measured prevalence it is plain average precision.
  assertAlmostEquals(
    averagePrecisionAtPrevalence(labels, scores, 0.5),
    averagePrecision(labels, scores),
    1e-12,
  );
});

Deno.test("prevalenceWeights make the calibration measures those of a set of that prevalence", () => {
  const weights = prevalenceWeights(labels, 0.2);
  // Positives: 0.2 / 0.5 = 0.4 each; negatives: 0.8 / 0.5 = 1.6 each; mean 1.
  assertEquals(Array.from(weights), [0.4, 1.6, 0.4, 1.6, 0.4, 1.6]);
  assertAlmostEquals(
    brierScore(labels, scores, weights),
    brierScore(expandedLabels, expandedScores),
    1e-12,
  );
  assertAlmostEquals(
    expectedCalibrationError(labels, scores, 5, weights),
    expectedCalibrationError(expandedLabels, expandedScores, 5),
    1e-12,
  );
  const weighted = reliabilityBins(labels, scores, 5, weights);
  const expanded = reliabilityBins(expandedLabels, expandedScores, 5);
  weighted.forEach((bin, index) => {
    assertEquals(
      bin.count,
      labels.filter((_, i) => Math.min(Math.floor(scores[i] * 5), 4) === index).length,
    );
    if (bin.weight > 0) {
      assertAlmostEquals(bin.observedRate, expanded[index].observedRate, 1e-12);
      assertAlmostEquals(bin.meanPredicted, expanded[index].meanPredicted, 1e-12);
    }
  });
});

Deno.test("scoreAtPrevalence gathers every metric at one prevalence and threshold", () => {
  const score = scoreAtPrevalence(labels, scores, 0.2, 0.35);
  const counted = metricsFromCounts(confusionCounts(expandedLabels, expandedScores, 0.35));
  assertAlmostEquals(score.precision, counted.precision, 1e-12);
  assertAlmostEquals(score.recall, counted.recall, 1e-12);
  assertEquals(score.threshold, 0.35);
  assertAlmostEquals(score.prAuc, averagePrecision(expandedLabels, expandedScores), 1e-12);
  assertAlmostEquals(score.brier, brierScore(expandedLabels, expandedScores), 1e-12);
  assertAlmostEquals(score.ece, expectedCalibrationError(expandedLabels, expandedScores), 1e-12);
  // ROC AUC does not depend on prevalence: 6 of the 9 positive-negative pairs are ordered right
  // (0.9 above all three negatives, 0.6 above 0.4 and 0.1, 0.3 above 0.1).
  assertAlmostEquals(score.rocAuc, 6 / 9, 1e-12);
});

Deno.test("the prevalence metrics explain bad input", async () => {
  await assertRejectsWith(
    () => metricsAtPrevalence({ tp: 0, fn: 0, tn: 5, fp: 1 }, 0.1),
    "both classes",
  );
  await assertRejectsWith(() => prevalenceWeights([1, 1], 0.2), "both classes");
  await assertRejectsWith(() => prevalenceWeights(labels, 1), "strictly");
  await assertRejectsWith(() => brierScore(labels, scores, [1, 2]), "one weight per example");
  await assertRejectsWith(() => brierScore(labels, scores, [1, 1, 1, 1, 1, -1]), "≥ 0");
});

Deno.test("bestThresholdAtPrevalence tries every distinct decision, however small the probabilities", () => {
  // All probabilities below 0.01: a 0.01 grid could only flag all or nothing.
  const small = [0.009, 0.001, 0.008, 0.002, 0.003, 0.0005];
  const best = bestThresholdAtPrevalence(labels, small, 0.2);
  // The three positives score 0.009, 0.008 and 0.003, the negatives at most 0.002: the threshold
  // midway between 0.002 and 0.003 separates them perfectly.
  assertAlmostEquals(best.threshold, 0.0025, 1e-12);
  assertAlmostEquals(best.recall, 1, 1e-12);
  assertAlmostEquals(best.precision, 1, 1e-12);
  // Its F1 is the highest of any threshold.
  const grid = thresholdSweepAtPrevalence(labels, small, 0.2, [
    0,
    0.0015,
    0.0025,
    0.004,
    0.0085,
    0.01,
  ]);
  for (const row of grid) assertEquals(row.f1 <= best.f1, true);
});

Deno.test("the prevalence metrics name the caller, the counts and the fix in every error", async () => {
  await assertRejectsWith(
    () => metricsAtPrevalence({ tp: 3, fn: 0, tn: 0, fp: 0 }, 0.1),
    "metricsAtPrevalence: the counts hold 3 positives and 0 negatives; pass counts of a test set " +
      "with both classes.",
  );
  await assertRejectsWith(
    () => averagePrecisionAtPrevalence([0, 0], [0.1, 0.2], 0.1),
    "averagePrecisionAtPrevalence: the labels hold 0 positives among 2; pass a test set with " +
      "both classes.",
  );
  await assertRejectsWith(
    () => prevalenceWeights([1, 1], 0.2),
    "prevalenceWeights: the labels hold 2 positives among 2",
  );
  await assertRejectsWith(
    () => prevalenceWeights(labels, 0),
    "prevalenceWeights: prevalence is 0; pass the positives' share, strictly between 0 and 1 " +
      "(e.g. 1 / 11 for one dog per ten cats).",
  );
  await assertRejectsWith(
    () => thresholdSweepAtPrevalence(labels, scores, 0.2, []),
    "thresholdSweepAtPrevalence: no thresholds; pass e.g. [0.3, 0.5] or leave it out.",
  );
  // No probabilities: the sweep gets a threshold and the counts say what is missing.
  await assertRejectsWith(
    () => bestThresholdAtPrevalence([], [], 0.2),
    "confusionCounts: no examples (empty labels and probabilities): pass at least one.",
  );
});

Deno.test("bestThresholdAtPrevalence: the middle of the tied best, thresholds given in any order", () => {
  // One positive (0.8), one negative (0.3), π = 0.5. Thresholds 0.4, 0.5 and 0.6 flag only the
  // positive (F1 1); 0.1 and 0.05 flag both (precision 0.5, F1 2/3); 0.9 flags nothing (F1 0).
  const best = bestThresholdAtPrevalence([1, 0], [0.8, 0.3], 0.5, [0.4, 0.6, 0.5, 0.9, 0.1, 0.05]);
  assertEquals([best.threshold, best.f1, best.precision, best.recall], [0.5, 1, 1, 1]);
});

Deno.test("bestThresholdAtPrevalence's default candidates: midpoints of the sorted probabilities", () => {
  // Sorted: 0.2, 0.4, 0.7, 0.9 → candidates 0.1, 0.3, 0.55, 0.8, 0.95; only 0.55 flags exactly
  // the two positives.
  const best = bestThresholdAtPrevalence([0, 1, 1, 0], [0.2, 0.7, 0.9, 0.4], 0.5);
  assertAlmostEquals(best.threshold, 0.55, 1e-12);
  assertEquals(best.f1, 1);
  // The lowest candidate is half the lowest probability (0.1 for 0.2), below every example:
  // flagging both gives recall 1, precision π = 0.5 and F1 2/3, better than flagging only the
  // negative 0.4 (candidate 0.3) or nothing (0.7).
  const all = bestThresholdAtPrevalence([0, 1], [0.4, 0.2], 0.5);
  assertAlmostEquals(all.threshold, 0.1, 1e-12);
  assertAlmostEquals(all.f1, 2 / 3, 1e-12);
});
