import nodeAssert from "node:assert/strict";
import { assert, assertAlmostEquals, assertEquals } from "../assert.ts";
import {
  type ProportionInterval,
  wilsonInterval,
} from "../../lib/statistics/proportion_interval.ts";

/**
 * The exact coverage of an interval for a proportion p from n trials: the sum of the binomial
 * probabilities of the outcomes k whose interval contains p (log space, so p near 1 cannot
 * underflow).
 */
function exactCoverage(
  interval: (successes: number, trials: number) => ProportionInterval,
  trials: number,
  p: number,
): number {
  let logProbability = trials * Math.log(1 - p);
  let covered = 0;
  for (let k = 0; k <= trials; k++) {
    const { low, high } = interval(k, trials);
    if (low <= p && p <= high) covered += Math.exp(logProbability);
    logProbability += Math.log((trials - k) / (k + 1)) + Math.log(p / (1 - p));
  }
  return covered;
}

/** The textbook interval p̂ ± z·√(p̂(1 − p̂)/n), which under-covers near 0 and 1. */
function waldInterval(successes: number, trials: number): ProportionInterval {
  const estimate = successes / trials;
  const half = 1.959963984540054 * Math.sqrt(estimate * (1 - estimate) / trials);
  return { estimate, low: estimate - half, high: estimate + half };
}

/** Mean and smallest exact coverage over true proportions 0.5, 0.5 + 0.49/200, ..., 0.99. */
function coverageOverScores(
  interval: (successes: number, trials: number) => ProportionInterval,
  trials: number,
) {
  const coverages = Array.from(
    { length: 201 },
    (_, i) => exactCoverage(interval, trials, 0.5 + 0.49 * i / 200),
  );
  return {
    mean: coverages.reduce((sum, value) => sum + value, 0) / coverages.length,
    smallest: Math.min(...coverages),
  };
}

Deno.test("wilsonInterval matches Wilson's formula worked by hand, and stays inside [0, 1]", () => {
  // 90 of 100, z = 1.959964: centre (0.9 + z²/200) / (1 + z²/100) = 0.8852026, half-width
  // z / (1 + z²/100) · √(0.9 · 0.1 / 100 + z²/40000) = 0.0595683.
  const ninety = wilsonInterval(90, 100);
  assertEquals(ninety.estimate, 0.9);
  assertAlmostEquals(ninety.low, 0.8852026 - 0.0595683, 2e-7);
  assertAlmostEquals(ninety.high, 0.8852026 + 0.0595683, 2e-7);
  // All successes: the upper end is 1 and the lower end n / (n + z²) (here 0.928652).
  const all = wilsonInterval(50, 50);
  assertEquals(all.high, 1);
  assertAlmostEquals(all.low, 50 / (50 + 1.959964 ** 2), 1e-6);
  assertEquals(wilsonInterval(0, 20).low, 0);
  // A wider confidence gives a wider interval.
  const wide = wilsonInterval(90, 100, 0.99);
  assert(wide.low < ninety.low && wide.high > ninety.high);
});

Deno.test("wilsonInterval covers the truth 95 % of the time on average at the sample sizes used", () => {
  // Sampled mutation scores: 100 to 300 mutants, scores between 0.5 and 0.99. Wilson's coverage
  // oscillates with p (the outcomes are discrete) but averages the nominal level; the Wald
  // interval falls short on average and far short near 1.
  for (const trials of [100, 150, 300]) {
    const wilson = coverageOverScores(wilsonInterval, trials);
    assert(wilson.mean > 0.945 && wilson.mean < 0.955, `Wilson, n ${trials}: mean ${wilson.mean}`);
    assert(wilson.smallest > 0.92, `Wilson, n ${trials}: smallest ${wilson.smallest}`);
    const wald = coverageOverScores(waldInterval, trials);
    assert(wald.mean < 0.945 && wald.smallest < 0.8, `Wald, n ${trials}: ${JSON.stringify(wald)}`);
  }
});

Deno.test("wilsonInterval refuses counts that are not a sample, naming the fix", () => {
  nodeAssert.throws(() => wilsonInterval(1, 0), /trials is 0; pass the sample size/);
  nodeAssert.throws(() => wilsonInterval(1.5, 10), /successes is 1.5 of 10 trials/);
  nodeAssert.throws(() => wilsonInterval(11, 10), /from 0 to 10/);
  nodeAssert.throws(() => wilsonInterval(-1, 10), /successes is -1/);
  nodeAssert.throws(() => wilsonInterval(5, 10, 1), /strictly between 0 and 1/);
});
