/**
 * Percentile-bootstrap confidence intervals for a statistic of a few
 * repeated runs (e.g. the test F1 of five seeds), and for the paired
 * difference between two conditions run on the same seeds. Seeded, so an
 * interval is the same on every run of a notebook.
 */
import { createRandom } from "../data/random.ts";

/** A point estimate with a confidence interval around it. */
export interface Interval {
  /** The statistic of the sample itself. */
  estimate: number;
  /** Lower end of the interval. */
  low: number;
  /** Upper end of the interval. */
  high: number;
}

/** Options of {@link bootstrapInterval} and {@link pairedDifference}. */
export interface BootstrapOptions {
  /** Seed of the resampling, so the interval is reproducible. */
  seed: number;
  /** The statistic to bootstrap (default: the mean); its argument array is reused between resamples. */
  statistic?: (values: readonly number[]) => number;
  /** Number of resamples (default 2000). */
  resamples?: number;
  /** Coverage of the interval, strictly between 0 and 1 (default 0.95). */
  confidence?: number;
}

/** The comparison of two conditions over the same seeds, from {@link pairedDifference}. */
export interface PairedDifference extends Interval {
  /** Mean of the per-seed differences a − b. */
  meanDifference: number;
  /** Share of seeds where a > b (ties count for neither). */
  shareAGreater: number;
  /** Number of seeds (pairs). */
  pairs: number;
}

/** The arithmetic mean, the default statistic. */
function mean(values: readonly number[]): number {
  return values.reduce((sum, value) => sum + value, 0) / values.length;
}

/**
 * The percentile bootstrap: draws `resamples` samples of the same size with
 * replacement from `values`, computes the statistic of each, and reports
 * the (1 − confidence)/2 and (1 + confidence)/2 quantiles of those
 * statistics (linear interpolation between order statistics, numpy's
 * default) around the statistic of `values` itself. With a handful of runs
 * the interval is rough and tends to be too narrow (it cannot see variation
 * the sample did not show); it is still more honest than a bare mean.
 *
 * ```ts
 * import assert from "node:assert/strict";
 * import { bootstrapInterval } from "./bootstrap.ts";
 *
 * const f1OfFiveSeeds = [0.61, 0.58, 0.66, 0.6, 0.63];
 * const { estimate, low, high } = bootstrapInterval(f1OfFiveSeeds, { seed: 1 });
 * assert.ok(Math.abs(estimate - 0.616) < 1e-12); // the mean of the runs themselves
 * assert.ok(0.58 <= low && low < estimate && estimate < high && high <= 0.66);
 * assert.deepEqual(bootstrapInterval(f1OfFiveSeeds, { seed: 1 }), { estimate, low, high });
 * ```
 */
export function bootstrapInterval(
  values: readonly number[],
  options: BootstrapOptions,
): Interval {
  checkSample(values, "bootstrapInterval", "values");
  const { statistic = mean, resamples = 2000, confidence = 0.95, seed } = options;
  checkSettings(resamples, confidence, "bootstrapInterval");
  const random = createRandom(seed);
  const statistics = new Float64Array(resamples);
  const resample = new Array<number>(values.length);
  for (let draw = 0; draw < resamples; draw++) {
    for (let position = 0; position < values.length; position++) {
      resample[position] = values[random.int(values.length)];
    }
    statistics[draw] = statistic(resample);
    if (!Number.isFinite(statistics[draw])) {
      throw new Error(
        `bootstrapInterval: the statistic gave ${statistics[draw]} on resample ${draw}; ` +
          "pass a statistic that returns a finite number for any resample of the values.",
      );
    }
  }
  statistics.sort();
  const tail = (1 - confidence) / 2;
  return {
    estimate: statistic(values),
    low: quantileOfSorted(statistics, tail),
    high: quantileOfSorted(statistics, 1 - tail),
  };
}

/**
 * Compares condition a with condition b run on the same seeds (`a[i]` and
 * `b[i]` share seed i): the bootstrap interval of the statistic (default
 * mean) of the per-seed differences a − b, the mean difference, and the
 * share of seeds where a beat b. Pairing removes the noise the two runs of a
 * seed share, so it needs fewer runs than comparing two separate intervals.
 * An interval that excludes 0 says the sign of the difference is resolved.
 *
 * ```ts
 * import assert from "node:assert/strict";
 * import { pairedDifference } from "./bootstrap.ts";
 *
 * const weighted = [0.62, 0.6, 0.65, 0.61, 0.64]; // F1 on seeds 1 … 5
 * const unweighted = [0.55, 0.56, 0.6, 0.58, 0.57]; // the same seeds
 * const difference = pairedDifference(weighted, unweighted, { seed: 1 });
 * assert.equal(difference.shareAGreater, 1); // weighted won on every seed
 * assert.ok(difference.low > 0 && Math.abs(difference.meanDifference - 0.052) < 1e-12);
 * ```
 */
export function pairedDifference(
  a: readonly number[],
  b: readonly number[],
  options: BootstrapOptions,
): PairedDifference {
  checkSample(a, "pairedDifference", "a");
  checkSample(b, "pairedDifference", "b");
  if (a.length !== b.length) {
    throw new Error(
      `pairedDifference: a has ${a.length} values but b has ${b.length}: ` +
        "pass one value per seed for each condition, in the same seed order.",
    );
  }
  const differences = a.map((value, index) => value - b[index]);
  return {
    ...bootstrapInterval(differences, options),
    meanDifference: mean(differences),
    shareAGreater: differences.filter((difference) => difference > 0).length / differences.length,
    pairs: differences.length,
  };
}

/** The q-quantile of ascending `sorted`, interpolating linearly between neighbours. */
function quantileOfSorted(sorted: Float64Array, q: number): number {
  const position = q * (sorted.length - 1);
  const below = Math.floor(position);
  const above = Math.min(below + 1, sorted.length - 1);
  return sorted[below] + (position - below) * (sorted[above] - sorted[below]);
}

function checkSample(values: readonly number[], caller: string, name: string): void {
  if (values.length === 0) {
    throw new Error(`${caller}: ${name} is empty; pass at least one value (one per run).`);
  }
  values.forEach((value, index) => {
    if (!Number.isFinite(value)) {
      throw new Error(
        `${caller}: ${name}[${index}] is ${value}; pass finite numbers ` +
          "(drop runs whose metric is undefined).",
      );
    }
  });
}

function checkSettings(resamples: number, confidence: number, caller: string): void {
  if (!Number.isInteger(resamples) || resamples < 1) {
    throw new Error(`${caller}: resamples is ${resamples}; pass a whole number ≥ 1, e.g. 2000.`);
  }
  if (!(confidence > 0 && confidence < 1)) {
    throw new Error(
      `${caller}: confidence is ${confidence}; pass a share strictly between 0 and 1, e.g. 0.95.`,
    );
  }
}
