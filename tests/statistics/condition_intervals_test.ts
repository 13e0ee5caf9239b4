import { assert, assertAlmostEquals, assertEquals, assertRejectsWith } from "../assert.ts";
import {
  checkedSentence,
  comparisonMatrixRows,
  comparisonTableRows,
  expectSign,
  randomScoresAveragePrecision,
  seedMeanInterval,
  signGroups,
  trivialBaseline,
} from "../../lib/statistics/condition_intervals.ts";

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
  const names = { auc: "ROC AUC", f1: "F1" };
  assertEquals(comparisonMatrixRows(comparisons, names), [
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
    checkedSentence(comparisons, "g: a", "g: b", "f1", -1, { label, metricNames: { f1: "F1" } }),
    "F1, a − b: -0.020 [-0.030, -0.010]; a is lower.",
  );
  await assertRejectsWith(
    () => checkedSentence(comparisons, "g: a", "g: b", "f1", 1, { label }),
    "Rewrite the conclusion",
  );
  assertEquals(Object.keys(comparisonMatrixRows(comparisons, { f1: "F1" }, label)[0]), [
    "comparison",
    "F1",
  ]);
  assertEquals(Object.keys(comparisonMatrixRows(comparisons)[0]), ["comparison", "f1"]);
  assertEquals(comparisonMatrixRows(comparisons, undefined, label)[0].comparison, "a − b");
});

Deno.test("trivialBaseline and randomScoresAveragePrecision refuse what is not a share or a count", async () => {
  for (const prevalence of [0, 1, 1.5, NaN]) {
    await assertRejectsWith(
      () => trivialBaseline("f1", prevalence),
      `trivialBaseline: prevalence is ${prevalence}`,
      "strictly between 0 and 1",
    );
  }
  for (const [positives, negatives] of [[0, 10], [2.5, 10], [3, 1.5]]) {
    await assertRejectsWith(
      () => randomScoresAveragePrecision(positives, negatives),
      "randomScoresAveragePrecision needs whole counts with at least one positive",
      `got ${positives} positives and ${negatives} negatives`,
    );
  }
  assertAlmostEquals(randomScoresAveragePrecision(1, 0, { draws: 5 }), 1, 0);
});

Deno.test("seedMeanInterval reports its parts and needs two values", async () => {
  const interval = seedMeanInterval([10, 12, 14], 0.9);
  // s² = 4 over 3 seeds; t(0.95, 2) = 2.919986.
  assertEquals(interval.seeds, 3);
  assertEquals(interval.degreesOfFreedom, 2);
  assertAlmostEquals(interval.seedVariance, 4 / 3, 1e-12);
  assertEquals(interval.testSetVariance, 0);
  assertAlmostEquals(interval.high - 12, 2.919985580355516 * Math.sqrt(4 / 3), 1e-6);
  await assertRejectsWith(() => seedMeanInterval([3]), "needs at least 2 values, got 1");
});

Deno.test("comparisonTableRows says what each comparison settles; expectSign finds or refuses", async () => {
  const difference = (estimate: number) => ({
    estimate,
    low: estimate - 0.01,
    high: estimate + 0.01,
    seeds: 10,
    seedVariance: 0,
    testSetVariance: 0,
    degreesOfFreedom: 9,
  });
  const comparisons = [
    { a: "x", b: "z", metric: "f1", difference: difference(0.1), sign: 1 as const },
    { a: "y", b: "z", metric: "f1", difference: difference(-0.1), sign: -1 as const },
    { a: "w", b: "z", metric: "f1", difference: difference(0.005), sign: 0 as const },
  ];
  assertEquals(comparisonTableRows(comparisons, { f1: "F1" }), [
    {
      comparison: "x − z",
      metric: "F1",
      "difference [95 % interval]": "0.100 [0.090, 0.110]",
      settles: "x higher",
    },
    {
      comparison: "y − z",
      metric: "F1",
      "difference [95 % interval]": "-0.100 [-0.110, -0.090]",
      settles: "y lower",
    },
    {
      comparison: "w − z",
      metric: "F1",
      "difference [95 % interval]": "0.005 [-0.005, 0.015]",
      settles: "not resolved",
    },
  ]);
  assertEquals(expectSign(comparisons, "y", "z", "f1", -1), comparisons[1]);
  await assertRejectsWith(
    () => expectSign(comparisons, "z", "y", "f1", 1),
    'No comparison of "z" with "y" on f1 was computed.',
  );
  await assertRejectsWith(
    () => expectSign(comparisons, "x", "z", "f1", 0),
    "states that x − z on f1 has sign 0",
    "Rewrite the conclusion",
  );
});
