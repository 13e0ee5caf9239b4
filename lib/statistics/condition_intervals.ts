/**
 * Summaries of conditions repeated over seeds: each metric's mean over
 * seeds with an interval counting seed and test-set noise
 * (`seedTestSetInterval`), paired differences between conditions run on the
 * same seeds, and beside every metric what a trivial rule scores at the test
 * set's share of positives, so a result is never read without its floor.
 */
import {
  pairedSeedTestSetInterval,
  type SeedTestSetInterval,
  seedTestSetInterval,
  studentTQuantile,
  thresholdMetric,
  type WeightedMetric,
} from "./seed_test_interval.ts";
import { weightedAveragePrecision, weightedRocAuc } from "../metrics/weighted_rank_metrics.ts";
import { createRandom, shuffled } from "../data/random.ts";
import type { ConditionResult } from "../experiments/experiment.ts";

/** The metrics a head study reports. */
export type StudyMetric = "accuracy" | "precision" | "recall" | "f1" | "auc" | "prAuc";

/** The metric as a weighted function of labels and scores (threshold 0.5 for the counted ones). */
export function studyMetric(metric: StudyMetric): WeightedMetric {
  if (metric === "auc") return weightedRocAuc;
  if (metric === "prAuc") return weightedAveragePrecision;
  return thresholdMetric(metric, { threshold: 0.5 });
}

/** What a rule that looks at no image scores on one metric. */
export interface TrivialBaseline {
  /** The rule and its score, e.g. "flag everything 0.167". */
  text: string;
  /** The best score a trivial rule gets on this metric: the bar a model has to clear. */
  bar: number;
  /** True for metrics where lower is better (the Brier score): clearing means staying below. */
  lowerIsBetter?: boolean;
}

/**
 * What trivial rules score at a share `prevalence` (π) of positives: flagging
 * everything (precision π, recall 1, F1 2π/(1+π), accuracy π), flagging
 * nothing (accuracy 1−π, recall and F1 0, precision undefined) and random
 * scores (ROC AUC 0.5, PR AUC π). `bar` is the best of them, except for
 * recall, where flagging everything reaches 1 and the bar is left at 0.
 * On a finite test set random scores' average precision is somewhat above π
 * (see {@link randomScoresAveragePrecision}); pass it as `randomPrAuc` to use
 * it as the PR AUC bar.
 *
 * @example
 * ```ts
 * import { trivialBaseline } from "./condition_intervals.ts";
 * const f1 = trivialBaseline("f1", 0.1);
 * if (Math.abs(f1.bar - 2 * 0.1 / 1.1) > 1e-12) throw new Error(f1.text);
 * ```
 */
export function trivialBaseline(
  metric: StudyMetric,
  prevalence: number,
  options: { randomPrAuc?: number } = {},
): TrivialBaseline {
  if (!(prevalence > 0 && prevalence < 1)) {
    throw new Error(`prevalence must be strictly between 0 and 1, got ${prevalence}.`);
  }
  const p = prevalence;
  const f = (value: number) => value.toFixed(3);
  switch (metric) {
    case "accuracy":
      return {
        text: `flag nothing ${f(1 - p)}, flag everything ${f(p)}`,
        bar: Math.max(p, 1 - p),
      };
    case "precision":
      return { text: `flag everything ${f(p)}`, bar: p };
    case "recall":
      return { text: "flag everything 1, flag nothing 0", bar: 0 };
    case "f1":
      return { text: `flag everything ${f((2 * p) / (1 + p))}`, bar: (2 * p) / (1 + p) };
    case "auc":
      return { text: "random scores 0.500", bar: 0.5 };
    case "prAuc": {
      const random = options.randomPrAuc;
      return random === undefined
        ? { text: `random scores ${f(p)}`, bar: p }
        : { text: `random scores ${f(random)} (π ${f(p)})`, bar: random };
    }
  }
}

/** One condition of a study: its name and its runs, one per seed, in the seeds' order. */
export interface StudyCondition {
  name: string;
  runs: readonly Pick<ConditionResult, "seed" | "testProbabilities">[];
}

/** A metric's interval for one condition, with the trivial rules beside it. */
export interface ConditionInterval extends SeedTestSetInterval {
  condition: string;
  metric: StudyMetric;
  trivial: TrivialBaseline;
  /** True when the whole interval lies above the trivial bar. */
  clearsTrivial: boolean;
}

/** Options of {@link conditionIntervals} and {@link conditionDifference}. */
export interface StudyIntervalOptions {
  /** Seed of the bootstrap over test examples. */
  seed: number;
  /** Bootstrap resamples (default 1000). */
  resamples?: number;
}

function countPositives(labels: ArrayLike<number>): number {
  let positives = 0;
  for (let i = 0; i < labels.length; i++) positives += labels[i] === 1 ? 1 : 0;
  return positives;
}

/**
 * The mean average precision of random scores (every order of the examples
 * equally likely) on a test set with `positives` and `negatives`, by
 * simulation (`draws` random orders, seeded). It tends to the share of
 * positives π for large sets, but is above it for a few dozen positives:
 * the first positives found lift the precision average more than later
 * ones lower it.
 */
export function randomScoresAveragePrecision(
  positives: number,
  negatives: number,
  options: { draws?: number; seed?: number } = {},
): number {
  if (!(Number.isInteger(positives) && positives >= 1 && Number.isInteger(negatives))) {
    throw new Error(
      `randomScoresAveragePrecision needs whole counts with at least one positive, got ` +
        `${positives} positives and ${negatives} negatives.`,
    );
  }
  const draws = options.draws ?? 2000;
  const random = createRandom(options.seed ?? 1);
  const labels = Array.from({ length: positives + negatives }, (_, i) => (i < positives ? 1 : 0));
  let total = 0;
  for (let draw = 0; draw < draws; draw++) {
    const order = shuffled(labels, random);
    let found = 0;
    let area = 0;
    order.forEach((label, rank) => {
      if (label === 1) area += ++found / (rank + 1);
    });
    total += area / positives;
  }
  return total / draws;
}

/**
 * For each condition and metric: the mean over seeds with its 95 % interval
 * (seed and test-set noise), the trivial rules at the test set's share of
 * positives (for PR AUC, random scores' simulated average precision on a set
 * of this size), and whether the interval clears them. `testLabels` are the test
 * set's labels, in the order of every run's `testProbabilities`.
 */
export function conditionIntervals(
  conditions: readonly StudyCondition[],
  testLabels: ArrayLike<number>,
  metrics: readonly StudyMetric[],
  options: StudyIntervalOptions,
): ConditionInterval[] {
  const positives = countPositives(testLabels);
  const prevalence = positives / testLabels.length;
  const randomPrAuc = metrics.includes("prAuc")
    ? randomScoresAveragePrecision(positives, testLabels.length - positives)
    : undefined;
  return conditions.flatMap((condition) =>
    metrics.map((metric) => {
      const interval = seedTestSetInterval(
        testLabels,
        condition.runs.map((run) => run.testProbabilities),
        studyMetric(metric),
        options,
      );
      const trivial = trivialBaseline(metric, prevalence, { randomPrAuc });
      return {
        ...interval,
        condition: condition.name,
        metric,
        trivial,
        clearsTrivial: interval.low > trivial.bar,
      };
    })
  );
}

/**
 * Condition a minus condition b on one metric, paired by seed (`a.runs[j]`
 * and `b.runs[j]` share seed j; checked), with its 95 % interval.
 */
export function conditionDifference(
  a: StudyCondition,
  b: StudyCondition,
  testLabels: ArrayLike<number>,
  metric: StudyMetric,
  options: StudyIntervalOptions,
): SeedTestSetInterval {
  const seedsA = a.runs.map((run) => run.seed).join(",");
  const seedsB = b.runs.map((run) => run.seed).join(",");
  if (seedsA !== seedsB) {
    throw new Error(
      `"${a.name}" ran seeds ${seedsA} and "${b.name}" seeds ${seedsB}: a paired comparison ` +
        "needs the same seeds in the same order.",
    );
  }
  return pairedSeedTestSetInterval(
    testLabels,
    a.runs.map((run) => run.testProbabilities),
    b.runs.map((run) => run.testProbabilities),
    studyMetric(metric),
    options,
  );
}

/** "0.812 [0.790, 0.834]": a mean and its interval. */
export function formatEstimate(interval: SeedTestSetInterval, digits = 3): string {
  // Rounding a tiny negative end to "-0.000" would suggest a sign that is not there.
  const f = (value: number) => value.toFixed(digits).replace(/^-(0\.0+)$/, "$1");
  return `${f(interval.estimate)} [${f(interval.low)}, ${f(interval.high)}]`;
}

/**
 * Table rows, one per condition: each metric as "mean [low, high]" with a
 * mark where the interval does not clear the trivial bar, then a last row
 * with the trivial rules at the test set's share of positives.
 */
export function intervalTableRows(
  intervals: readonly ConditionInterval[],
): Record<string, string>[] {
  const metrics = [...new Set(intervals.map((interval) => interval.metric))];
  const rows = new Map<string, Record<string, string>>();
  for (const interval of intervals) {
    const row = rows.get(interval.condition) ?? { condition: interval.condition };
    const mark = interval.metric !== "recall" && !interval.clearsTrivial ? " *" : "";
    row[interval.metric] = formatEstimate(interval) + mark;
    rows.set(interval.condition, row);
  }
  const trivialRow: Record<string, string> = { condition: "trivial rules (see note)" };
  for (const metric of metrics) {
    trivialRow[metric] = intervals.find((interval) => interval.metric === metric)!.trivial.text;
  }
  return [...rows.values(), trivialRow];
}

/** The interval of `metric` for `condition` among `intervals`; throws, naming what exists, when absent. */
export function intervalOf(
  intervals: readonly ConditionInterval[],
  condition: string,
  metric: StudyMetric,
): ConditionInterval {
  const found = intervals.find((interval) =>
    interval.condition === condition && interval.metric === metric
  );
  if (found === undefined) {
    const names = [...new Set(intervals.map((interval) => interval.condition))].join(", ");
    throw new Error(`No ${metric} interval for "${condition}"; the conditions are: ${names}.`);
  }
  return found;
}

/** A paired comparison of two conditions on one metric, and what it settles. */
export interface PairedComparison<M extends string = StudyMetric> {
  a: string;
  b: string;
  metric: M;
  /** Mean over seeds of a − b, with its interval. */
  difference: SeedTestSetInterval;
  /** 1 when the interval lies above 0 (a higher), −1 below 0 (a lower), 0 when it holds 0. */
  sign: 1 | -1 | 0;
}

/**
 * Paired comparisons (a − b, by seed) of conditions on metrics, each with the
 * sign its interval settles: the evidence behind every "beats" in a study.
 */
export function pairedComparisons(
  conditions: readonly StudyCondition[],
  pairs: readonly { a: string; b: string; metric: StudyMetric }[],
  testLabels: ArrayLike<number>,
  options: StudyIntervalOptions,
): PairedComparison[] {
  const byName = (name: string) => {
    const condition = conditions.find((candidate) => candidate.name === name);
    if (condition === undefined) {
      throw new Error(
        `No condition named "${name}"; the conditions are: ` +
          `${conditions.map((candidate) => candidate.name).join(", ")}.`,
      );
    }
    return condition;
  };
  return pairs.map(({ a, b, metric }) => {
    const difference = conditionDifference(byName(a), byName(b), testLabels, metric, options);
    const sign = difference.low > 0 ? 1 : difference.high < 0 ? -1 : 0;
    return { a, b, metric, difference, sign };
  });
}

/** Table rows of paired comparisons: the difference with its interval and what it settles. */
export function comparisonTableRows(
  comparisons: readonly PairedComparison<string>[],
): Record<string, string>[] {
  return comparisons.map(({ a, b, metric, difference, sign }) => ({
    comparison: `${a} − ${b}`,
    metric,
    "difference [95 % interval]": formatEstimate(difference),
    settles: sign === 1 ? `${a} higher` : sign === -1 ? `${a} lower` : "not resolved",
  }));
}

/**
 * A mean over seeds of per-seed values that involve no test set (e.g. the
 * epoch training stopped at), with a Student t interval: s²/n only.
 */
export function seedMeanInterval(
  values: readonly number[],
  confidence = 0.95,
): SeedTestSetInterval {
  if (values.length < 2) {
    throw new Error(`seedMeanInterval needs at least 2 values, got ${values.length}.`);
  }
  const n = values.length;
  const estimate = values.reduce((sum, value) => sum + value, 0) / n;
  const variance = values.reduce((sum, value) => sum + (value - estimate) ** 2, 0) / (n - 1);
  const half = variance === 0
    ? 0
    : studentTQuantile((1 + confidence) / 2, n - 1) * Math.sqrt(variance / n);
  return {
    estimate,
    low: estimate - half,
    high: estimate + half,
    seeds: n,
    seedVariance: variance / n,
    testSetVariance: 0,
    degreesOfFreedom: n - 1,
  };
}

/** How a study metric is named in prose (other metric names are used as they are). */
export const studyMetricNames: Record<StudyMetric, string> = {
  accuracy: "accuracy",
  precision: "precision",
  recall: "recall",
  f1: "F1",
  auc: "ROC AUC",
  prAuc: "PR AUC",
};

/** One sentence for a paired comparison: the difference, its interval, and what it settles. */
export function comparisonSentence(
  comparison: PairedComparison<string>,
  metricNames: Readonly<Record<string, string>> = studyMetricNames,
): string {
  const { a, b, metric, difference, sign } = comparison;
  const settles = sign === 1
    ? `${a} is higher`
    : sign === -1
    ? `${a} is lower`
    : "the interval holds 0, so the sign is not resolved";
  return `${metricNames[metric] ?? metric}, ${a} − ${b}: ${
    formatEstimate(difference)
  }; ${settles}.`;
}

/**
 * Finds the comparison of `a` and `b` on `metric` and throws unless its sign
 * is `expected`: the check behind a conclusion stated in prose, so that a
 * re-run which reverses it fails instead of leaving a false sentence.
 */
export function expectSign<M extends string>(
  comparisons: readonly PairedComparison<M>[],
  a: string,
  b: string,
  metric: M,
  expected: 1 | -1 | 0,
): PairedComparison<M> {
  const found = comparisons.find((comparison) =>
    comparison.a === a && comparison.b === b && comparison.metric === metric
  );
  if (found === undefined) {
    throw new Error(`No comparison of "${a}" with "${b}" on ${metric} was computed.`);
  }
  if (found.sign !== expected) {
    throw new Error(
      `The prose states that ${a} − ${b} on ${metric} has sign ${expected}, but this run gives ` +
        `${comparisonSentence(found)} Rewrite the conclusion.`,
    );
  }
  return found;
}

/**
 * Paired comparisons as a matrix: one row per pair (a − b), one column per
 * metric, each cell the difference with its interval and an arrow for what
 * it settles (↑ a higher, ↓ a lower, · not resolved); `label` shortens the
 * conditions' names.
 *
 * @example
 * ```ts
 * import { comparisonMatrixRows } from "./condition_intervals.ts";
 * const difference = { estimate: 0.1, low: 0.05, high: 0.15, seeds: 10, seedVariance: 0,
 *   testSetVariance: 0, degreesOfFreedom: 9 };
 * const [row] = comparisonMatrixRows([{ a: "x", b: "y", metric: "auc", difference, sign: 1 }]);
 * if (row["ROC AUC"] !== "0.100 [0.050, 0.150] ↑") throw new Error(JSON.stringify(row));
 * ```
 */
export function comparisonMatrixRows(
  comparisons: readonly PairedComparison<string>[],
  metricNames: Readonly<Record<string, string>> = studyMetricNames,
  label: (condition: string) => string = (condition) => condition,
): Record<string, string>[] {
  const rows = new Map<string, Record<string, string>>();
  for (const { a, b, metric, difference, sign } of comparisons) {
    const key = `${label(a)} − ${label(b)}`;
    const row = rows.get(key) ?? { comparison: key };
    row[metricNames[metric] ?? metric] = `${formatEstimate(difference)} ${
      sign === 1 ? "↑" : sign === -1 ? "↓" : "·"
    }`;
    rows.set(key, row);
  }
  return [...rows.values()];
}

/**
 * The conditions `a` of `comparisons` grouped by what each comparison
 * settled: higher than its `b`, lower, or not resolved; for prose that lists
 * them without typing a result by hand.
 */
export function signGroups(
  comparisons: readonly PairedComparison<string>[],
): { higher: string[]; lower: string[]; unresolved: string[] } {
  return {
    higher: comparisons.filter((c) => c.sign === 1).map((c) => c.a),
    lower: comparisons.filter((c) => c.sign === -1).map((c) => c.a),
    unresolved: comparisons.filter((c) => c.sign === 0).map((c) => c.a),
  };
}

/**
 * The sentence of the comparison of `a` with `b` on `metric`, after checking
 * that its sign is `expected` ({@link expectSign}): what a notebook's stated
 * conclusion is made of. `label` shortens the conditions' names in the text.
 *
 * @example
 * ```ts
 * import { checkedSentence } from "./condition_intervals.ts";
 * const difference = { estimate: 0.1, low: 0.05, high: 0.15, seeds: 10, seedVariance: 0,
 *   testSetVariance: 0, degreesOfFreedom: 9 };
 * const comparisons = [{ a: "study: x", b: "study: y", metric: "auc", difference, sign: 1 as const }];
 * const text = checkedSentence(comparisons, "study: x", "study: y", "auc", 1, {
 *   label: (name) => name.replace("study: ", ""),
 * });
 * if (text !== "ROC AUC, x − y: 0.100 [0.050, 0.150]; x is higher.") throw new Error(text);
 * ```
 */
export function checkedSentence<M extends string>(
  comparisons: readonly PairedComparison<M>[],
  a: string,
  b: string,
  metric: M,
  expected: 1 | -1 | 0,
  options: {
    metricNames?: Readonly<Record<string, string>>;
    label?: (condition: string) => string;
  } = {},
): string {
  const found = expectSign(comparisons, a, b, metric, expected);
  const label = options.label ?? ((condition: string) => condition);
  return comparisonSentence(
    { ...found, a: label(found.a), b: label(found.b) },
    options.metricNames,
  );
}
