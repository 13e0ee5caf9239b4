import assert from "node:assert/strict";
import {
  pairedSeedTestSetInterval,
  seedTestSetInterval,
  studentTQuantile,
  thresholdMetric,
} from "../../lib/statistics/seed_test_interval.ts";
import { confusionCounts, metricsFromCounts } from "../../lib/metrics/metrics.ts";
import { createRandom } from "../../lib/data/random.ts";

Deno.test("studentTQuantile matches scipy.stats.t.ppf, whole and fractional df", () => {
  // Reference values: scipy 1.17.1, t.ppf(p, df) and norm.ppf(0.975).
  const cases: [number, number, number][] = [
    [0.975, 1, 12.706204736174694],
    [0.975, 2, 4.302652729749462],
    [0.975, 2.5, 3.5746548420036817],
    [0.975, 9, 2.262157162798205],
    [0.975, 29.3, 2.044320421500141],
    [0.995, 4, 4.604094871349992],
    [0.9, 120.7, 1.2886048577944016],
  ];
  for (const [p, df, expected] of cases) {
    assert.ok(Math.abs(studentTQuantile(p, df) - expected) < 1e-9 * expected, `t(${p}, ${df})`);
    assert.ok(Math.abs(studentTQuantile(1 - p, df) + expected) < 1e-9 * expected);
  }
  assert.ok(Math.abs(studentTQuantile(0.975, Infinity) - 1.959963984540054) < 1e-6);
  assert.equal(studentTQuantile(0.5, 3), 0);
  assert.throws(() => studentTQuantile(1, 3), /pass 0 < p < 1/);
  assert.throws(() => studentTQuantile(0.9, 0), /positive/);
});

Deno.test("thresholdMetric equals metricsFromCounts on a resample given as weights", () => {
  const random = createRandom(3);
  const labels = Array.from({ length: 50 }, () => random.int(2));
  const scores = Array.from({ length: 50 }, () => random.next());
  const indices = Array.from({ length: 80 }, () => random.int(50));
  const weights = new Array(50).fill(0);
  for (const index of indices) weights[index]++;
  const expected = metricsFromCounts(
    confusionCounts(indices.map((i) => labels[i]), indices.map((i) => scores[i]), 0.4),
  );
  for (const name of ["accuracy", "precision", "recall", "f1", "specificity"] as const) {
    const value = thresholdMetric(name, { threshold: 0.4 })(labels, scores, weights);
    assert.equal(value, expected[name], name);
  }
});

Deno.test("thresholdMetric with fractional weights equals a plain tally of each cell, bit for bit", () => {
  // Class weights (notebook 07 scores a balanced test set at another share of positives) make
  // the weights fractional; a score equal to the threshold is not a positive prediction.
  const random = createRandom(11);
  for (let trial = 0; trial < 200; trial++) {
    const labels = Array.from({ length: 40 }, () => random.int(2));
    const scores = Array.from({ length: 40 }, () => (random.next() < 0.1 ? 0.4 : random.next()));
    const weights = labels.map(() => (random.next() < 0.3 ? 0 : 3 * random.next()));
    const counts = { tp: 0, fp: 0, tn: 0, fn: 0 };
    labels.forEach((label, i) => {
      const cell = scores[i] > 0.4 ? (label === 1 ? "tp" : "fp") : (label === 1 ? "fn" : "tn");
      counts[cell] += weights[i];
    });
    const expected = metricsFromCounts(counts);
    for (const name of ["accuracy", "precision", "recall", "f1", "balancedAccuracy"] as const) {
      const value = thresholdMetric(name, { threshold: 0.4 })(labels, scores, weights);
      assert.ok(Object.is(value, expected[name]), `${name}: ${value} ≠ ${expected[name]}`);
    }
  }
});

Deno.test("seedTestSetInterval: estimate, variance parts and errors", () => {
  const labels = [1, 1, 0, 0, 0, 0];
  // Accuracies 1, 1 and 4/6: mean 8/9, deviations 1/9, 1/9, −2/9, sample variance 1/27.
  const scoresBySeed = [[1, 1, 0, 0, 0, 0], [1, 1, 0, 0, 0, 0], [1, 1, 1, 1, 0, 0]];
  const result = seedTestSetInterval(labels, scoresBySeed, thresholdMetric("accuracy"), {
    seed: 1,
  });
  assert.ok(Math.abs(result.estimate - 8 / 9) < 1e-15);
  assert.ok(Math.abs(result.seedVariance - 1 / 27 / 3) < 1e-15);
  // Two seeds are right on every resample, so no test-set noise is shared between seeds: the
  // interval is the plain t interval with n − 1 = 2 degrees of freedom.
  assert.equal(result.testSetVariance, 0);
  assert.equal(result.degreesOfFreedom, 2);
  const half = (result.high - result.low) / 2;
  const t = studentTQuantile(0.975, result.degreesOfFreedom);
  assert.ok(Math.abs(half - t * Math.sqrt(result.seedVariance + result.testSetVariance)) < 1e-12);

  const accuracy = thresholdMetric("accuracy");
  assert.throws(() => seedTestSetInterval(labels, [labels], accuracy, { seed: 1 }), /at least 2/);
  assert.throws(
    () => seedTestSetInterval(labels, [labels, [1, 0]], accuracy, { seed: 1 }),
    /has 2 scores for 6 labels/,
  );
  assert.throws(
    () =>
      pairedSeedTestSetInterval(labels, [labels, labels, labels], [labels, labels], accuracy, {
        seed: 1,
      }),
    /a has 3 seeds but b has 2/,
  );
  assert.throws(
    () =>
      seedTestSetInterval(
        labels,
        [[0, 0, 0, 0, 0, 0], labels],
        (_, scores) => scores[0] === 0 ? NaN : 1,
        { seed: 1 },
      ),
    /NaN for seed 0/,
  );
});

Deno.test("seedTestSetInterval: a shared test set is noise that more seeds cannot remove", () => {
  // 200 seeds that agree perfectly: no seed variance, but the 100-example test set is a sample.
  const random = createRandom(5);
  const labels = Array.from({ length: 100 }, () => random.int(2));
  const scores = labels.map((label) => (random.next() < 0.8 ? label : 1 - label));
  const result = seedTestSetInterval(
    labels,
    Array.from({ length: 200 }, () => scores),
    thresholdMetric("accuracy"),
    { seed: 2 },
  );
  assert.ok(result.seedVariance < 1e-25, `seed variance ${result.seedVariance}`);
  // The binomial standard error of an accuracy p on 100 examples is sqrt(p(1 − p)/100).
  const binomial = result.estimate * (1 - result.estimate) / 100;
  assert.ok(
    Math.abs(result.testSetVariance / binomial - 1) < 0.15,
    `test-set variance ${result.testSetVariance} vs binomial ${binomial}`,
  );
});

Deno.test("seedTestSetInterval: seeds and resamples that all agree give a zero-width interval", () => {
  const labels = [1, 0, 1, 0];
  const perfect = [0.9, 0.1, 0.8, 0.2];
  const result = seedTestSetInterval(labels, [perfect, perfect], thresholdMetric("accuracy"), {
    seed: 1,
  });
  assert.deepEqual([result.estimate, result.low, result.high], [1, 1, 1]);
  assert.equal(result.degreesOfFreedom, 1);
});

Deno.test("seedTestSetInterval widens each variance term by its own t quantile", () => {
  // Three seeds that disagree, on a test set whose rarest class has 4 examples: both terms are
  // non-zero; the seed term takes t with 2 degrees of freedom, the test-set term t with 3.
  const labels = [1, 1, 1, 1, 0, 0, 0, 0, 0, 0];
  // The seeds share two mistakes (examples 2 and 5) and each makes one of its own.
  const scoresBySeed = [
    [0.9, 0.8, 0.4, 0.3, 0.2, 0.6, 0.1, 0.3, 0.2, 0.1],
    [0.9, 0.8, 0.4, 0.7, 0.2, 0.6, 0.7, 0.3, 0.2, 0.1],
    [0.9, 0.8, 0.4, 0.7, 0.2, 0.6, 0.1, 0.3, 0.2, 0.1],
  ];
  const result = seedTestSetInterval(labels, scoresBySeed, thresholdMetric("accuracy"), {
    seed: 3,
    confidence: 0.9,
  });
  assert.ok(result.seedVariance > 0 && result.testSetVariance > 0, JSON.stringify(result));
  const half = Math.sqrt(
    studentTQuantile(0.95, 2) ** 2 * result.seedVariance +
      studentTQuantile(0.95, 3) ** 2 * result.testSetVariance,
  );
  assert.ok(Math.abs(result.high - result.estimate - half) < 1e-12, `${result.high}`);
  assert.ok(Math.abs(result.estimate - result.low - half) < 1e-12, `${result.low}`);
});

Deno.test("the interval functions refuse bad resamples, confidence and runs, naming themselves", () => {
  const labels = [1, 0, 1, 0];
  const runs = [[0.9, 0.1, 0.8, 0.2], [0.8, 0.3, 0.4, 0.1]];
  const accuracy = thresholdMetric("accuracy");
  for (const resamples of [1, 2.5]) {
    assert.throws(
      () => seedTestSetInterval(labels, runs, accuracy, { seed: 1, resamples }),
      new RegExp(`^Error: seedTestSetInterval: resamples is ${resamples}; pass a whole number ≥ 2`),
    );
    assert.throws(
      () => pairedSeedTestSetInterval(labels, runs, runs, accuracy, { seed: 1, resamples }),
      new RegExp(`^Error: pairedSeedTestSetInterval: resamples is ${resamples}`),
    );
  }
  for (const confidence of [0, 1, 1.5]) {
    assert.throws(
      () => seedTestSetInterval(labels, runs, accuracy, { seed: 1, confidence }),
      new RegExp(
        `^Error: seedTestSetInterval: confidence is ${confidence}; pass a share strictly between`,
      ),
    );
  }
  assert.throws(
    () => pairedSeedTestSetInterval(labels, [runs[0]], runs, accuracy, { seed: 1 }),
    /^Error: pairedSeedTestSetInterval: a has 1 seed\(s\); an interval needs at least 2/,
  );
  assert.throws(
    () => pairedSeedTestSetInterval(labels, runs, [runs[0], [1, 0]], accuracy, { seed: 1 }),
    /^Error: pairedSeedTestSetInterval: b\[1\] has 2 scores for 4 labels/,
  );
});

Deno.test("seedTestSetInterval refuses a metric undefined on most resamples of the test set", () => {
  // A metric defined only when a resample draws every cat exactly once: true of the test set
  // itself, and of almost no resample (19! / 19¹⁹). The interval would rest on the few resamples
  // where it is defined, so it refuses instead.
  const labels = [1, ...Array(19).fill(0)];
  const scores = labels.map((_, i) => (i === 1 ? 0.9 : 0.1));
  const everyCatOnce = (_: ArrayLike<number>, __: ArrayLike<number>, weights: ArrayLike<number>) =>
    Array.from(weights).slice(1).every((weight) => weight === 1) ? 1 : NaN;
  assert.throws(
    () => seedTestSetInterval(labels, [scores, scores], everyCatOnce, { seed: 1, resamples: 50 }),
    /seedTestSetInterval: the metric was undefined on (4[6-9]|50) of 50 resamples of the test set/,
  );
});
