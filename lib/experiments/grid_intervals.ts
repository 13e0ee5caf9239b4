/**
 * Intervals for the conditions of an experiment grid, from its stored
 * predictions: each metric's mean over seeds at the condition's deployment
 * share of positives, with a 95 % interval that counts seed-to-seed variation
 * and the finite test set (`seedTestSetInterval`), beside what trivial rules
 * score at that share; and paired differences between conditions (or between
 * two thresholds of one condition) run on the same seeds and test set.
 *
 * The grid's held-out sets may be balanced: every metric is computed with
 * class weights that give the positives their deployment share
 * (`prevalenceWeights`), which has the expected value of a test set drawn at
 * that share and the noise of the positives the set really has.
 */
import type { GridFrames } from "./experiment_grid.ts";
import { type ConditionRow, runPredictions } from "./grid_scores.ts";
import { bestThresholdAtPrevalence, prevalenceWeights } from "../metrics/deployment_metrics.ts";
import { brierScore, expectedCalibrationError } from "../metrics/calibration.ts";
import { weightedAveragePrecision, weightedRocAuc } from "../metrics/weighted_rank_metrics.ts";
import {
  pairedSeedTestSetInterval,
  type SeedTestSetInterval,
  seedTestSetInterval,
  type SeedTestSetIntervalOptions,
  thresholdMetric,
  type ThresholdMetricName,
  type WeightedMetric,
} from "../statistics/seed_test_interval.ts";
import type { IntervalCache } from "../statistics/interval_cache.ts";
import {
  formatEstimate,
  type PairedComparison,
  randomScoresAveragePrecision,
  type TrivialBaseline,
  trivialBaseline,
} from "../statistics/condition_intervals.ts";

/**
 * The metrics of {@link gridIntervals}: at threshold 0.5 (`accuracy`,
 * `precision`, `recall`, `f1`), at the threshold that maximises F1 on the
 * run's own validation set (`tunedF1`, `tunedPrecision`, `tunedRecall`),
 * the ranking (`rocAuc`, `prAuc`) and calibration (`brier`, `ece`, 10 bins).
 */
export type GridMetric =
  | "accuracy"
  | "precision"
  | "recall"
  | "f1"
  | "tunedF1"
  | "tunedPrecision"
  | "tunedRecall"
  | "rocAuc"
  | "prAuc"
  | "brier"
  | "ece";

/** How each grid metric is named in tables and prose. */
export const gridMetricNames: Record<GridMetric, string> = {
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
};

/** Options of {@link gridIntervals} and {@link gridComparisons}. */
export interface GridIntervalOptions {
  /**
   * The deployment share of positives of a condition, e.g. 1 / (1 + catsPerDog); default the
   * test set's own share (no reweighting).
   */
  prevalence?: (condition: ConditionRow) => number;
  /** Changes a run's probabilities before scoring, e.g. a prior-shift correction. */
  transform?: (probabilities: Float64Array, condition: ConditionRow) => ArrayLike<number>;
  /** Seed of the bootstrap over test examples. */
  seed: number;
  /** Bootstrap resamples of the test set (default 200, as the coverage test checks them). */
  resamples?: number;
  /** Use only these seeds' runs (default all), e.g. to show what fewer seeds would have said. */
  seeds?: readonly number[];
  /**
   * A store of intervals computed before (kept beside the stored results), so re-plotting
   * stored runs skips the bootstrap; default none (every interval computed).
   */
  cache?: IntervalCache;
}

/** A metric's mean over a condition's seeds, its interval and the trivial rules beside it. */
export interface GridInterval extends SeedTestSetInterval {
  /** The grid point's name. */
  condition: string;
  /** The grid point's settings (its row of the conditions frame). */
  settings: ConditionRow;
  metric: GridMetric;
  /** The share of positives the metric is computed at. */
  prevalence: number;
  /**
   * Seeds on which the metric is undefined on the whole test set (precision
   * when a model flags nothing); when any is, `estimate`, `low` and `high`
   * are NaN, and tables say so instead of averaging the rest.
   */
  undefinedSeeds: number;
  /** What rules that look at no example score (absent for the calibration error). */
  trivial?: TrivialBaseline;
  /** True when the whole interval is on the better side of the trivial bar. */
  clearsTrivial?: boolean;
}

/**
 * The interval of every metric in `metrics` for every condition in
 * `conditions` (names of grid points), in that order.
 *
 * @example
 * ```ts
 * import pl from "nodejs-polars";
 * import { gridIntervals } from "./grid_intervals.ts";
 * const predictions = (set: string) =>
 *   pl.readRecords([1, 2].flatMap((seed) =>
 *     Array.from({ length: 40 }, (_, example) => ({
 *       condition: "a", seed, example, label: example % 2,
 *       probability: (example % 2 ? 0.6 : 0.4) + 0.01 * ((example * seed) % 7),
 *     }))
 *   ));
 * const frames = {
 *   conditions: pl.readRecords([{ condition: "a", catsPerDog: 1 }]),
 *   runs: pl.readRecords([{ condition: "a", seed: 1 }, { condition: "a", seed: 2 }]),
 *   histories: pl.DataFrame({}),
 *   testPredictions: predictions("test"),
 *   validationPredictions: predictions("validation"),
 * };
 * const [auc] = gridIntervals(frames, ["a"], ["rocAuc"], { prevalence: () => 0.5, seed: 1 });
 * if (!(auc.estimate > 0.9 && auc.clearsTrivial)) throw new Error(JSON.stringify(auc));
 * ```
 */
export function gridIntervals(
  frames: GridFrames,
  conditions: readonly string[],
  metrics: readonly GridMetric[],
  options: GridIntervalOptions,
): GridInterval[] {
  const reader = gridReader(frames, options);
  return conditions.flatMap((name) => {
    const condition = reader(name);
    return metrics.map((metric) => {
      const { scores, score } = condition.scored(metric);
      const trivial = trivialFor(metric, condition.prevalence, condition.labels);
      const base = {
        condition: name,
        settings: condition.settings,
        metric,
        prevalence: condition.prevalence,
        trivial,
      };
      const undefinedSeeds = scores.filter((seedScores) =>
        !Number.isFinite(score(condition.labels, seedScores, condition.ones)) ||
        (isPrecision(metric) && !Array.prototype.some.call(seedScores, (s) =>
          s > 0.5))
      ).length;
      if (undefinedSeeds > 0) {
        return {
          ...base,
          estimate: NaN,
          low: NaN,
          high: NaN,
          seeds: scores.length,
          seedVariance: NaN,
          testSetVariance: NaN,
          degreesOfFreedom: NaN,
          undefinedSeeds,
          clearsTrivial: trivial === undefined ? undefined : false,
        };
      }
      const interval = options.cache
        ? options.cache.interval(
          condition.labels,
          scores,
          `${metric}@${condition.prevalence}`,
          score,
          bootstrapOptions(options),
        )
        : seedTestSetInterval(condition.labels, scores, score, bootstrapOptions(options));
      return {
        ...base,
        ...interval,
        undefinedSeeds: 0,
        clearsTrivial: trivial === undefined ? undefined : clears(interval, trivial),
      };
    });
  });
}

/** One paired comparison of {@link gridComparisons}: a − b on `metric`. */
export interface GridPair {
  /** Condition a (a grid point's name). */
  a: string;
  /** Condition b, run on the same seeds and scored on the same test set. */
  b: string;
  metric: GridMetric;
  /**
   * Compare b's metric at threshold 0.5 instead (for a = b and a tuned metric: what choosing
   * the threshold on validation gains over 0.5).
   */
  bAtHalf?: boolean;
}

/**
 * Paired differences a − b, seed by seed, each with the sign its interval
 * settles; the interval counts seed and test-set noise (the same resample of
 * the test set scores both conditions). Throws when the two conditions ran
 * other seeds or were scored on other test sets or shares.
 */
export function gridComparisons(
  frames: GridFrames,
  pairs: readonly GridPair[],
  options: GridIntervalOptions,
): PairedComparison<GridMetric>[] {
  const reader = gridReader(frames, options);
  return pairs.map(({ a, b, metric, bAtHalf }) => {
    const first = reader(a);
    const second = reader(b);
    if (first.seeds.join(",") !== second.seeds.join(",")) {
      throw new Error(
        `"${a}" ran seeds ${first.seeds.join(",")} and "${b}" seeds ${second.seeds.join(",")}: ` +
          "a paired comparison needs the same seeds.",
      );
    }
    if (
      first.prevalence !== second.prevalence ||
      first.labels.join("") !== second.labels.join("")
    ) {
      throw new Error(
        `"${a}" and "${b}" were scored on other test sets or shares of positives; ` +
          "compare conditions of the same ratio.",
      );
    }
    const scoredA = first.scored(metric);
    const scoredB = second.scored(bAtHalf ? untuned(metric) : metric);
    const difference = options.cache
      ? options.cache.pairedInterval(
        first.labels,
        scoredA.scores,
        scoredB.scores,
        `${metric}${bAtHalf ? " vs 0.5" : ""}@${first.prevalence}`,
        scoredA.score,
        bootstrapOptions(options),
      )
      : pairedSeedTestSetInterval(
        first.labels,
        scoredA.scores,
        scoredB.scores,
        scoredA.score,
        bootstrapOptions(options),
      );
    const sign = difference.low > 0 ? 1 : difference.high < 0 ? -1 : 0;
    return { a, b: bAtHalf ? `${b} at 0.5` : b, metric, difference, sign };
  });
}

/** What fewer seeds would have said about one comparison, from {@link fewerSeedsVerdicts}. */
export interface FewerSeedsVerdict {
  /** The comparison over every seed (its sign is the verdict the rest is held against). */
  all: PairedComparison<GridMetric>;
  /** a − b of each seed alone, on the whole test set, in seed order. */
  singleSeedDifferences: number[];
  /** Single seeds whose difference has the opposite sign to a settled verdict (0 when unsettled). */
  singleSeedsMisleading: number;
  /** The same comparison over the first `few` seeds only. */
  few: PairedComparison<GridMetric>;
}

/**
 * For each pair: the comparison over all seeds, each seed's own difference,
 * and the comparison over the first `few` seeds (default 3, as the series'
 * later posts and this project's older runs used): where one run, or three,
 * would have pointed the other way, or settled nothing.
 *
 * @example
 * ```ts
 * import pl from "nodejs-polars";
 * import { fewerSeedsVerdicts } from "./grid_intervals.ts";
 * // Condition "a" ranks dogs above cats on every seed, "b" at random.
 * const predictions = pl.readRecords(["a", "b"].flatMap((condition) =>
 *   [1, 2, 3, 4].flatMap((seed) =>
 *     Array.from({ length: 40 }, (_, example) => ({
 *       condition, seed, example, label: example % 2,
 *       probability: condition === "a"
 *         ? 0.3 + 0.4 * (example % 2) + 0.01 * ((example * seed) % 5)
 *         : ((example * 7 + seed * 13) % 40) / 40,
 *     }))
 *   )
 * ));
 * const frames = {
 *   conditions: pl.readRecords([{ condition: "a", r: 1 }, { condition: "b", r: 1 }]),
 *   runs: pl.readRecords(["a", "b"].flatMap((condition) =>
 *     [1, 2, 3, 4].map((seed) => ({ condition, seed }))
 *   )),
 *   histories: pl.DataFrame({}),
 *   testPredictions: predictions,
 *   validationPredictions: predictions,
 * };
 * const [verdict] = fewerSeedsVerdicts(frames, [{ a: "a", b: "b", metric: "rocAuc" }], {
 *   prevalence: () => 0.5, seed: 1,
 * });
 * if (verdict.all.sign !== 1 || verdict.singleSeedsMisleading !== 0) throw new Error("a > b");
 * if (verdict.few.difference.seeds !== 3) throw new Error("the first three seeds");
 * ```
 */
export function fewerSeedsVerdicts(
  frames: GridFrames,
  pairs: readonly GridPair[],
  options: GridIntervalOptions & { few?: number },
): FewerSeedsVerdict[] {
  const all = gridComparisons(frames, pairs, options);
  const reader = gridReader(frames, options);
  return pairs.map((pair, index) => {
    const a = reader(pair.a);
    const scoredA = a.scored(pair.metric);
    const scoredB = reader(pair.b).scored(pair.bAtHalf ? untuned(pair.metric) : pair.metric);
    const singleSeedDifferences = scoredA.scores.map((scores, j) =>
      scoredA.score(a.labels, scores, a.ones) - scoredA.score(a.labels, scoredB.scores[j], a.ones)
    );
    const verdict = all[index].sign;
    const few = gridComparisons(frames, [pair], {
      ...options,
      seeds: a.seeds.slice(0, options.few ?? 3),
    })[0];
    return {
      all: all[index],
      singleSeedDifferences,
      singleSeedsMisleading: verdict === 0
        ? 0
        : singleSeedDifferences.filter((difference) => Math.sign(difference) === -verdict).length,
      few,
    };
  });
}

/** "0.812 [0.790, 0.834]", or where undefined on some seeds, says so. */
export function formatGridInterval(interval: GridInterval, digits = 3): string {
  if (interval.undefinedSeeds > 0) {
    return `undefined on ${interval.undefinedSeeds} of ${interval.seeds} seeds`;
  }
  const mark = interval.clearsTrivial === false && interval.metric !== "recall" &&
      interval.metric !== "tunedRecall"
    ? " *"
    : "";
  return `${formatEstimate(interval, digits)}${mark}`;
}

/** The bootstrap's options: 200 resamples unless told otherwise, as the coverage test checks. */
function bootstrapOptions(options: GridIntervalOptions): SeedTestSetIntervalOptions {
  return { seed: options.seed, resamples: options.resamples ?? 200 };
}

/**
 * Table rows, one per condition: each metric as "mean [low, high]" (the
 * columns named by `metricNames`, default the metric's key) with a mark
 * where the interval does not clear the trivial bar, then a last row with
 * the trivial rules at the test set's share of positives.
 *
 * @example
 * ```ts
 * import { intervalTableRows } from "./grid_intervals.ts";
 * const interval = (condition: string, estimate: number) => ({
 *   condition, settings: { condition }, metric: "f1" as const, prevalence: 0.1, estimate,
 *   low: estimate - 0.02, high: estimate + 0.02, seeds: 10, seedVariance: 0,
 *   testSetVariance: 0, degreesOfFreedom: 9, undefinedSeeds: 0,
 *   trivial: { text: "flag everything 0.182", bar: 0.182 }, clearsTrivial: estimate > 0.2,
 * });
 * const rows = intervalTableRows([interval("a", 0.5), interval("b", 0.1)]);
 * if (rows[1].f1 !== "0.100 [0.080, 0.120] *" || rows[2].f1 !== "flag everything 0.182") {
 *   throw new Error(JSON.stringify(rows));
 * }
 * ```
 */
export function intervalTableRows(
  intervals: readonly GridInterval[],
  metricNames: Readonly<Partial<Record<GridMetric, string>>> = {},
): Record<string, string>[] {
  const column = (metric: GridMetric) => metricNames[metric] ?? metric;
  const metrics = [...new Set(intervals.map((interval) => interval.metric))];
  const rows = new Map<string, Record<string, string>>();
  for (const interval of intervals) {
    const row = rows.get(interval.condition) ?? { condition: interval.condition };
    row[column(interval.metric)] = formatGridInterval(interval);
    rows.set(interval.condition, row);
  }
  const trivialRow: Record<string, string> = { condition: "trivial rules (see note)" };
  for (const metric of metrics) {
    const trivial = intervals.find((interval) => interval.metric === metric)!.trivial;
    trivialRow[column(metric)] = trivial?.text ?? "none";
  }
  return [...rows.values(), trivialRow];
}

/** The interval of `metric` for `condition` among `intervals`; throws, naming what exists, when absent. */
export function intervalOf(
  intervals: readonly GridInterval[],
  condition: string,
  metric: GridMetric,
): GridInterval {
  const found = intervals.find((interval) =>
    interval.condition === condition && interval.metric === metric
  );
  if (found === undefined) {
    const names = [...new Set(intervals.map((interval) => interval.condition))].join(", ");
    throw new Error(
      `No ${metric} interval for "${condition}"; the conditions are: ${names}.`,
    );
  }
  return found;
}

/** Precision is undefined (not 0) for a model that flags nothing. */
function isPrecision(metric: GridMetric): boolean {
  return metric === "precision" || metric === "tunedPrecision";
}

/** Options of {@link gridIntervalTable}. */
export interface GridIntervalTableOptions {
  /** The setting whose values are the rows, e.g. "catsPerDog". */
  rows: string;
  /** The setting whose values are the columns, e.g. "strategy". */
  columns: string;
  /** The metric shown. */
  metric: GridMetric;
  /** How a row's value is shown (default as it is), e.g. (r) => `1:${r}`. */
  rowLabel?: (value: string | number) => string;
  /** How a column's value is shown (default as it is), e.g. (w) => `weight ${w}`. */
  columnLabel?: (value: string | number) => string;
}

/**
 * A table of one metric's intervals, a row per value of `rows` and a column
 * per value of `columns`, with a last column giving the trivial rules at that
 * row's share of positives; a cell marked * does not clear them.
 *
 * @example
 * ```ts
 * import { gridIntervalTable } from "./grid_intervals.ts";
 * const cell = (strategy: string, estimate: number) => ({
 *   condition: strategy, settings: { ratio: 10, strategy }, metric: "f1" as const,
 *   prevalence: 1 / 11, estimate, low: estimate - 0.02, high: estimate + 0.02, seeds: 10,
 *   seedVariance: 0, testSetVariance: 0, degreesOfFreedom: 9, undefinedSeeds: 0,
 *   trivial: { text: "flag everything 0.167", bar: 1 / 6 }, clearsTrivial: estimate > 0.2,
 * });
 * const [row] = gridIntervalTable([cell("a", 0.3), cell("b", 0.1)], {
 *   rows: "ratio", columns: "strategy", metric: "f1",
 * });
 * if (row.b !== "0.100 [0.080, 0.120] *") throw new Error(row.b);
 * ```
 */
export function gridIntervalTable(
  intervals: readonly GridInterval[],
  options: GridIntervalTableOptions,
): Record<string, string>[] {
  const rows = new Map<string, { cells: Record<string, string>; trivial: string }>();
  for (const interval of intervals.filter((row) => row.metric === options.metric)) {
    const value = interval.settings[options.rows];
    const label = options.rowLabel ? options.rowLabel(value) : String(value);
    const row = rows.get(label) ?? { cells: { [options.rows]: label }, trivial: "none" };
    const column = interval.settings[options.columns];
    row.cells[options.columnLabel ? options.columnLabel(column) : String(column)] =
      formatGridInterval(interval);
    row.trivial = interval.trivial?.text ?? "none";
    rows.set(label, row);
  }
  if (rows.size === 0) {
    throw new Error(`gridIntervalTable: no ${options.metric} intervals; compute them first.`);
  }
  // The trivial rules last, after every column of intervals.
  return [...rows.values()].map(({ cells, trivial }) => ({ ...cells, "trivial rules": trivial }));
}

/** The metric at threshold 0.5 that a tuned metric is compared with. */
function untuned(metric: GridMetric): GridMetric {
  const fixed: Partial<Record<GridMetric, GridMetric>> = {
    tunedF1: "f1",
    tunedPrecision: "precision",
    tunedRecall: "recall",
  };
  const found = fixed[metric];
  if (found === undefined) {
    throw new Error(`bAtHalf compares a tuned metric with 0.5; ${metric} is not tuned.`);
  }
  return found;
}

function clears(interval: SeedTestSetInterval, trivial: TrivialBaseline): boolean {
  return trivial.lowerIsBetter ? interval.high < trivial.bar : interval.low > trivial.bar;
}

/**
 * The trivial rules of a grid metric at a share `prevalence` of positives.
 * Scored at the test set's own share, random scores' PR AUC is simulated for
 * its counts of positives and negatives (above π for a few dozen positives);
 * reweighted to another share, it is π.
 */
function trivialFor(
  metric: GridMetric,
  prevalence: number,
  labels: ArrayLike<number>,
): TrivialBaseline | undefined {
  switch (metric) {
    case "prAuc": {
      const positives = countPositives(labels);
      return prevalence === positives / labels.length
        ? trivialBaseline("prAuc", prevalence, {
          randomPrAuc: randomPrAuc(positives, labels.length - positives),
        })
        : trivialBaseline("prAuc", prevalence);
    }
    case "tunedF1":
      return trivialBaseline("f1", prevalence);
    case "tunedPrecision":
      return trivialBaseline("precision", prevalence);
    case "tunedRecall":
      return trivialBaseline("recall", prevalence);
    case "rocAuc":
      return trivialBaseline("auc", prevalence);
    case "brier": {
      const bar = prevalence * (1 - prevalence);
      return {
        text: `base-rate forecast ${bar.toFixed(3)}`,
        bar,
        lowerIsBetter: true,
      };
    }
    case "ece":
      return undefined;
    default:
      return trivialBaseline(metric, prevalence);
  }
}

/** Random scores' average precision, simulated once per count of positives and negatives. */
const randomPrAucs = new Map<string, number>();

function randomPrAuc(positives: number, negatives: number): number {
  const key = `${positives}/${negatives}`;
  let value = randomPrAucs.get(key);
  if (value === undefined) {
    value = randomScoresAveragePrecision(positives, negatives);
    randomPrAucs.set(key, value);
  }
  return value;
}

function countPositives(labels: ArrayLike<number>): number {
  let positives = 0;
  for (let i = 0; i < labels.length; i++) positives += labels[i] === 1 ? 1 : 0;
  return positives;
}

/** One condition's test labels, per-seed scores and the weighted metric of each grid metric. */
interface ConditionData {
  settings: ConditionRow;
  prevalence: number;
  labels: Float64Array;
  ones: Float64Array;
  seeds: number[];
  scored: (metric: GridMetric) => { scores: ArrayLike<number>[]; score: WeightedMetric };
}

/** Reads conditions from the frames once each, with their runs in seed order. */
function gridReader(
  frames: GridFrames,
  options: GridIntervalOptions,
): (name: string) => ConditionData {
  const settingsByName = new Map(
    (frames.conditions.toRecords() as ConditionRow[]).map((row) => [String(row.condition), row]),
  );
  const runs = frames.runs.select("condition", "seed").toRecords() as {
    condition: string;
    seed: number;
  }[];
  const cache = new Map<string, ConditionData>();
  return (name) => {
    const cached = cache.get(name);
    if (cached) return cached;
    const settings = settingsByName.get(name);
    if (settings === undefined) {
      throw new Error(
        `No grid point named "${name}"; the grid has: ${[...settingsByName.keys()].join(", ")}.`,
      );
    }
    const seeds = runs.filter((run) =>
      run.condition === name && (options.seeds === undefined || options.seeds.includes(run.seed))
    ).map((run) => run.seed).sort((x, y) => x - y);
    if (seeds.length === 0) {
      throw new Error(
        options.seeds === undefined
          ? `"${name}" has no runs in the runs frame; run it, or drop it from the names.`
          : `"${name}" has no runs of the seeds asked for (${options.seeds.join(", ")}).`,
      );
    }
    const read = (set: "testPredictions" | "validationPredictions") =>
      seeds.map((seed) => {
        const run = runPredictions(frames[set], name, seed);
        return {
          labels: run.labels,
          probabilities: Float64Array.from(
            options.transform ? options.transform(run.probabilities, settings) : run.probabilities,
          ),
        };
      });
    const test = read("testPredictions");
    const labels = test[0].labels;
    const prevalence = options.prevalence
      ? options.prevalence(settings)
      : countPositives(labels) / labels.length;
    const classWeights = prevalenceWeights(labels, prevalence);
    const atShare = (metric: WeightedMetric): WeightedMetric => {
      const weighted = new Float64Array(labels.length);
      return (runLabels, scores, weights) => {
        for (let i = 0; i < weighted.length; i++) weighted[i] = weights[i] * classWeights[i];
        return metric(runLabels, scores, weighted);
      };
    };
    let decisions: Float64Array[] | undefined;
    const tunedDecisions = () => {
      decisions ??= read("validationPredictions").map((validation, j) => {
        const { threshold } = bestThresholdAtPrevalence(
          validation.labels,
          validation.probabilities,
          prevalence,
        );
        return test[j].probabilities.map((probability) => (probability > threshold ? 1 : 0));
      });
      return decisions;
    };
    const probabilities = test.map((run) => run.probabilities);
    const data: ConditionData = {
      settings,
      prevalence,
      labels,
      ones: new Float64Array(labels.length).fill(1),
      seeds,
      scored: (metric) => {
        switch (metric) {
          case "tunedF1":
          case "tunedPrecision":
          case "tunedRecall":
            return {
              scores: tunedDecisions(),
              score: atShare(thresholdMetric(untuned(metric) as ThresholdMetricName)),
            };
          case "rocAuc":
            return { scores: probabilities, score: atShare(weightedRocAuc) };
          case "prAuc":
            return { scores: probabilities, score: atShare(weightedAveragePrecision) };
          case "brier":
            return { scores: probabilities, score: atShare(brierScore) };
          case "ece":
            return {
              scores: probabilities,
              score: atShare((l, s, w) => expectedCalibrationError(l, s, 10, w)),
            };
          default:
            return { scores: probabilities, score: atShare(thresholdMetric(metric)) };
        }
      },
    };
    cache.set(name, data);
    return data;
  };
}
