/**
 * The coverage of `seedTestSetInterval`'s and `pairedSeedTestSetInterval`'s 95 % intervals,
 * checked by simulating experiments with a known truth at the seed counts and test-set sizes the
 * notebooks use (2,000 experiments per case: minutes, the suite's slowest file). Kept apart from
 * the unit tests in seed_test_interval_test.ts so that those run in seconds on their own (mutation
 * testing runs them once per mutant).
 */
import assert from "node:assert/strict";
import {
  pairedSeedTestSetInterval,
  seedTestSetInterval,
  studentTQuantile,
  thresholdMetric,
  type ThresholdMetricName,
} from "../../lib/statistics/seed_test_interval.ts";
import { createRandom, type Random } from "../../lib/data/random.ts";

/**
 * A simulated study with a known truth. Each test example has a label (fixed class counts, as
 * the notebooks' test sets have) and a difficulty u ~ N(0, exampleSd²) drawn afresh for each
 * experiment (the test set is a sample); seed j shifts every score by a ~ N(0, seedSd²) and adds
 * noise e ~ N(0, noiseSd²) per example. An example is predicted positive when
 * separation·(2y − 1) + a + u + e > 0 (score > 0 at threshold 0). Condition b of a paired study
 * shares the seed shifts and examples with its own separation and noise.
 */
interface Study {
  positives: number;
  negatives: number;
  separation: number;
  separationB: number;
  seedSd: number;
  exampleSd: number;
  noiseSd: number;
}

/** Standard normal deviates by Box–Muller. */
function normal(random: Random): number {
  return Math.sqrt(-2 * Math.log(1 - random.next())) * Math.cos(2 * Math.PI * random.next());
}

/** Φ(z), the standard normal distribution function (Numerical Recipes' erfc, error < 1.2e-7). */
function normalCdf(z: number): number {
  const x = Math.abs(z) / Math.SQRT2;
  const t = 1 / (1 + 0.5 * x);
  const erfc = t * Math.exp(
    -x * x - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 +
                  t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 +
                                  t * (-0.82215223 + t * 0.17087277)))))))),
  );
  return z >= 0 ? 1 - erfc / 2 : erfc / 2;
}

/**
 * The true value of the metric for a condition with `separation`: its expectation over seeds of
 * the population metric given the seed's shift a (numerical integration over a).
 */
function truth(
  study: Study,
  separation: number,
  name: ThresholdMetricName,
  share = study.positives / (study.positives + study.negatives),
): number {
  const spread = Math.hypot(study.exampleSd, study.noiseSd);
  let total = 0;
  let weights = 0;
  for (let z = -8; z <= 8; z += 0.005) {
    const weight = Math.exp(-z * z / 2);
    const a = z * study.seedSd;
    const tpr = normalCdf((separation + a) / spread);
    const fpr = normalCdf((a - separation) / spread);
    const tp = share * tpr;
    const fp = (1 - share) * fpr;
    const fn = share * (1 - tpr);
    const value = name === "accuracy"
      ? tp + (1 - share) * (1 - fpr)
      : name === "recall"
      ? tpr
      : name === "precision"
      ? tp / (tp + fp)
      : 2 * tp / (2 * tp + fp + fn);
    total += weight * value;
    weights += weight;
  }
  return total / weights;
}

/** One experiment: labels and both conditions' latent scores for each of `seeds` seeds. */
function simulate(study: Study, seeds: number, random: Random) {
  const count = study.positives + study.negatives;
  const labels = Array.from({ length: count }, (_, i) => (i < study.positives ? 1 : 0));
  const difficulty = labels.map(() => study.exampleSd * normal(random));
  const a: Float64Array[] = [];
  const b: Float64Array[] = [];
  for (let j = 0; j < seeds; j++) {
    const shift = study.seedSd * normal(random);
    a.push(
      Float64Array.from(
        labels,
        (label, i) =>
          study.separation * (2 * label - 1) + shift + difficulty[i] +
          study.noiseSd * normal(random),
      ),
    );
    b.push(
      Float64Array.from(
        labels,
        (label, i) =>
          study.separationB * (2 * label - 1) + shift + difficulty[i] +
          study.noiseSd * normal(random),
      ),
    );
  }
  return { labels, a, b };
}

/**
 * Share of `simulations` experiments whose 95 % interval covers the truth. With `atShare`, the
 * metric is computed at that share of positives by weighting the classes (as notebook 07 scores
 * its balanced test set at the training ratio's share of dogs), and the truth is taken there.
 */
function coverage(
  study: Study,
  name: ThresholdMetricName,
  paired: boolean,
  simulations: number,
  seeds: number,
  atShare?: number,
): number {
  const plain = thresholdMetric(name, { threshold: 0 });
  const classWeight = atShare === undefined ? undefined : [
    (1 - atShare) / (study.negatives / (study.positives + study.negatives)),
    atShare / (study.positives / (study.positives + study.negatives)),
  ];
  const weighted = new Float64Array(study.positives + study.negatives);
  const metric: typeof plain = classWeight === undefined ? plain : (labels, scores, weights) => {
    for (let i = 0; i < labels.length; i++) weighted[i] = weights[i] * classWeight[labels[i]];
    return plain(labels, scores, weighted);
  };
  const trueValue = paired
    ? truth(study, study.separation, name, atShare) -
      truth(study, study.separationB, name, atShare)
    : truth(study, study.separation, name, atShare);
  const random = createRandom(2026);
  let covered = 0;
  for (let run = 0; run < simulations; run++) {
    const { labels, a, b } = simulate(study, seeds, random);
    const options = { seed: run, resamples: 200 };
    const interval = paired
      ? pairedSeedTestSetInterval(labels, a, b, metric, options)
      : seedTestSetInterval(labels, a, metric, options);
    if (interval.low <= trueValue && trueValue <= interval.high) covered++;
  }
  return covered / simulations;
}

// The notebooks' representative test set (1,000 cats, 100 dogs) and 10 seeds per condition;
// seed and test-set noise of the size the CNN runs show (accuracy about 0.8, seed sd of a few
// points). 2,000 simulated experiments each: the standard error of a 95 % coverage is 0.5 %.
const representative: Study = {
  positives: 100,
  negatives: 1000,
  separation: 1.2,
  separationB: 1.0,
  seedSd: 0.25,
  exampleSd: 1,
  noiseSd: 0.6,
};

for (
  const [name, paired, study] of [
    ["accuracy", false, representative],
    ["recall", false, representative],
    ["f1", false, representative],
    ["f1", true, representative],
    ["recall", true, { ...representative, positives: 40, separationB: 1.2 }],
  ] as [ThresholdMetricName, boolean, Study][]
) {
  const what = `${paired ? "paired difference of " : ""}${name}, ${study.positives} dogs`;
  Deno.test(`95 % intervals cover the truth 93–97 % of the time: ${what}, 10 seeds`, () => {
    const share = coverage(study, name, paired, 2000, 10);
    console.log(`coverage of the nominal 95 % interval, ${what}: ${share.toFixed(4)}`);
    assert.ok(share >= 0.93 && share <= 0.97, `coverage ${share}`);
  });
}

// Notebook 03's design: three seeds per condition on the same representative test set.
for (const name of ["recall", "f1"] as ThresholdMetricName[]) {
  Deno.test(`95 % intervals cover the truth 93–97 % of the time: ${name}, 100 dogs, 3 seeds`, () => {
    const share = coverage(representative, name, false, 2000, 3);
    console.log(`coverage of the nominal 95 % interval, ${name}, 3 seeds: ${share.toFixed(4)}`);
    assert.ok(share >= 0.93 && share <= 0.97, `coverage ${share}`);
  });
}

// Notebook 07's design: a balanced test set scored at the training ratio's share of dogs (1/11)
// by weighting the classes, 10 seeds (at 500 + 500 examples instead of 2,000 + 2,000, to keep
// the test quick; the weighting is the same).
const balancedAtShare: Study = { ...representative, positives: 500, negatives: 500 };
for (const [name, paired] of [["f1", false], ["precision", false], ["f1", true]] as const) {
  const what = `${paired ? "paired difference of " : ""}${name} at a share of 1/11`;
  Deno.test(`95 % intervals cover the truth 93–97 % of the time: ${what}, 10 seeds`, () => {
    const share = coverage(balancedAtShare, name, paired, 2000, 10, 1 / 11);
    console.log(`coverage of the nominal 95 % interval, ${what}: ${share.toFixed(4)}`);
    assert.ok(share >= 0.93 && share <= 0.97, `coverage ${share}`);
  });
}

Deno.test("the interval without its test-set term would under-cover (the term matters)", () => {
  // Same study with 10 seeds; the seed-only t interval ignores the shared test set.
  const metric = thresholdMetric("recall", { threshold: 0 });
  const trueValue = truth(representative, representative.separation, "recall");
  const random = createRandom(7);
  let covered = 0;
  const simulations = 500;
  for (let run = 0; run < simulations; run++) {
    const { labels, a } = simulate(representative, 10, random);
    const interval = seedTestSetInterval(labels, a, metric, { seed: run, resamples: 200 });
    const half = studentTQuantile(0.975, 9) * Math.sqrt(interval.seedVariance);
    if (Math.abs(interval.estimate - trueValue) <= half) covered++;
  }
  console.log(`coverage of the seed-only t interval: ${(covered / simulations).toFixed(4)}`);
  assert.ok(covered / simulations < 0.85, `seed-only coverage ${covered / simulations}`);
});
