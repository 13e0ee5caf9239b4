import pl from "nodejs-polars";
import { assert, assertAlmostEquals, assertEquals, assertRejectsWith } from "../assert.ts";
import type { GridFrames } from "../../lib/experiments/experiment_grid.ts";
import { scoreGridRuns } from "../../lib/experiments/grid_scores.ts";
import {
  fewerSeedsVerdicts,
  formatGridInterval,
  gridComparisons,
  gridIntervals,
  gridIntervalTable,
  type GridMetric,
} from "../../lib/experiments/grid_intervals.ts";
import { createRandom } from "../../lib/data/random.ts";
import { correctForPrior } from "../../lib/metrics/prior_shift.ts";
import { IntervalCache } from "../../lib/statistics/interval_cache.ts";

/**
 * A grid of three conditions on one balanced test set (60 dogs, 60 cats) and
 * validation set (20 + 20), 4 seeds each: "good" separates the classes,
 * "noise" scores at random, "shy" separates them but never scores above 0.5.
 */
function makeFrames(): GridFrames {
  const random = createRandom(5);
  const test = Array.from({ length: 120 }, (_, i) => i % 2);
  const validation = Array.from({ length: 40 }, (_, i) => i % 2);
  const score = (condition: string, label: number) =>
    condition === "good"
      ? Math.min(0.99, Math.max(0.01, 0.3 + 0.35 * label + 0.6 * (random.next() - 0.5)))
      : condition === "noise"
      ? random.next()
      : 0.1 + 0.3 * label * random.next();
  const conditions = ["good", "noise", "shy"];
  const seeds = [1, 2, 3, 4];
  const rows = (set: number[]) =>
    conditions.flatMap((condition) =>
      seeds.flatMap((seed) =>
        set.map((label, example) => ({
          condition,
          seed,
          example,
          label,
          probability: score(condition, label),
        }))
      )
    );
  return {
    conditions: pl.readRecords(conditions.map((condition) => ({ condition, catsPerDog: 9 }))),
    runs: pl.readRecords(
      conditions.flatMap((condition) => seeds.map((seed) => ({ condition, seed }))),
    ),
    histories: pl.DataFrame({}),
    testPredictions: pl.readRecords(rows(test)),
    validationPredictions: pl.readRecords(rows(validation)),
  };
}
const frames = makeFrames();
const prevalence = () => 0.1;
const options = { prevalence, seed: 1, resamples: 200 };
const mean = (values: number[]) => values.reduce((sum, value) => sum + value, 0) / values.length;

Deno.test("gridIntervals' estimates are the seeds' means of scoreGridRuns at the share", () => {
  const scores = scoreGridRuns(frames, { prevalence }).filter(
    pl.col("condition").eq(pl.lit("good")),
  );
  const metrics: GridMetric[] = ["f1", "precision", "recall", "accuracy", "rocAuc", "prAuc"];
  const tuned: GridMetric[] = ["tunedF1", "tunedPrecision", "tunedRecall", "brier", "ece"];
  for (const interval of gridIntervals(frames, ["good"], [...metrics, ...tuned], options)) {
    const values = scores.getColumn(interval.metric).toArray() as number[];
    assertAlmostEquals(
      interval.estimate,
      mean(values),
      1e-9,
      `${interval.metric}: ${interval.estimate} vs ${values}`,
    );
    assert(interval.low < interval.estimate && interval.estimate < interval.high, interval.metric);
    assertEquals(interval.seeds, 4);
    assertEquals(interval.prevalence, 0.1);
  }
});

Deno.test("the trivial bar at the share: noise does not clear it, a good model does", () => {
  const [goodF1, noiseF1, goodBrier, goodEce] = [
    ...gridIntervals(frames, ["good", "noise"], ["f1"], options),
    ...gridIntervals(frames, ["good"], ["brier", "ece"], options),
  ];
  assertAlmostEquals(noiseF1.trivial!.bar, 0.2 / 1.1, 1e-12);
  assertEquals(noiseF1.clearsTrivial, false);
  assert(formatGridInterval(noiseF1).endsWith(" *"), formatGridInterval(noiseF1));
  assertEquals(goodF1.clearsTrivial, true, formatGridInterval(goodF1));
  // The Brier score's bar is a constant forecast of the share; lower is better.
  assertAlmostEquals(goodBrier.trivial!.bar, 0.09, 1e-12);
  assertEquals(goodBrier.trivial!.lowerIsBetter, true);
  assertEquals(goodEce.trivial, undefined);
});

Deno.test("precision of a model that flags nothing is undefined, not 0", () => {
  const [precision, f1] = gridIntervals(frames, ["shy"], ["precision", "f1"], options);
  assertEquals(precision.undefinedSeeds, 4);
  assert(Number.isNaN(precision.estimate));
  assertEquals(formatGridInterval(precision), "undefined on 4 of 4 seeds");
  assertEquals(f1.estimate, 0);
});

Deno.test("gridComparisons: paired differences, tuned against 0.5, and what they settle", () => {
  const scores = scoreGridRuns(frames, { prevalence });
  const column = (condition: string, metric: string) =>
    scores.filter(pl.col("condition").eq(pl.lit(condition))).sort("seed")
      .getColumn(metric).toArray() as number[];
  const [better, tuning] = gridComparisons(frames, [
    { a: "good", b: "noise", metric: "rocAuc" },
    { a: "shy", b: "shy", metric: "tunedF1", bAtHalf: true },
  ], options);
  assertAlmostEquals(
    better.difference.estimate,
    mean(column("good", "rocAuc")) - mean(column("noise", "rocAuc")),
    1e-9,
  );
  assertEquals(better.sign, 1);
  assertEquals(tuning.b, "shy at 0.5");
  assertAlmostEquals(
    tuning.difference.estimate,
    mean(column("shy", "tunedF1")) - mean(column("shy", "f1")),
    1e-9,
  );
  assertEquals(tuning.sign, 1, "a threshold below 0.5 finds the shy model's dogs");
});

Deno.test("a transform (the prior-shift correction) is applied before scoring", () => {
  const transform = (p: Float64Array) =>
    correctForPrior(p, { trainPrevalence: 0.5, targetPrevalence: 0.1 });
  const [corrected] = gridIntervals(frames, ["good"], ["brier"], { ...options, transform });
  const expected = scoreGridRuns(frames, { prevalence, transform })
    .filter(pl.col("condition").eq(pl.lit("good"))).getColumn("brier").toArray() as number[];
  assertAlmostEquals(corrected.estimate, mean(expected), 1e-9);
});

Deno.test("gridComparisons refuses unpaired runs and unknown names, naming the fix", async () => {
  const fewer: GridFrames = {
    ...frames,
    runs: frames.runs.filter(pl.col("condition").neq(pl.lit("noise")).or(pl.col("seed").lt(4))),
  };
  await assertRejectsWith(
    () => gridComparisons(fewer, [{ a: "good", b: "noise", metric: "f1" }], options),
    "a paired comparison needs the same seeds",
  );
  await assertRejectsWith(
    () => gridIntervals(frames, ["bad"], ["f1"], options),
    'No grid point named "bad"; the grid has: good, noise, shy.',
  );
  await assertRejectsWith(
    () => gridComparisons(frames, [{ a: "good", b: "good", metric: "f1", bAtHalf: true }], options),
    "f1 is not tuned",
  );
});

Deno.test("seeds narrows a comparison to fewer seeds; the table marks cells below the trivial bar", () => {
  const [all] = gridIntervals(frames, ["good"], ["rocAuc"], options);
  const [two] = gridIntervals(frames, ["good"], ["rocAuc"], { ...options, seeds: [1, 2] });
  assertEquals(two.seeds, 2);
  assert(two.estimate !== all.estimate, "other seeds, another mean");
  const table = gridIntervalTable(
    gridIntervals(frames, ["good", "noise"], ["f1"], options),
    { rows: "catsPerDog", columns: "condition", metric: "f1", rowLabel: (r) => `1:${r}` },
  );
  assertEquals(table.length, 1);
  assertEquals(table[0].catsPerDog, "1:9");
  assert(table[0].noise.endsWith(" *") && !table[0].good.endsWith(" *"), JSON.stringify(table));
  assertEquals(table[0]["trivial rules"], "flag everything 0.182");
});

Deno.test("fewerSeedsVerdicts: each seed's own difference and the first three seeds' verdict", () => {
  const [verdict] = fewerSeedsVerdicts(frames, [{ a: "good", b: "noise", metric: "rocAuc" }], {
    ...options,
    few: 2,
  });
  const scores = scoreGridRuns(frames, { prevalence });
  const aucs = (condition: string) =>
    scores.filter(pl.col("condition").eq(pl.lit(condition))).sort("seed")
      .getColumn("rocAuc").toArray() as number[];
  const expected = aucs("good").map((auc, j) => auc - aucs("noise")[j]);
  verdict.singleSeedDifferences.forEach((difference, j) =>
    assertAlmostEquals(difference, expected[j], 1e-12)
  );
  assertEquals(verdict.all.sign, 1);
  assertEquals(verdict.singleSeedsMisleading, 0);
  assertEquals(verdict.few.difference.seeds, 2);
  assertAlmostEquals(verdict.few.difference.estimate, (expected[0] + expected[1]) / 2, 1e-12);
});

Deno.test("formatGridInterval never prints -0.000, and the table puts the trivial rules last", () => {
  const [f1] = gridIntervals(frames, ["good"], ["f1"], options);
  assertEquals(
    formatGridInterval({ ...f1, estimate: 0, low: -1e-9, high: 1e-9 }),
    "0.000 [0.000, 0.000]",
  );
  const [row] = gridIntervalTable(gridIntervals(frames, ["good", "noise"], ["f1"], options), {
    rows: "catsPerDog",
    columns: "condition",
    metric: "f1",
    columnLabel: (name) => `model ${name}`,
  });
  assertEquals(Object.keys(row), ["catsPerDog", "model good", "model noise", "trivial rules"]);
});

Deno.test("with a cache, intervals and comparisons are the same and a second pass computes none", async () => {
  const file = `${await Deno.makeTempDir({ prefix: "grid_cache_" })}/intervals.json`;
  const metrics: GridMetric[] = ["f1", "tunedF1", "prAuc"];
  const pairs = [{ a: "good", b: "noise", metric: "prAuc" as const }, {
    a: "good",
    b: "good",
    metric: "tunedF1" as const,
    bAtHalf: true,
  }];
  const uncached = [
    gridIntervals(frames, ["good", "noise"], metrics, options),
    gridComparisons(frames, pairs, options),
  ];
  const first = new IntervalCache(file);
  const computed = [
    gridIntervals(frames, ["good", "noise"], metrics, { ...options, cache: first }),
    gridComparisons(frames, pairs, { ...options, cache: first }),
  ];
  assertEquals(computed, uncached);
  assertEquals([first.hits, first.misses], [0, 8]);
  const second = new IntervalCache(file);
  const read = [
    gridIntervals(frames, ["good", "noise"], metrics, { ...options, cache: second }),
    gridComparisons(frames, pairs, { ...options, cache: second }),
  ];
  assertEquals(read, uncached);
  assertEquals([second.hits, second.misses], [8, 0]);
  // The prior-shift transform changes the scores, so its intervals are other entries.
  gridIntervals(frames, ["good"], ["f1"], {
    ...options,
    cache: second,
    transform: (p) => correctForPrior(p, { trainPrevalence: 0.5, targetPrevalence: 0.1 }),
  });
  assertEquals(second.misses, 1);
});
