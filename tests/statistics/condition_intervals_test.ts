import { assert, assertAlmostEquals, assertEquals, assertRejectsWith } from "../assert.ts";
import type { ConditionResult } from "../../lib/experiments/experiment.ts";
import {
  checkedSentence,
  comparisonMatrixRows,
  comparisonSentence,
  comparisonTableRows,
  conditionDifference,
  conditionIntervals,
  expectSign,
  formatEstimate,
  intervalOf,
  intervalTableRows,
  pairedComparisons,
  randomScoresAveragePrecision,
  seedMeanInterval,
  signGroups,
  trivialBaseline,
} from "../../lib/statistics/condition_intervals.ts";
import { scorePredictions } from "../../lib/metrics/evaluate.ts";
import { createRandom, deriveSeed } from "../../lib/data/random.ts";

/** 200 negatives and 20 positives. */
const labels = Uint8Array.from({ length: 220 }, (_, i) => (i < 20 ? 1 : 0));

/** Runs whose scores separate the classes by `gap` (0: random scores), one per seed. */
function runs(
  gap: number,
  seeds: number[],
  shift = 0,
): Pick<ConditionResult, "seed" | "testProbabilities" | "test">[] {
  return seeds.map((seed) => {
    const random = createRandom(deriveSeed(seed, Math.round(gap * 100), shift));
    const testProbabilities = Float32Array.from(
      labels,
      (label) => random.next() * 0.4 + gap * label,
    );
    return {
      seed,
      testProbabilities,
      test: scorePredictions(labels, testProbabilities),
    };
  });
}

Deno.test("trivial baselines at a share of positives π", () => {
  const p = 0.1;
  assertAlmostEquals(trivialBaseline("f1", p).bar, 2 * p / (1 + p), 1e-12);
  assertEquals(trivialBaseline("precision", p).bar, p);
  assertEquals(trivialBaseline("prAuc", p).bar, p);
  assertEquals(trivialBaseline("auc", p).bar, 0.5);
  assertEquals(trivialBaseline("accuracy", p).bar, 0.9);
  assert(trivialBaseline("f1", p).text.includes("0.182"), trivialBaseline("f1", p).text);
  assert(trivialBaseline("accuracy", p).text.includes("flag nothing 0.900"));
});

Deno.test("random scores' average precision tends to π, and lies above it for few positives", () => {
  const few = randomScoresAveragePrecision(20, 200, { draws: 3000 });
  assert(few > 0.1 && few < 0.125, `20 of 220: ${few}`);
  const many = randomScoresAveragePrecision(500, 500, { draws: 300 });
  assertAlmostEquals(many, 0.5, 0.01);
  assertEquals(
    trivialBaseline("prAuc", 0.1, { randomPrAuc: 0.11 }).bar,
    0.11,
    "the simulated value is the bar when given",
  );
});

Deno.test("a separating condition clears the trivial bars; random scores do not", () => {
  const seeds = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
  const conditions = [
    { name: "good", runs: runs(0.6, seeds) },
    { name: "random", runs: runs(0, seeds) },
  ];
  const intervals = conditionIntervals(conditions, labels, ["auc", "prAuc", "f1"], {
    seed: 1,
    resamples: 200,
  });
  const find = (condition: string, metric: string) =>
    intervals.find((interval) => interval.condition === condition && interval.metric === metric)!;
  assert(find("good", "auc").clearsTrivial && find("good", "prAuc").clearsTrivial);
  assert(!find("random", "auc").clearsTrivial, formatEstimate(find("random", "auc")));
  assert(!find("random", "prAuc").clearsTrivial, formatEstimate(find("random", "prAuc")));
  const rows = intervalTableRows(intervals);
  assertEquals(rows.length, 3, "two conditions and the trivial rules");
  assert(rows[1].auc.endsWith(" *"), "a result not clearing its bar is marked");
  assert(!rows[0].auc.endsWith(" *"));
  const randomAp = randomScoresAveragePrecision(20, 200);
  assertEquals(rows[2].prAuc, `random scores ${randomAp.toFixed(3)} (π 0.091)`);
});

Deno.test("paired differences: a real gap excludes 0, two random conditions do not; seeds must match", () => {
  const seeds = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
  const good = { name: "good", runs: runs(0.6, seeds) };
  const random = { name: "random", runs: runs(0, seeds) };
  const random2 = { name: "random 2", runs: runs(0, seeds, 7) };
  const gap = conditionDifference(good, random, labels, "auc", { seed: 2, resamples: 200 });
  assert(gap.low > 0, formatEstimate(gap));
  const none = conditionDifference(random, random2, labels, "auc", { seed: 2, resamples: 200 });
  assert(none.low < 0 && 0 < none.high, formatEstimate(none));
  let message = "";
  try {
    conditionDifference(good, { name: "other seeds", runs: runs(0, [2, 1]) }, labels, "auc", {
      seed: 1,
    });
  } catch (error) {
    message = (error as Error).message;
  }
  assert(message.includes("same seeds"), message);
});

Deno.test("pairedComparisons settle signs; expectSign throws when a stated sign is reversed", () => {
  const seeds = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
  const conditions = [
    { name: "good", runs: runs(0.6, seeds) },
    { name: "random", runs: runs(0, seeds) },
  ];
  const comparisons = pairedComparisons(
    conditions,
    [{ a: "good", b: "random", metric: "auc" }, { a: "random", b: "good", metric: "auc" }],
    labels,
    { seed: 3, resamples: 200 },
  );
  assertEquals(comparisons.map((comparison) => comparison.sign), [1, -1]);
  assert(comparisonSentence(comparisons[0]).endsWith("good is higher."));
  assertEquals(comparisonTableRows(comparisons)[1].settles, "random lower");
  expectSign(comparisons, "good", "random", "auc", 1);
  let message = "";
  try {
    expectSign(comparisons, "good", "random", "auc", -1);
  } catch (error) {
    message = (error as Error).message;
  }
  assert(message.includes("Rewrite the conclusion"), message);
  let unknown = "";
  try {
    pairedComparisons(conditions, [{ a: "good", b: "other", metric: "f1" }], labels, { seed: 1 });
  } catch (error) {
    unknown = (error as Error).message;
  }
  assert(unknown.includes('No condition named "other"'), unknown);
});

Deno.test("intervalOf finds a condition's metric and names the conditions when it cannot", () => {
  const intervals = conditionIntervals([{ name: "good", runs: runs(0.6, [1, 2, 3]) }], labels, [
    "f1",
  ], { seed: 1, resamples: 50 });
  assertEquals(intervalOf(intervals, "good", "f1").metric, "f1");
  let message = "";
  try {
    intervalOf(intervals, "bad", "f1");
  } catch (error) {
    message = (error as Error).message;
  }
  assert(message.includes("the conditions are: good"), message);
});

Deno.test("seedMeanInterval is a t interval over the seeds", () => {
  const interval = seedMeanInterval([10, 12, 14]);
  assertEquals(interval.estimate, 12);
  // t(0.975, 2) = 4.3027; s = 2; half-width 4.3027 * 2 / sqrt(3).
  assertAlmostEquals(interval.high - interval.estimate, 4.302652729911275 * 2 / Math.sqrt(3), 1e-6);
  assertEquals(seedMeanInterval([5, 5]).low, 5);
});

Deno.test("comparisonMatrixRows and signGroups lay out and group what comparisons settled", () => {
  const difference = (estimate: number, half: number) => ({
    estimate,
    low: estimate - half,
    high: estimate + half,
    seeds: 10,
    seedVariance: 0,
    testSetVariance: 0,
    degreesOfFreedom: 9,
  });
  const comparisons = [
    { a: "x", b: "z", metric: "auc", difference: difference(0.1, 0.05), sign: 1 as const },
    { a: "x", b: "z", metric: "f1", difference: difference(-0.01, 0.05), sign: 0 as const },
    { a: "y", b: "z", metric: "auc", difference: difference(-0.2, 0.05), sign: -1 as const },
  ];
  assertEquals(comparisonMatrixRows(comparisons), [
    {
      comparison: "x − z",
      "ROC AUC": "0.100 [0.050, 0.150] ↑",
      F1: "-0.010 [-0.060, 0.040] ·",
    },
    { comparison: "y − z", "ROC AUC": "-0.200 [-0.250, -0.150] ↓" },
  ]);
  assertEquals(signGroups(comparisons), { higher: ["x"], lower: ["y"], unresolved: ["x"] });
});

Deno.test("checkedSentence states a checked comparison with short names, and throws when reversed", async () => {
  const difference = {
    estimate: -0.02,
    low: -0.03,
    high: -0.01,
    seeds: 10,
    seedVariance: 0,
    testSetVariance: 0,
    degreesOfFreedom: 9,
  };
  const comparisons = [{ a: "g: a", b: "g: b", metric: "f1", difference, sign: -1 as const }];
  const label = (name: string) => name.replace("g: ", "");
  assertEquals(
    checkedSentence(comparisons, "g: a", "g: b", "f1", -1, { label }),
    "F1, a − b: -0.020 [-0.030, -0.010]; a is lower.",
  );
  await assertRejectsWith(
    () => checkedSentence(comparisons, "g: a", "g: b", "f1", 1, { label }),
    "Rewrite the conclusion",
  );
  assertEquals(Object.keys(comparisonMatrixRows(comparisons, undefined, label)[0]), [
    "comparison",
    "F1",
  ]);
  assertEquals(comparisonMatrixRows(comparisons, undefined, label)[0].comparison, "a − b");
});
