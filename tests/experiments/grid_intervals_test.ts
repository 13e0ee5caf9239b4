import pl from "nodejs-polars";
import { assert, assertAlmostEquals, assertEquals, assertRejectsWith } from "../assert.ts";
import type { GridFrames } from "../../lib/experiments/experiment_grid.ts";
import { scoreGridRuns } from "../../lib/experiments/grid_scores.ts";
import {
  fewerSeedsVerdicts,
  formatGridInterval,
  gridComparisons,
  type GridInterval,
  gridIntervals,
  gridIntervalTable,
  type GridMetric,
  gridMetricNames,
  intervalOf,
  intervalTableRows,
} from "../../lib/experiments/grid_intervals.ts";
import {
  randomScoresAveragePrecision,
  trivialBaseline,
} from "../../lib/statistics/condition_intervals.ts";
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
  assertEquals(goodBrier.trivial!.text, "base-rate forecast 0.090");
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

/** One condition of {@link smallGrid}: its settings and each seed's test (and validation) probabilities. */
interface SmallCondition {
  name: string;
  catsPerDog?: number;
  test: Record<number, number[]>;
  validation?: Record<number, number[]>;
}

/**
 * A grid of hand-made runs: `runs` lists each condition's seeds in the order given (not sorted);
 * every run scores the same test labels (and validation labels, default the test ones).
 */
function smallGrid(
  conditions: SmallCondition[],
  testLabels: number[],
  validationLabels = testLabels,
  labelsOf: (condition: string) => number[] = () => testLabels,
): GridFrames {
  const rows = (set: "test" | "validation") =>
    conditions.flatMap((condition) =>
      Object.entries(set === "test" ? condition.test : condition.validation ?? condition.test)
        .flatMap(([seed, probabilities]) =>
          probabilities.map((probability, example) => ({
            condition: condition.name,
            seed: Number(seed),
            example,
            label: set === "test" ? labelsOf(condition.name)[example] : validationLabels[example],
            probability,
          }))
        )
    );
  return {
    conditions: pl.readRecords(
      conditions.map(({ name, catsPerDog }) => ({ condition: name, catsPerDog: catsPerDog ?? 1 })),
    ),
    runs: pl.readRecords(
      conditions.flatMap(({ name, test }) =>
        Object.keys(test).map((seed) => ({ condition: name, seed: Number(seed) }))
      ),
    ),
    histories: pl.DataFrame({}),
    testPredictions: pl.readRecords(rows("test")),
    validationPredictions: pl.readRecords(rows("validation")),
  };
}

const eightLabels = [1, 0, 1, 0, 1, 0, 0, 0];
const flat = (seeds: number[], value: number) =>
  Object.fromEntries(seeds.map((seed) => [seed, eightLabels.map(() => value)]));

Deno.test("gridMetricNames names every metric for tables and prose", () => {
  assertEquals(gridMetricNames, {
    accuracy: "accuracy",
    precision: "precision",
    recall: "recall",
    f1: "F1",
    tunedF1: "F1 at the tuned threshold",
    tunedPrecision: "precision at the tuned threshold",
    tunedRecall: "recall at the tuned threshold",
    rocAuc: "ROC AUC",
    prAuc: "PR AUC",
    brier: "Brier score",
    ece: "expected calibration error",
  });
});

Deno.test("a score of exactly 0.5 flags nothing, and an interval at the trivial bar does not clear it", () => {
  const grid = smallGrid([{ name: "flat", test: flat([1, 2, 3], 0.5) }], eightLabels);
  const [precision, auc] = gridIntervals(grid, ["flat"], ["precision", "rocAuc"], {
    seed: 1,
    resamples: 20,
  });
  assertEquals([precision.undefinedSeeds, precision.clearsTrivial], [3, false]);
  // Ties everywhere: ROC AUC 0.5 on every seed and resample, exactly the bar of 0.5.
  assertEquals([auc.estimate, auc.low, auc.high, auc.trivial!.bar], [0.5, 0.5, 0.5, 0.5]);
  assertEquals(auc.clearsTrivial, false);
  // A forecast of 0.5 on a balanced set: Brier 1/4 on every example, exactly the bar 1/2 · 1/2.
  const balanced = [1, 0, 1, 0, 1, 0, 1, 0];
  const half = smallGrid([{ name: "half", test: flat([1, 2, 3], 0.5) }], balanced);
  const [brier] = gridIntervals(half, ["half"], ["brier"], { seed: 1, resamples: 20 });
  assertEquals([brier.high, brier.trivial!.bar, brier.clearsTrivial], [0.25, 0.25, false]);
});

Deno.test("the Brier score clears its bar only when the whole interval is below it", () => {
  // At the test set's own share (1/2) the bar is 1/4.
  const [good, noise] = gridIntervals(frames, ["good", "noise"], ["brier"], { seed: 1 });
  assert(good.high < good.trivial!.bar, formatGridInterval(good));
  assertEquals(good.clearsTrivial, true);
  assert(noise.high > noise.trivial!.bar, formatGridInterval(noise));
  assertEquals(noise.clearsTrivial, false);
});

Deno.test("gridComparisons' sign: -1 when the interval is below 0, 0 when it touches 0", () => {
  const [worse, same] = gridComparisons(frames, [
    { a: "noise", b: "good", metric: "rocAuc" },
    { a: "good", b: "good", metric: "rocAuc" },
  ], options);
  assert(worse.difference.high < 0, JSON.stringify(worse.difference));
  assertEquals(worse.sign, -1);
  assertEquals([same.difference.low, same.difference.high, same.sign], [0, 0, 0]);
  const [verdict] = fewerSeedsVerdicts(
    frames,
    [{ a: "good", b: "good", metric: "rocAuc" }],
    options,
  );
  assertEquals([verdict.all.sign, verdict.singleSeedsMisleading], [0, 0]);
});

Deno.test("fewerSeedsVerdicts counts the single seeds that point against a settled verdict", () => {
  const labels = Array.from({ length: 20 }, (_, i) => (i % 2 === 0 ? 1 : 0));
  const right = labels.map((label) => (label === 1 ? 0.9 : 0.1));
  const halfRight = labels.map(() => 0.9); // every dog right, every cat wrong: accuracy 0.5
  const twoWrong = right.map((p, i) => (i < 4 ? 1 - p : p)); // accuracy 0.8
  const seeds = [1, 2, 3, 4, 5, 6, 7, 8];
  const grid = smallGrid([
    {
      name: "a",
      test: Object.fromEntries(seeds.map((seed) => [seed, seed === 8 ? twoWrong : right])),
    },
    {
      name: "b",
      test: Object.fromEntries(seeds.map((seed) => [seed, seed === 8 ? right : halfRight])),
    },
  ], labels);
  const [verdict] = fewerSeedsVerdicts(grid, [{ a: "a", b: "b", metric: "accuracy" }], {
    seed: 1,
    resamples: 50,
  });
  assertEquals(verdict.singleSeedDifferences.map((d) => Math.round(d * 10) / 10), [
    0.5,
    0.5,
    0.5,
    0.5,
    0.5,
    0.5,
    0.5,
    -0.2,
  ]);
  assertEquals(verdict.all.sign, 1, JSON.stringify(verdict.all.difference));
  assertEquals(verdict.singleSeedsMisleading, 1);
});

Deno.test("formatGridInterval marks a cell below the bar, except recall's (flagging everything scores 1)", () => {
  const [f1] = gridIntervals(frames, ["noise"], ["f1"], options);
  const below = { ...f1, clearsTrivial: false };
  const text = formatGridInterval(below);
  assert(text.endsWith(" *"), text);
  for (const metric of ["recall", "tunedRecall"] as GridMetric[]) {
    assertEquals(formatGridInterval({ ...below, metric }), text.slice(0, -2), metric);
  }
  assertEquals(formatGridInterval({ ...below, metric: "tunedPrecision" }), text);
  assertEquals(formatGridInterval({ ...below, clearsTrivial: undefined }), text.slice(0, -2));
});

Deno.test("the bootstrap takes 200 resamples unless told otherwise", () => {
  const base = { prevalence, seed: 1 };
  const [byDefault] = gridIntervals(frames, ["good"], ["f1"], base);
  const [twoHundred] = gridIntervals(frames, ["good"], ["f1"], { ...base, resamples: 200 });
  const [twenty] = gridIntervals(frames, ["good"], ["f1"], { ...base, resamples: 20 });
  assertEquals(byDefault, twoHundred);
  assert(twenty.testSetVariance !== twoHundred.testSetVariance, "resamples: 20 was ignored");
});

/** A hand-made interval for the table functions. */
function made(condition: string, metric: GridMetric, estimate: number, trivialText?: string) {
  return {
    condition,
    settings: { condition, catsPerDog: condition === "c" ? 3 : 9 },
    metric,
    prevalence: 0.1,
    estimate,
    low: estimate - 0.01,
    high: estimate + 0.01,
    seeds: 3,
    seedVariance: 0,
    testSetVariance: 0,
    degreesOfFreedom: 2,
    undefinedSeeds: 0,
    trivial: trivialText === undefined ? undefined : { text: trivialText, bar: 0.5 },
    clearsTrivial: trivialText === undefined ? undefined : estimate > 0.5,
  } satisfies GridInterval;
}

Deno.test("intervalTableRows: a row per condition, a column per metric (named as asked), the trivial rules last", () => {
  const intervals = [
    made("a", "f1", 0.6, "flag everything 0.182"),
    made("a", "ece", 0.05),
    made("b", "f1", 0.4, "flag everything 0.182"),
    made("b", "ece", 0.07),
  ];
  assertEquals(intervalTableRows(intervals, { f1: "F1" }), [
    { condition: "a", F1: "0.600 [0.590, 0.610]", ece: "0.050 [0.040, 0.060]" },
    { condition: "b", F1: "0.400 [0.390, 0.410] *", ece: "0.070 [0.060, 0.080]" },
    { condition: "trivial rules (see note)", F1: "flag everything 0.182", ece: "none" },
  ]);
  assertEquals(Object.keys(intervalTableRows(intervals)[0]), ["condition", "f1", "ece"]);
});

Deno.test("intervalOf finds a condition's metric, and names the conditions when it cannot", async () => {
  const intervals = [made("a", "f1", 0.6, "x"), made("b", "f1", 0.4, "x"), made("b", "ece", 0.1)];
  assertEquals(intervalOf(intervals, "b", "f1"), intervals[1]);
  assertEquals(intervalOf(intervals, "b", "ece"), intervals[2]);
  const error = await assertRejectsWith(() => intervalOf(intervals, "a", "ece"));
  assertEquals(error.message, 'No ece interval for "a"; the conditions are: a, b.');
});

Deno.test("gridIntervalTable shows only the asked metric, 'none' for a metric without trivial rules", async () => {
  const intervals = [made("a", "ece", 0.05), made("a", "f1", 0.6, "x"), made("c", "ece", 0.07)];
  assertEquals(
    gridIntervalTable(intervals, { rows: "catsPerDog", columns: "condition", metric: "ece" }),
    [
      { catsPerDog: "9", a: "0.050 [0.040, 0.060]", "trivial rules": "none" },
      { catsPerDog: "3", c: "0.070 [0.060, 0.080]", "trivial rules": "none" },
    ],
  );
  const error = await assertRejectsWith(() =>
    gridIntervalTable(intervals, { rows: "catsPerDog", columns: "condition", metric: "rocAuc" })
  );
  assertEquals(error.message, "gridIntervalTable: no rocAuc intervals; compute them first.");
});

Deno.test("by default a condition is scored at its test set's own share, and random PR AUC is simulated for its counts", () => {
  const probabilities = [0.9, 0.2, 0.6, 0.4, 0.3, 0.1, 0.7, 0.2];
  const grid = smallGrid(
    [{ name: "m", test: { 1: probabilities, 2: probabilities } }],
    eightLabels,
  );
  const [own] = gridIntervals(grid, ["m"], ["prAuc"], { seed: 1, resamples: 20 });
  assertEquals(own.prevalence, 3 / 8);
  const simulated = randomScoresAveragePrecision(3, 5);
  assertEquals(own.trivial, trivialBaseline("prAuc", 3 / 8, { randomPrAuc: simulated }));
  assert(simulated !== 3 / 8, "the simulation gave π itself");
  // Another count of positives gets its own simulation.
  const twoDogs = smallGrid([{ name: "m", test: { 1: probabilities, 2: probabilities } }], [
    1,
    0,
    0,
    0,
    1,
    0,
    0,
    0,
  ]);
  const [fewer] = gridIntervals(twoDogs, ["m"], ["prAuc"], { seed: 1, resamples: 20 });
  assertEquals(fewer.trivial!.bar, randomScoresAveragePrecision(2, 6));
  assert(fewer.trivial!.bar !== simulated, "2 and 3 dogs gave the same simulation");
  const [shifted] = gridIntervals(grid, ["m"], ["prAuc"], {
    seed: 1,
    resamples: 20,
    prevalence: () => 0.1,
  });
  assertEquals(shifted.trivial, trivialBaseline("prAuc", 0.1));
  const [tunedF1, tunedPrecision, tunedRecall, auc] = gridIntervals(
    grid,
    ["m"],
    ["tunedF1", "tunedPrecision", "tunedRecall", "rocAuc"],
    { seed: 1, resamples: 20 },
  );
  assertEquals(tunedF1.trivial, trivialBaseline("f1", 3 / 8));
  assertEquals(tunedPrecision.trivial, trivialBaseline("precision", 3 / 8));
  assertEquals(tunedRecall.trivial, trivialBaseline("recall", 3 / 8));
  assertEquals(auc.trivial, trivialBaseline("auc", 3 / 8));
});

Deno.test("runs are read in seed order whatever order the runs frame lists them in", () => {
  const byOrder = {
    3: [0.9, 0.2, 0.6, 0.4, 0.3, 0.1, 0.7, 0.2],
    1: flat([1], 0.9)[1],
    2: flat([2], 0.1)[2],
  };
  const grid = smallGrid([{ name: "m", test: byOrder }, {
    name: "n",
    test: { 3: flat([1], 0.5)[1], 1: flat([1], 0.5)[1], 2: flat([1], 0.5)[1] },
  }], eightLabels);
  assertEquals(grid.runs.getColumn("seed").toArray(), [1, 2, 3, 1, 2, 3]); // polars keeps key order
  const shuffled: GridFrames = { ...grid, runs: grid.runs.sort("seed", true) };
  const [verdict] = fewerSeedsVerdicts(shuffled, [{ a: "m", b: "n", metric: "accuracy" }], {
    seed: 1,
    resamples: 20,
    few: 2,
  });
  // Accuracy: seed 1 flags all (3/8), seed 2 none (5/8), seed 3 gets 6 of 8; "n" flags none (5/8).
  assertEquals(verdict.singleSeedDifferences.map((d) => Math.round(d * 1000) / 1000), [
    -0.25,
    0,
    0.125,
  ]);
  assertAlmostEquals(verdict.few.difference.estimate, -0.125, 1e-12);
});

Deno.test("a condition without runs of the seeds asked for is named", async () => {
  await assertRejectsWith(
    () => gridIntervals(frames, ["good"], ["f1"], { ...options, seeds: [9, 10] }),
    '"good" has no runs of the seeds asked for (9, 10).',
  );
  const lonely: GridFrames = {
    ...frames,
    conditions: pl.readRecords([{ condition: "good", catsPerDog: 9 }, {
      condition: "lonely",
      catsPerDog: 9,
    }]),
  };
  await assertRejectsWith(
    () => gridIntervals(lonely, ["lonely"], ["f1"], options),
    '"lonely" has no runs in the runs frame; run it, or drop it from the names.',
  );
});

Deno.test("the tuned threshold flags only scores above it, and precision there may be undefined", () => {
  // Validation: cats at 0.2 and 0.4, dogs at 0.6 and 0.8; the F1-best threshold is their midpoint 0.5.
  const validationLabels = [0, 0, 1, 1];
  const validation = { 1: [0.2, 0.4, 0.6, 0.8], 2: [0.2, 0.4, 0.6, 0.8] };
  const testLabels = [1, 0, 1, 0];
  const grid = smallGrid(
    [
      // A cat at exactly 0.5 is not flagged: precision 1 and recall 1/2 (before weighting: 1 of 2 dogs).
      { name: "edge", test: { 1: [0.9, 0.5, 0.3, 0.1], 2: [0.9, 0.5, 0.3, 0.1] }, validation },
      // Every test score below 0.5: the tuned threshold flags nothing.
      { name: "low", test: { 1: [0.45, 0.3, 0.2, 0.1], 2: [0.45, 0.3, 0.2, 0.1] }, validation },
    ],
    testLabels,
    validationLabels,
  );
  const opts = { seed: 1, resamples: 20 };
  const [precision, recall] = gridIntervals(
    grid,
    ["edge"],
    ["tunedPrecision", "tunedRecall"],
    opts,
  );
  assertEquals([precision.estimate, recall.estimate], [1, 0.5]);
  const [none] = gridIntervals(grid, ["low"], ["tunedPrecision"], opts);
  assertEquals(none.undefinedSeeds, 2);
});

Deno.test("gridComparisons names the seeds and refuses other test sets or shares", async () => {
  const fewer: GridFrames = {
    ...frames,
    runs: frames.runs.filter(pl.col("condition").neq(pl.lit("noise")).or(pl.col("seed").lt(4))),
  };
  const seeds = await assertRejectsWith(() =>
    gridComparisons(fewer, [{ a: "good", b: "noise", metric: "f1" }], options)
  );
  assertEquals(
    seeds.message,
    '"good" ran seeds 1,2,3,4 and "noise" seeds 1,2,3: a paired comparison needs the same seeds.',
  );
  const scores = [0.9, 0.2, 0.6, 0.4, 0.3, 0.1, 0.7, 0.2];
  const probabilities = { 1: scores, 2: scores };
  const grid = smallGrid(
    [
      { name: "a", catsPerDog: 1, test: probabilities },
      { name: "b", catsPerDog: 3, test: probabilities },
      { name: "c", catsPerDog: 1, test: probabilities },
      { name: "d", catsPerDog: 1, test: probabilities },
    ],
    eightLabels,
    eightLabels,
    (condition) => (condition === "d" ? [0, 1, 1, 0, 1, 0, 0, 0] : eightLabels),
  );
  const byRatio = {
    seed: 1,
    resamples: 20,
    prevalence: (row: Record<string, unknown>) => 1 / (1 + Number(row.catsPerDog)),
  };
  const other = '"a" and "X" were scored on other test sets or shares of positives; ' +
    "compare conditions of the same ratio.";
  for (const b of ["b", "d"]) {
    const error = await assertRejectsWith(() =>
      gridComparisons(grid, [{ a: "a", b, metric: "f1" }], byRatio)
    );
    assertEquals(error.message, other.replace("X", b));
  }
  assertEquals(gridComparisons(grid, [{ a: "a", b: "c", metric: "f1" }], byRatio)[0].sign, 0);
});

Deno.test("with a cache, comparisons of the same runs on other metrics are other entries", async () => {
  const cache = new IntervalCache(`${await Deno.makeTempDir({ prefix: "grid_cache_" })}/i.json`);
  const pairs = (["f1", "accuracy", "recall"] as GridMetric[]).map((metric) => ({
    a: "good",
    b: "noise",
    metric,
  }));
  assertEquals(
    gridComparisons(frames, pairs, { ...options, cache }),
    gridComparisons(frames, pairs, options),
  );
  assertEquals(cache.misses, 3);
});
