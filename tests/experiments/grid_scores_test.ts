import pl from "nodejs-polars";
import { assert, assertAlmostEquals, assertEquals, assertRejectsWith } from "../assert.ts";
import {
  bestThresholdAtPrevalence,
  metricsAtPrevalence,
  scoreAtPrevalence,
} from "../../lib/metrics/deployment_metrics.ts";
import type { GridFrames } from "../../lib/experiments/experiment_grid.ts";
import {
  runPredictions,
  scoreGridRuns,
  thresholdCurves,
} from "../../lib/experiments/grid_scores.ts";
import { confusionCounts } from "../../lib/metrics/metrics.ts";
import { correctForPrior } from "../../lib/metrics/prior_shift.ts";

const testLabels = [1, 0, 1, 0, 1, 0];
const validationLabels = [1, 1, 0, 0];
/** Probabilities of each run, test then validation. */
const runsData = [
  {
    condition: "x",
    seed: 1,
    test: [0.9, 0.8, 0.6, 0.4, 0.3, 0.1],
    validation: [0.7, 0.2, 0.6, 0.1],
  },
  {
    condition: "x",
    seed: 2,
    test: [0.6, 0.5, 0.7, 0.2, 0.55, 0.3],
    validation: [0.9, 0.8, 0.3, 0.2],
  },
  {
    condition: "y",
    seed: 1,
    test: [0.2, 0.1, 0.3, 0.15, 0.4, 0.05],
    validation: [0.3, 0.4, 0.1, 0.2],
  },
];
const predictions = (set: "test" | "validation", labels: number[]) =>
  pl.DataFrame({
    condition: runsData.flatMap((run) => run[set].map(() => run.condition)),
    seed: runsData.flatMap((run) => run[set].map(() => run.seed)),
    // Stored out of order, to check that runPredictions sorts by example.
    example: runsData.flatMap((run) => run[set].map((_, i) => i)),
    probability: runsData.flatMap((run) => run[set]),
    label: runsData.flatMap(() => labels),
  }).sort("probability");
const frames: GridFrames = {
  conditions: pl.DataFrame({ condition: ["x", "y"], catsPerDog: [4, 9] }),
  runs: pl.DataFrame({ condition: ["x", "x", "y"], seed: [1, 2, 1] }),
  histories: pl.DataFrame({ condition: ["x"], seed: [1], epoch: [1], loss: [0.5] }),
  testPredictions: predictions("test", testLabels),
  validationPredictions: predictions("validation", validationLabels),
};
const prevalence = (condition: Record<string, string | number>) =>
  1 / (1 + Number(condition.catsPerDog));

Deno.test("runPredictions returns one run's labels and probabilities in example order", () => {
  const run = runPredictions(frames.testPredictions, "x", 2);
  assertEquals(Array.from(run.probabilities), runsData[1].test);
  assertEquals(Array.from(run.labels), testLabels);
});

Deno.test("scoreGridRuns: each run's metrics at its condition's prevalence, and at the threshold tuned on validation", () => {
  const rows = scoreGridRuns(frames, { prevalence }).toRecords() as Record<
    string,
    number | string
  >[];
  assertEquals(rows.map((row) => [row.condition, row.seed, row.catsPerDog]), [["x", 1, 4], [
    "x",
    2,
    4,
  ], ["y", 1, 9]]);
  runsData.forEach((run, index) => {
    const π = run.condition === "x" ? 0.2 : 0.1;
    const expected = scoreAtPrevalence(testLabels, run.test, π);
    for (const key of ["precision", "recall", "f1", "rocAuc", "prAuc", "brier", "ece"] as const) {
      assertAlmostEquals(
        rows[index][key] as number,
        expected[key],
        1e-12,
        `${key} of run ${index}`,
      );
    }
    const tuned = bestThresholdAtPrevalence(validationLabels, run.validation, π);
    assertEquals(rows[index].tunedThreshold, tuned.threshold);
    const tunedTest = metricsAtPrevalence(
      confusionCounts(testLabels, run.test, tuned.threshold),
      π,
    );
    assertAlmostEquals(rows[index].tunedF1 as number, tunedTest.f1, 1e-12);
  });
  // Run y flags nothing at 0.5: recall and precision 0, and a tuned threshold below its scores.
  assertEquals([rows[2].recall, rows[2].precision], [0, 0]);
  assertEquals(rows[2].tunedThreshold as number < 0.4, true);
});

Deno.test("scoreGridRuns applies the transform to test and validation probabilities", () => {
  const shift = { trainPrevalence: 0.5, targetPrevalence: 0.2 };
  const rows = scoreGridRuns(frames, {
    prevalence,
    transform: (probabilities, condition) =>
      condition.condition === "x" ? correctForPrior(probabilities, shift) : probabilities,
  }).toRecords() as Record<string, number>[];
  const corrected = correctForPrior(runsData[0].test, shift);
  assertAlmostEquals(rows[0].brier, scoreAtPrevalence(testLabels, corrected, 0.2).brier, 1e-12);
  assertAlmostEquals(
    rows[2].brier,
    scoreAtPrevalence(testLabels, runsData[2].test, 0.1).brier,
    1e-12,
  );
});

Deno.test("thresholdCurves: mean precision, recall and F1 over seeds at each threshold", () => {
  const points = thresholdCurves(frames, { conditions: ["x"], prevalence });
  // 101 thresholds × 3 measures, the seeds averaged.
  assertEquals(points.length, 101 * 3);
  const at = (threshold: number, metric: string) =>
    points.find((point) => point.settings.threshold === threshold && point.metric === metric)!;
  const f1s = [0, 1].map((run) => scoreAtPrevalence(testLabels, runsData[run].test, 0.2).f1);
  assertAlmostEquals(at(0.5, "f1").estimate, (f1s[0] + f1s[1]) / 2, 1e-12);
  assert(at(0.5, "f1").low < at(0.5, "f1").estimate, "a seed-to-seed interval around the mean");
  assertEquals(at(0.5, "f1").settings.catsPerDog, 4);
  // Above every probability nothing is flagged: precision is undefined, not 0.
  assert(Number.isNaN(at(0.95, "precision").estimate));
  assertEquals(at(0.95, "precision").undefinedSeeds, 2);
  assertEquals(at(0.95, "recall").estimate, 0);
});

Deno.test("the grid scorers name unknown runs and conditions", async () => {
  await assertRejectsWith(
    () => runPredictions(frames.testPredictions, "z", 1),
    'no predictions for "z"',
  );
  await assertRejectsWith(
    () => thresholdCurves(frames, { conditions: ["z"], prevalence }),
    "none of z",
  );
});

Deno.test("runPredictions: runs of different conditions with the same seed stay apart, and callers get copies", () => {
  // Sorted by condition then seed, "a"/1 is followed by "b"/1: only the condition changes.
  const frame = pl.DataFrame({
    condition: ["a", "a", "b", "b", "b"],
    seed: [1, 1, 1, 1, 1],
    example: [0, 1, 0, 1, 2],
    probability: [0.1, 0.2, 0.3, 0.4, 0.5],
    label: [0, 1, 1, 0, 1],
  });
  assertEquals(Array.from(runPredictions(frame, "a", 1).probabilities), [0.1, 0.2]);
  const b = runPredictions(frame, "b", 1);
  assertEquals(Array.from(b.probabilities), [0.3, 0.4, 0.5]);
  assertEquals(Array.from(b.labels), [1, 0, 1]);
  // Changing what one caller got does not change what the next reads.
  b.probabilities[0] = 0.99;
  b.labels[0] = 0;
  const again = runPredictions(frame, "b", 1);
  assertEquals([again.probabilities[0], again.labels[0]], [0.3, 1]);
});

Deno.test("thresholdCurves: each condition's own runs; precision is undefined from the highest score up; one seed gives no interval", () => {
  // "z" has no runs: it adds no points. "y" has one seed: points but no interval.
  const points = thresholdCurves(frames, { conditions: ["x", "y", "z"], prevalence });
  assertEquals(points.length, 2 * 101 * 3);
  const at = (condition: string, threshold: number, metric: string) =>
    points.find((point) =>
      point.settings.condition === condition && point.settings.threshold === threshold &&
      point.metric === metric
    )!;
  assertEquals(at("y", 0.5, "f1").settings.catsPerDog, 9);
  // Seed 2 of "x" scores at most 0.7: at 0.7 it flags nothing (a score must exceed the
  // threshold), so its precision is undefined; at 0.69 both seeds flag something.
  assertEquals(at("x", 0.7, "precision").undefinedSeeds, 1);
  assert(Number.isNaN(at("x", 0.7, "precision").estimate));
  assertEquals(at("x", 0.69, "precision").undefinedSeeds, 0);
  const precisions = [0, 1].map((run) =>
    scoreAtPrevalence(testLabels, runsData[run].test, 0.2).precision
  );
  assertAlmostEquals(
    at("x", 0.5, "precision").estimate,
    (precisions[0] + precisions[1]) / 2,
    1e-12,
  );
  // "y" (one seed, best score 0.4) is scored with its own predictions: recall 1/3 at 0.35.
  assertEquals(at("y", 0.35, "recall").undefinedSeeds, 0);
  for (const metric of ["precision", "recall", "f1"]) {
    const point = at("y", 0.35, metric);
    assert(
      [point.estimate, point.low, point.high].every(Number.isNaN),
      `one seed has no mean interval (${metric})`,
    );
  }
});

Deno.test("the grid scorers' errors name the problem and the fix", async () => {
  await assertRejectsWith(
    () => runPredictions(frames.testPredictions, "x", 7),
    'no predictions for "x", seed 7',
    "check the name and seed against the runs frame",
  );
  await assertRejectsWith(
    () => thresholdCurves(frames, { conditions: ["z", "w"], prevalence }),
    "none of z, w is in the runs; check the names",
  );
  const orphan = { ...frames, runs: pl.DataFrame({ condition: ["x", "q"], seed: [1, 1] }) };
  await assertRejectsWith(
    () => scoreGridRuns(orphan, { prevalence }),
    'the run "q" has no row in the conditions frame',
  );
});
