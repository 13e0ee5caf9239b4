import { assert, assertAlmostEquals, assertEquals, assertRejectsWith } from "../assert.ts";
import { bootstrapInterval, pairedDifference } from "../../lib/statistics/bootstrap.ts";
import { createRandom } from "../../lib/data/random.ts";

/** The q-quantile of a discrete distribution: the smallest value whose CDF reaches q. */
function exactQuantile(sortedValues: number[], q: number): number {
  return sortedValues[Math.ceil(q * sortedValues.length) - 1];
}

/** The means of all 4^4 equally likely resamples of [1, 2, 3, 4], ascending. */
function allResampleMeans(): number[] {
  const means: number[] = [];
  for (let code = 0; code < 4 ** 4; code++) {
    let sum = 0;
    for (let digit = 0, rest = code; digit < 4; digit++, rest = Math.floor(rest / 4)) {
      sum += (rest % 4) + 1;
    }
    means.push(sum / 4);
  }
  return means.sort((x, y) => x - y);
}

Deno.test("bootstrapInterval matches the exact percentiles of all 256 resamples of [1, 2, 3, 4]", () => {
  const exact = allResampleMeans();
  // CDF of the mean: 1.25 → 5/256, 1.5 → 15/256, 1.75 → 35/256; so the 2.5 % point is 1.5,
  // the 10 % point 1.75, and by symmetry the 97.5 % and 90 % points 3.5 and 3.25.
  assertEquals(
    [0.025, 0.975, 0.1, 0.9].map((q) => exactQuantile(exact, q)),
    [1.5, 3.5, 1.75, 3.25],
  );
  for (const confidence of [0.95, 0.8]) {
    const tail = (1 - confidence) / 2;
    const interval = bootstrapInterval([1, 2, 3, 4], { seed: 5, resamples: 20000, confidence });
    assertEquals(interval.estimate, 2.5);
    assertAlmostEquals(interval.low, exactQuantile(exact, tail), 1e-12);
    assertAlmostEquals(interval.high, exactQuantile(exact, 1 - tail), 1e-12);
  }
});

Deno.test("bootstrapInterval is deterministic per seed and differs between seeds", () => {
  const values = [0.71, 0.74, 0.69, 0.8, 0.77];
  const first = bootstrapInterval(values, { seed: 1, resamples: 500 });
  assertEquals(bootstrapInterval(values, { seed: 1, resamples: 500 }), first);
  const other = bootstrapInterval(values, { seed: 2, resamples: 500 });
  assert(other.low !== first.low || other.high !== first.high);
  assertAlmostEquals(first.estimate, 0.742, 1e-12);
  assert(first.low < first.estimate && first.estimate < first.high);
  assert(first.low >= 0.69 && first.high <= 0.8, "the mean of a resample stays within the range");
});

Deno.test("bootstrapInterval of a constant sample has zero width", () => {
  assertEquals(bootstrapInterval([0.6, 0.6, 0.6], { seed: 3 }), {
    estimate: 0.6,
    low: 0.6,
    high: 0.6,
  });
});

Deno.test("bootstrapInterval takes any statistic: the max of [0, 0, 0, 1]", () => {
  // P(a resample's max is 0) = (3/4)^4 ≈ 0.32: the 25 % point is 0, the 75 % point 1.
  const max = (values: readonly number[]) => Math.max(...values);
  const interval = bootstrapInterval([0, 0, 0, 1], { seed: 4, statistic: max, confidence: 0.5 });
  assertEquals(interval, { estimate: 1, low: 0, high: 1 });
});

Deno.test("bootstrapInterval's 95 % interval of a mean covers the true mean about 95 % of the time", () => {
  const random = createRandom(99);
  const trials = 200;
  let covered = 0;
  for (let trial = 0; trial < trials; trial++) {
    const sample = Array.from({ length: 30 }, () => random.next()); // uniform, mean 0.5
    const { low, high } = bootstrapInterval(sample, { seed: trial, resamples: 400 });
    if (low <= 0.5 && 0.5 <= high) covered++;
  }
  // 190 of these 200 intervals cover 0.5; the percentile bootstrap can run below nominal at small n.
  assert(covered / trials > 0.88 && covered / trials < 0.99, `coverage ${covered / trials}`);
});

Deno.test("pairedDifference: the interval of the per-seed differences, their mean, and a's wins", () => {
  const a = [0.8, 0.7, 0.9, 0.6];
  const b = [0.7, 0.7, 0.6, 0.7];
  const result = pairedDifference(a, b, { seed: 8, resamples: 20000 });
  // Differences 0.1, 0, 0.3, −0.1: mean 0.075, a ahead on 2 of 4 seeds (the tie counts for neither).
  assertAlmostEquals(result.meanDifference, 0.075, 1e-12);
  assertAlmostEquals(result.estimate, 0.075, 1e-12);
  assertEquals(result.shareAGreater, 0.5);
  assertEquals(result.pairs, 4);
  // A resample's mean stays within the range of the differences, −0.1 … 0.3.
  assert(result.low >= -0.1 - 1e-12 && result.low < 0.075 && result.high > 0.075);
  assert(result.high <= 0.3 + 1e-12);
  // A constant shift is resolved exactly.
  const shifted = pairedDifference([1, 2, 3], [0.5, 1.5, 2.5], { seed: 1 });
  assertAlmostEquals(shifted.low, 0.5, 1e-12);
  assertAlmostEquals(shifted.high, 0.5, 1e-12);
  assertEquals(shifted.shareAGreater, 1);
});

Deno.test("bootstrapInterval and pairedDifference explain bad input", async () => {
  await assertRejectsWith(() => bootstrapInterval([], { seed: 1 }), "values is empty");
  await assertRejectsWith(() => bootstrapInterval([1, NaN], { seed: 1 }), "values[1] is NaN");
  await assertRejectsWith(
    () => bootstrapInterval([1], { seed: 1, confidence: 1 }),
    "confidence is 1",
    "strictly between 0 and 1",
  );
  await assertRejectsWith(
    () => bootstrapInterval([1], { seed: 1, confidence: 0 }),
    "confidence is 0",
  );
  await assertRejectsWith(() => bootstrapInterval([1], { seed: 1, resamples: 0 }), "resamples");
  await assertRejectsWith(
    () => bootstrapInterval([0, 1], { seed: 1, statistic: (values) => 1 / values[0] }),
    "the statistic gave Infinity",
  );
  await assertRejectsWith(() => bootstrapInterval([1], { seed: 1.5 }), "whole number");
  await assertRejectsWith(
    () => pairedDifference([1, 2], [1], { seed: 1 }),
    "a has 2 values but b has 1",
  );
  await assertRejectsWith(() => pairedDifference([], [], { seed: 1 }), "a is empty");
});
