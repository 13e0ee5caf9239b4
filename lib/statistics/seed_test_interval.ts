/**
 * Confidence intervals for a metric averaged over seeds on one shared test
 * set, counting both sources of noise: the seed-to-seed variation of training,
 * and the finite test set (a test set with 100 dogs is itself a sample, and
 * every seed is scored on the same one, so averaging seeds cannot remove its
 * noise).
 *
 * The estimate is the mean over seeds of the metric. Its variance is
 * estimated as s²/n (the sample variance of the n per-seed values) plus the
 * test-set term: the part of the test-set noise the seeds share, read off a
 * bootstrap over test examples in which all seeds are scored on the same
 * resample (the mean covariance between seeds' resampled metrics). The
 * bootstrap resamples each class apart, keeping its count, as the notebooks'
 * test sets are drawn (1,000 cats and 100 dogs, not 1,100 images of which
 * about 100 are dogs): otherwise the share of positives would vary between
 * resamples and inflate the noise of every metric that depends on it
 * (precision, F1). The half-width is √(t²ₙ₋₁ · s²/n + t²ₘ₋₁ · test-set term):
 * each term widened by its own Student t quantile, n − 1 degrees of freedom for
 * the seed term and one less than the rarest class's count m for the test-set
 * term (100 dogs estimate a recall's noise no better than that). A single
 * Welch–Satterthwaite t under-covers with 3 seeds. A test simulates experiments
 * with a known truth at the seed counts and test-set sizes the notebooks use
 * and checks the coverage.
 */
import { createRandom } from "../data/random.ts";
import { metricsFromCounts } from "../metrics/metrics.ts";

/**
 * A metric of a classifier's scores on test examples weighted by `weights`
 * (how many times each example is in a bootstrap resample; all ones for the
 * test set itself). `NaN` where undefined.
 */
export type WeightedMetric = (
  labels: ArrayLike<number>,
  scores: ArrayLike<number>,
  weights: ArrayLike<number>,
) => number;

/** The thresholded metrics {@link thresholdMetric} computes. */
export type ThresholdMetricName =
  | "accuracy"
  | "precision"
  | "recall"
  | "f1"
  | "specificity"
  | "balancedAccuracy";

/**
 * A thresholded metric (scores above `threshold` count as positive, as
 * Keras's metrics do) as a {@link WeightedMetric}.
 *
 * @example
 * ```ts
 * import { thresholdMetric } from "./seed_test_interval.ts";
 * const recall = thresholdMetric("recall", { threshold: 0.5 });
 * const value = recall([1, 1, 0, 1], [0.9, 0.2, 0.7, 0.6], [1, 1, 1, 1]);
 * if (Math.abs(value - 2 / 3) > 1e-12) throw new Error(`recall ${value}`);
 * ```
 */
export function thresholdMetric(
  name: ThresholdMetricName,
  options: { threshold?: number } = {},
): WeightedMetric {
  const threshold = options.threshold ?? 0.5;
  // The bootstrap calls this once per seed per resample, so it is the intervals' inner loop. A
  // select on the score and a branch on the label (predictable, as test sets are stored by
  // class), not a branch on each, makes a 10-seed interval of the notebooks' size three times as
  // fast (`deno task bench:interval`). Each cell still adds exactly the weight or 0, so the
  // counts are bit for bit those of a plain tally.
  return (labels, scores, weights) => {
    let tp = 0, fp = 0, tn = 0, fn = 0;
    for (let i = 0; i < labels.length; i++) {
      const weight = weights[i];
      const predicted = scores[i] > threshold ? weight : 0;
      const missed = weight - predicted;
      if (labels[i] === 1) {
        tp += predicted;
        fn += missed;
      } else {
        fp += predicted;
        tn += missed;
      }
    }
    return metricsFromCounts({ tp, fp, tn, fn })[name];
  };
}

/** Options of {@link seedTestSetInterval} and {@link pairedSeedTestSetInterval}. */
export interface SeedTestSetIntervalOptions {
  /** Seed of the bootstrap over test examples, so the interval is reproducible. */
  seed: number;
  /** Bootstrap resamples of the test set (default 1000; the term is a variance, not a quantile). */
  resamples?: number;
  /** Coverage of the interval, strictly between 0 and 1 (default 0.95). */
  confidence?: number;
}

/** A mean over seeds with an interval that counts seed and test-set noise. */
export interface SeedTestSetInterval {
  /** Mean over seeds of the metric on the whole test set. */
  estimate: number;
  /** Lower end of the interval. */
  low: number;
  /** Upper end of the interval. */
  high: number;
  /** Number of seeds. */
  seeds: number;
  /** s²/n: the variance of the mean that comes from seed-to-seed variation. */
  seedVariance: number;
  /** The variance of the mean that comes from the finite test set all seeds share. */
  testSetVariance: number;
  /**
   * Degrees of freedom of the seed term's t quantile (seeds − 1); the test-set term's quantile
   * has one less than the rarest class's count.
   */
  degreesOfFreedom: number;
}

/**
 * The mean over seeds of `metric` on one test set, with a confidence interval
 * that counts seed-to-seed variation and the finite test set.
 * `scoresBySeed[j][i]` is seed j's score for test example i.
 *
 * @example
 * ```ts
 * import { seedTestSetInterval, thresholdMetric } from "./seed_test_interval.ts";
 * const labels = [1, 0, 1, 0, 1, 0, 0, 0];
 * const scoresBySeed = [
 *   [0.9, 0.1, 0.8, 0.3, 0.4, 0.2, 0.6, 0.1],
 *   [0.8, 0.2, 0.7, 0.1, 0.6, 0.3, 0.4, 0.2],
 *   [0.7, 0.4, 0.9, 0.2, 0.3, 0.1, 0.7, 0.3],
 * ];
 * const accuracy = thresholdMetric("accuracy");
 * const { estimate, low, high } = seedTestSetInterval(labels, scoresBySeed, accuracy, { seed: 1 });
 * if (!(low < estimate && estimate < high)) throw new Error("estimate outside its interval");
 * ```
 */
export function seedTestSetInterval(
  labels: ArrayLike<number>,
  scoresBySeed: readonly ArrayLike<number>[],
  metric: WeightedMetric,
  options: SeedTestSetIntervalOptions,
): SeedTestSetInterval {
  checkRuns(labels, scoresBySeed, "seedTestSetInterval", "scoresBySeed");
  const perSeed = (weights: ArrayLike<number>) =>
    scoresBySeed.map((scores) => metric(labels, scores, weights));
  return intervalOfSeedValues(labels, perSeed, options, "seedTestSetInterval");
}

/**
 * Condition a minus condition b, both run on the same seeds (`a[j]` and
 * `b[j]` share seed j) and scored on the same test set: the mean over seeds
 * of the per-seed difference of `metric`, with an interval that counts seed
 * and test-set noise. An interval that excludes 0 resolves the sign.
 *
 * @example
 * ```ts
 * import { pairedSeedTestSetInterval, thresholdMetric } from "./seed_test_interval.ts";
 * const labels = [1, 0, 1, 0, 1, 0];
 * const a = [[0.9, 0.1, 0.8, 0.3, 0.7, 0.2], [0.8, 0.2, 0.9, 0.1, 0.6, 0.3]];
 * const b = [[0.4, 0.6, 0.8, 0.3, 0.2, 0.7], [0.3, 0.7, 0.9, 0.4, 0.1, 0.6]];
 * const difference = pairedSeedTestSetInterval(labels, a, b, thresholdMetric("accuracy"), {
 *   seed: 1,
 * });
 * if (difference.estimate !== 1 - 1 / 3) throw new Error(`difference ${difference.estimate}`);
 * ```
 */
export function pairedSeedTestSetInterval(
  labels: ArrayLike<number>,
  a: readonly ArrayLike<number>[],
  b: readonly ArrayLike<number>[],
  metric: WeightedMetric,
  options: SeedTestSetIntervalOptions,
): SeedTestSetInterval {
  checkRuns(labels, a, "pairedSeedTestSetInterval", "a");
  checkRuns(labels, b, "pairedSeedTestSetInterval", "b");
  if (a.length !== b.length) {
    throw new Error(
      `pairedSeedTestSetInterval: a has ${a.length} seeds but b has ${b.length}: pass one ` +
        "score array per seed for each condition, in the same seed order.",
    );
  }
  const perSeed = (weights: ArrayLike<number>) =>
    a.map((scores, j) => metric(labels, scores, weights) - metric(labels, b[j], weights));
  return intervalOfSeedValues(labels, perSeed, options, "pairedSeedTestSetInterval");
}

/**
 * The interval from per-seed values on the whole test set and on bootstrap
 * resamples of it (`perSeed(weights)` gives one value per seed).
 */
function intervalOfSeedValues(
  labels: ArrayLike<number>,
  perSeed: (weights: ArrayLike<number>) => number[],
  options: SeedTestSetIntervalOptions,
  caller: string,
): SeedTestSetInterval {
  const { seed, resamples = 1000, confidence = 0.95 } = options;
  if (!Number.isInteger(resamples) || resamples < 2) {
    throw new Error(`${caller}: resamples is ${resamples}; pass a whole number ≥ 2, e.g. 1000.`);
  }
  if (!(confidence > 0 && confidence < 1)) {
    throw new Error(
      `${caller}: confidence is ${confidence}; pass a share strictly between 0 and 1, e.g. 0.95.`,
    );
  }
  const examples = labels.length;
  const values = perSeed(new Int32Array(examples).fill(1));
  values.forEach((value, j) => {
    if (!Number.isFinite(value)) {
      throw new Error(
        `${caller}: the metric is ${value} for seed ${j} on the whole test set; ` +
          "drop that run or choose a metric defined for it (e.g. F1 instead of precision).",
      );
    }
  });
  const n = values.length;
  const estimate = mean(values);
  const seedVariance = sampleVariance(values) / n;

  // Bootstrap over test examples, each class resampled apart, every seed scored on the same
  // resample: the mean covariance between two seeds' resampled values is the test-set noise
  // they share.
  const random = createRandom(seed);
  const classes = examplesByClass(labels);
  const weights = new Int32Array(examples);
  const replicates: number[][] = [];
  for (let draw = 0; draw < resamples; draw++) {
    weights.fill(0);
    for (const members of classes) {
      for (let k = 0; k < members.length; k++) weights[members[random.int(members.length)]]++;
    }
    const replicate = perSeed(weights);
    if (replicate.every(Number.isFinite)) replicates.push(replicate);
  }
  if (replicates.length < resamples / 2) {
    throw new Error(
      `${caller}: the metric was undefined on ${resamples - replicates.length} of ${resamples} ` +
        "resamples of the test set (too few positives or predicted positives); use a larger " +
        "test set or a metric defined on every resample.",
    );
  }
  const testSetVariance = Math.max(0, sharedCovariance(replicates, n));
  const rarest = Math.min(...classes.map((members) => members.length));
  // Each term is widened by its own t quantile: the seed term's variance is estimated from n
  // values (n − 1 degrees of freedom), the test-set term's from the rarest class's count. With
  // 3 seeds a single Welch–Satterthwaite t under-covers (92 % for recall in the coverage test):
  // where s² is small by chance, its degrees of freedom come out large exactly when they should
  // not.
  const quantile = (degrees: number) => studentTQuantile((1 + confidence) / 2, degrees);
  const half = Math.sqrt(
    quantile(n - 1) ** 2 * seedVariance + quantile(Math.max(1, rarest - 1)) ** 2 * testSetVariance,
  );
  return {
    estimate,
    low: estimate - half,
    high: estimate + half,
    seeds: n,
    seedVariance,
    testSetVariance,
    degreesOfFreedom: n - 1,
  };
}

/** The indices of the examples of each label, labels in first-seen order. */
function examplesByClass(labels: ArrayLike<number>): Int32Array[] {
  const groups = new Map<number, number[]>();
  for (let i = 0; i < labels.length; i++) {
    const group = groups.get(labels[i]);
    if (group) group.push(i);
    else groups.set(labels[i], [i]);
  }
  return [...groups.values()].map((group) => Int32Array.from(group));
}

/**
 * The variance of the replicates' seed means minus the part each seed's own
 * resampling noise adds: (n · var(mean) − mean of per-seed variances) / (n − 1),
 * which equals the mean covariance between two different seeds' replicates.
 */
function sharedCovariance(replicates: number[][], n: number): number {
  const means = replicates.map(mean);
  const varianceOfMeans = sampleVariance(means);
  let perSeedVariances = 0;
  for (let j = 0; j < n; j++) {
    perSeedVariances += sampleVariance(replicates.map((replicate) => replicate[j]));
  }
  return (n * varianceOfMeans - perSeedVariances / n) / (n - 1);
}

/**
 * The p-quantile of Student's t distribution with `df` degrees of freedom
 * (any df > 0, not only whole numbers; `Infinity` gives the normal quantile),
 * by bisection on the distribution function.
 *
 * @example
 * ```ts
 * import { studentTQuantile } from "./seed_test_interval.ts";
 * if (Math.abs(studentTQuantile(0.975, 9) - 2.2621571628) > 1e-8) throw new Error("t(9)");
 * ```
 */
export function studentTQuantile(p: number, df: number): number {
  if (!(p > 0 && p < 1)) throw new Error(`studentTQuantile: p is ${p}; pass 0 < p < 1.`);
  if (!(df > 0)) throw new Error(`studentTQuantile: df is ${df}; pass a positive number.`);
  if (p === 0.5) return 0;
  if (p < 0.5) return -studentTQuantile(1 - p, df);
  const cdf = df === Infinity ? normalCdf : (t: number) => studentTCdf(t, df);
  let low = 0;
  let high = 1;
  while (cdf(high) < p) high *= 2;
  for (let step = 0; step < 200 && high - low > 1e-13 * high; step++) {
    const middle = (low + high) / 2;
    if (cdf(middle) < p) low = middle;
    else high = middle;
  }
  return (low + high) / 2;
}

/** P(T ≤ t) for Student's t with `df` degrees of freedom, via the regularized incomplete beta. */
function studentTCdf(t: number, df: number): number {
  const tail = 0.5 * regularizedIncompleteBeta(df / (df + t * t), df / 2, 0.5);
  return t >= 0 ? 1 - tail : tail;
}

/** The standard normal distribution function (via the complementary error function). */
function normalCdf(z: number): number {
  return 0.5 * erfc(-z / Math.SQRT2);
}

/** erfc(x) with relative error below 1.2e-7 (Numerical Recipes' Chebyshev fit). */
function erfc(x: number): number {
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  const r = t * Math.exp(
    -z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 +
                  t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 +
                                  t * (-0.82215223 + t * 0.17087277)))))))),
  );
  return x >= 0 ? r : 2 - r;
}

/** I_x(a, b), the regularized incomplete beta function (continued fraction, Lentz's method). */
function regularizedIncompleteBeta(x: number, a: number, b: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const front = Math.exp(
    logGamma(a + b) - logGamma(a) - logGamma(b) + a * Math.log(x) + b * Math.log(1 - x),
  );
  if (x < (a + 1) / (a + b + 2)) return front * betaContinuedFraction(x, a, b) / a;
  return 1 - front * betaContinuedFraction(1 - x, b, a) / b;
}

function betaContinuedFraction(x: number, a: number, b: number): number {
  const tiny = 1e-300;
  let c = 1;
  let d = 1 - (a + b) * x / (a + 1);
  if (Math.abs(d) < tiny) d = tiny;
  d = 1 / d;
  let result = d;
  for (let m = 1; m <= 10_000; m++) {
    const m2 = 2 * m;
    let term = m * (b - m) * x / ((a + m2 - 1) * (a + m2));
    d = 1 + term * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + term / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    result *= d * c;
    term = -(a + m) * (a + b + m) * x / ((a + m2) * (a + m2 + 1));
    d = 1 + term * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + term / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const delta = d * c;
    result *= delta;
    if (Math.abs(delta - 1) < 1e-15) break;
  }
  return result;
}

/** ln Γ(x) for x > 0 (Lanczos approximation, g = 7, n = 9; about 15 significant digits). */
function logGamma(x: number): number {
  const coefficients = [
    0.99999999999980993,
    676.5203681218851,
    -1259.1392167224028,
    771.32342877765313,
    -176.61502916214059,
    12.507343278686905,
    -0.13857109526572012,
    9.9843695780195716e-6,
    1.5056327351493116e-7,
  ];
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
  const shifted = x - 1;
  let sum = coefficients[0];
  for (let i = 1; i < 9; i++) sum += coefficients[i] / (shifted + i);
  const t = shifted + 7.5;
  return 0.5 * Math.log(2 * Math.PI) + (shifted + 0.5) * Math.log(t) - t + Math.log(sum);
}

function mean(values: readonly number[]): number {
  let sum = 0;
  for (const value of values) sum += value;
  return sum / values.length;
}

/** The sample variance (n − 1 in the denominator). */
function sampleVariance(values: readonly number[]): number {
  const center = mean(values);
  let sum = 0;
  for (const value of values) sum += (value - center) ** 2;
  return sum / (values.length - 1);
}

function checkRuns(
  labels: ArrayLike<number>,
  scoresBySeed: readonly ArrayLike<number>[],
  caller: string,
  name: string,
): void {
  if (scoresBySeed.length < 2) {
    throw new Error(
      `${caller}: ${name} has ${scoresBySeed.length} seed(s); an interval needs at least 2 ` +
        "(10 or more for a claim that one condition beats another).",
    );
  }
  if (labels.length === 0) throw new Error(`${caller}: the test set is empty.`);
  scoresBySeed.forEach((scores, j) => {
    if (scores.length !== labels.length) {
      throw new Error(
        `${caller}: ${name}[${j}] has ${scores.length} scores for ${labels.length} labels; ` +
          "pass one score per test example for every seed.",
      );
    }
  });
}
