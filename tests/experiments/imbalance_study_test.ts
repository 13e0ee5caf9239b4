import pl from "nodejs-polars";
import { assert, assertAlmostEquals, assertEquals, assertRejectsWith } from "../assert.ts";
import { scoreAtPrevalence } from "../../lib/metrics/deployment_metrics.ts";
import type { GridFrames } from "../../lib/experiments/experiment_grid.ts";
import {
  chosenThresholds,
  priorCorrection,
  priorShiftRows,
  studyPrevalence,
  studyScores,
  sweepCondition,
} from "../../lib/experiments/imbalance_study.ts";
import { scoreGridRuns } from "../../lib/experiments/grid_scores.ts";
import { correctForPrior } from "../../lib/metrics/prior_shift.ts";

const labels = [1, 0, 1, 0, 1, 0];
const probabilities = {
  nothing: [0.3, 0.1, 0.2, 0.05, 0.12, 0.15],
  weighted: [0.9, 0.6, 0.7, 0.3, 0.55, 0.65],
};
const conditions = [
  { condition: "plain", study: "imbalance", catsPerDog: 10, strategy: "nothing", dogWeight: 0 },
  {
    condition: "balanced",
    study: "imbalance",
    catsPerDog: 10,
    strategy: "balanced weights",
    dogWeight: 0,
  },
  { condition: "w5", study: "weight", catsPerDog: 10, strategy: "dog weight 5", dogWeight: 5 },
  { condition: "plain50", study: "imbalance", catsPerDog: 50, strategy: "nothing", dogWeight: 0 },
  { condition: "over", study: "imbalance", catsPerDog: 10, strategy: "oversampling", dogWeight: 0 },
  {
    condition: "under",
    study: "imbalance",
    catsPerDog: 10,
    strategy: "undersampling",
    dogWeight: 0,
  },
];
const runs = conditions.flatMap(({ condition }) => [1, 2].map((seed) => ({ condition, seed })));
const probabilitiesOf = (condition: string) =>
  condition === "balanced" || condition === "w5" ? probabilities.weighted : probabilities.nothing;
const predictions = pl.DataFrame({
  condition: runs.flatMap((run) => labels.map(() => run.condition)),
  seed: runs.flatMap((run) => labels.map(() => run.seed)),
  example: runs.flatMap(() => labels.map((_, i) => i)),
  probability: runs.flatMap((run) =>
    probabilitiesOf(run.condition).map((p) => p * (run.seed === 2 ? 0.9 : 1))
  ),
  label: runs.flatMap(() => labels),
});
const frames: GridFrames = {
  conditions: pl.readRecords(conditions),
  runs: pl.readRecords(runs),
  histories: pl.DataFrame({ condition: ["plain"], seed: [1], epoch: [1], loss: [0.5] }),
  testPredictions: predictions,
  validationPredictions: predictions,
};

Deno.test("studyPrevalence is the training ratio's share of dogs, 1 / (1 + cats per dog)", async () => {
  assertAlmostEquals(studyPrevalence({ catsPerDog: 10 }), 1 / 11, 1e-15);
  assertAlmostEquals(studyPrevalence({ catsPerDog: 1 }), 0.5, 1e-15);
  await assertRejectsWith(() => studyPrevalence({ catsPerDog: 0 }), "catsPerDog is 0");
});

Deno.test("priorCorrection corrects only the strategies trained as balanced", () => {
  const plain = studyScores(frames).toRecords() as Record<string, number>[];
  const corrected = scoreGridRuns(frames, {
    prevalence: studyPrevalence,
    transform: priorCorrection,
  }).toRecords() as Record<string, number>[];
  const shifted = correctForPrior(probabilities.weighted, {
    trainPrevalence: 0.5,
    targetPrevalence: 1 / 11,
  });
  // Row 2 is "balanced", seed 1: scored on the corrected probabilities.
  assertAlmostEquals(corrected[2].brier, scoreAtPrevalence(labels, shifted, 1 / 11).brier, 1e-12);
  assertAlmostEquals(
    plain[2].brier,
    scoreAtPrevalence(labels, probabilities.weighted, 1 / 11).brier,
    1e-12,
  );
  // "nothing" and a fixed dog weight are scored as they are.
  assertEquals(corrected[0].brier, plain[0].brier);
  assertEquals(corrected[4].brier, plain[4].brier);
});

Deno.test("chosenThresholds: each seed's validation-tuned threshold, in seed order", async () => {
  const scores = studyScores(frames);
  const runsOf = scores.filter(pl.col("condition").eq(pl.lit("plain"))).sort("seed")
    .toRecords() as Record<string, number>[];
  assertEquals(chosenThresholds(scores, "plain"), runsOf.map((run) => run.tunedThreshold));
  await assertRejectsWith(() => chosenThresholds(scores, "smote"), 'no runs of "smote"');
  assertEquals(sweepCondition(10, "nothing"), "imbalance: 1:10, nothing");
});

Deno.test("priorShiftRows: calibration before and after the correction, per ratio and strategy", () => {
  const names = { "balanced weights": "balanced", nothing: "plain" } as Record<string, string>;
  // The table looks conditions up by the sweep's names; this fixture names them shortly.
  const renamed: GridFrames = Object.fromEntries(
    Object.entries(frames).map(([key, frame]) => [
      key,
      key === "histories" ? frame : frame.withColumn(
        pl.col("condition").str.replaceAll("^plain$", sweepCondition(10, "nothing"))
          .str.replaceAll("^balanced$", sweepCondition(10, "balanced weights"))
          .str.replaceAll("^over$", sweepCondition(10, "oversampling"))
          .str.replaceAll("^under$", sweepCondition(10, "undersampling")),
      ),
    ]),
  ) as GridFrames;
  const rows = priorShiftRows(renamed, [10], { seed: 1, resamples: 50 });
  assertEquals(rows.map((row) => `${row.ratio} ${row.strategy}`), [
    "1:10 nothing",
    "1:10 balanced weights",
    "1:10 oversampling",
    "1:10 undersampling",
  ]);
  // "nothing" is not corrected; "balanced weights" is, and its cell is the mean over both seeds.
  assertEquals(rows[0].ECE, rows[0]["ECE, corrected"]);
  const corrected = scoreGridRuns(frames, {
    prevalence: studyPrevalence,
    transform: priorCorrection,
  });
  const eces = corrected.filter(pl.col("condition").eq(pl.lit(names["balanced weights"])))
    .getColumn("ece").toArray() as number[];
  assert(
    rows[1]["ECE, corrected"].startsWith(((eces[0] + eces[1]) / 2).toFixed(3)),
    rows[1]["ECE, corrected"],
  );
  assert(rows[1].ECE !== rows[1]["ECE, corrected"], "the correction changed nothing");
});
