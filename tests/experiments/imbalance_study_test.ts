import pl from "nodejs-polars";
import { assert, assertAlmostEquals, assertEquals, assertRejectsWith } from "../assert.ts";
import { scoreAtPrevalence } from "../../lib/metrics/deployment_metrics.ts";
import type { GridFrames } from "../../lib/experiments/experiment_grid.ts";
import {
  chosenThresholds,
  conditionLabel,
  priorCorrection,
  priorShiftRows,
  studyPrevalence,
  studyScores,
  sweepCondition,
} from "../../lib/experiments/imbalance_study.ts";
import { scoreGridRuns } from "../../lib/experiments/grid_scores.ts";
import {
  formatGridInterval,
  gridIntervals,
  type GridMetric,
} from "../../lib/experiments/grid_intervals.ts";
import { correctForPrior } from "../../lib/metrics/prior_shift.ts";
import { imbalanceStrategies } from "../../lib/training/imbalance_strategy.ts";

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

Deno.test("priorCorrection moves each strategy trained as balanced from 0.5 to the share of dogs, and no other", () => {
  for (const strategy of ["balanced weights", "oversampling", "undersampling"]) {
    // At 1:10 the share is 1/11: a probability of 0.5 (the training base rate) becomes 1/11.
    const p = priorCorrection(Float64Array.of(0.5), { strategy, catsPerDog: 10 })[0];
    assertAlmostEquals(p, 1 / 11, 1e-12, `${strategy}: corrected to ${p}`);
  }
  for (const strategy of ["nothing", "dog weight 5", ""]) {
    const probabilities = Float64Array.of(0.5);
    assert(
      priorCorrection(probabilities, { strategy, catsPerDog: 10 }) === probabilities,
      strategy,
    );
  }
});

Deno.test("conditionLabel drops only the imbalance sweep's leading prefix", () => {
  assertEquals(conditionLabel(sweepCondition(10, "nothing")), "1:10, nothing");
  assertEquals(conditionLabel("weight: 1:10, dog weight 25"), "weight: 1:10, dog weight 25");
  assertEquals(conditionLabel("weight: imbalance: 1:10"), "weight: imbalance: 1:10");
});

Deno.test("chosenThresholds sorts a condition's runs by seed", () => {
  const scores = pl.DataFrame({
    condition: ["a", "b", "a", "a"],
    seed: [3, 1, 1, 2],
    tunedThreshold: [0.3, 0.9, 0.6, 0.45],
  });
  assertEquals(chosenThresholds(scores, "a"), [0.6, 0.45, 0.3]);
});

Deno.test("priorShiftRows: each column is its metric's interval, corrected where its name says so", () => {
  const options = { seed: 1, resamples: 50 };
  const [row] = priorShiftRows(renamed, [10], options).filter((row) =>
    row.strategy === "balanced weights"
  );
  const names = [sweepCondition(10, "balanced weights")];
  const cell = (metric: GridMetric, corrected: boolean) =>
    formatGridInterval(
      gridIntervals(renamed, names, [metric], {
        ...options,
        prevalence: studyPrevalence,
        transform: corrected ? priorCorrection : undefined,
      })[0],
    );
  assertEquals(row, {
    ratio: "1:10",
    strategy: "balanced weights",
    ECE: cell("ece", false),
    "ECE, corrected": cell("ece", true),
    Brier: cell("brier", false),
    "Brier, corrected": cell("brier", true),
    "precision at 0.5": cell("precision", false),
    "recall at 0.5, corrected": cell("recall", true),
    "precision, tuned threshold": cell("tunedPrecision", false),
  });
  // The correction changes each of these metrics here, so a column that took the other one fails.
  for (const metric of ["ece", "brier", "precision", "recall"] as GridMetric[]) {
    assert(cell(metric, true) !== cell(metric, false), `the correction left ${metric} as it was`);
  }
});

Deno.test("priorShiftRows: the tuned threshold's precision is that of the uncorrected probabilities", () => {
  // Validation: the F1-best threshold separates 0.9 from 0.5, at their midpoint 0.7 uncorrected.
  // Corrected to 1:10 (odds / 10), the midpoint of 0.5 → 1/11 and 0.9 → 9/19 is about 0.282,
  // above the corrected 0.75 (3/13, about 0.231): the test example at 0.75, a cat, is flagged
  // only without the correction, so the precision is 1/2 there (before weighting) and 1 after.
  const validation = { labels: [1, 1, 0, 0], probabilities: [0.95, 0.9, 0.5, 0.3] };
  const test = { labels: [1, 0, 1, 0], probabilities: [0.95, 0.75, 0.6, 0.2] };
  const names = imbalanceStrategies.map((strategy) => sweepCondition(10, strategy));
  const seeds = [1, 2];
  const predictionsOf = (set: typeof test) => {
    const rows = names.flatMap((condition) =>
      seeds.flatMap((seed) =>
        set.labels.map((label, example) => ({
          condition,
          seed,
          example,
          probability: set.probabilities[example],
          label,
        }))
      )
    );
    return pl.readRecords(rows);
  };
  const sweep: GridFrames = {
    conditions: pl.readRecords(
      imbalanceStrategies.map((strategy, i) => ({
        condition: names[i],
        study: "imbalance",
        catsPerDog: 10,
        strategy,
        dogWeight: 0,
      })),
    ),
    runs: pl.readRecords(names.flatMap((condition) => seeds.map((seed) => ({ condition, seed })))),
    histories: frames.histories,
    testPredictions: predictionsOf(test),
    validationPredictions: predictionsOf(validation),
  };
  const options = { seed: 1, resamples: 20 };
  const row = priorShiftRows(sweep, [10], options)[1];
  assertEquals(row.strategy, "balanced weights");
  const tuned = (transform?: typeof priorCorrection) =>
    formatGridInterval(
      gridIntervals(sweep, [names[1]], ["tunedPrecision"], {
        ...options,
        prevalence: studyPrevalence,
        transform,
      })[0],
    );
  assertEquals(row["precision, tuned threshold"], tuned());
  assert(tuned() !== tuned(priorCorrection), "the correction left the tuned precision as it was");
});
