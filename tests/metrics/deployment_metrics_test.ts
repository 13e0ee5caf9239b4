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
