/**
 * What the summaries of repeated runs are read against and written with:
 * what trivial rules score at a share of positives, so a result is never
 * read without its floor; paired comparisons of conditions and the tables
 * and sentences that state them, each checked against its interval; and a
 * t interval over seeds for values that involve no test set. The intervals
 * themselves come from `gridIntervals` and `gridComparisons`.
 */
import { type SeedTestSetInterval, studentTQuantile } from "./seed_test_interval.ts";
import { createRandom, shuffled } from "../data/random.ts";

/** The metrics whose trivial rules {@link trivialBaseline} knows (`auc` is ROC AUC). */
export type TrivialMetric = "accuracy" | "precision" | "recall" | "f1" | "auc" | "prAuc";

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
  metric: TrivialMetric,
  prevalence: number,
  options: { randomPrAuc?: number } = {},
): TrivialBaseline {
  if (!(prevalence > 0 && prevalence < 1)) {
    throw new Error(
      `trivialBaseline: prevalence is ${prevalence}; pass the share of positives at which the ` +
        "metric is read, strictly between 0 and 1 (e.g. 0.091 for 1 dog to 10 cats).",
    );
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

/** "0.812 [0.790, 0.834]": a mean and its interval. */
export function formatEstimate(interval: SeedTestSetInterval, digits = 3): string {
  // Rounding a tiny negative end to "-0.000" would suggest a sign that is not there.
  const f = (value: number) => value.toFixed(digits).replace(/^-(0\.0+)$/, "$1");
  return `${f(interval.estimate)} [${f(interval.low)}, ${f(interval.high)}]`;
}

/** A paired comparison of two conditions on one metric, and what it settles. */
export interface PairedComparison<M extends string = string> {
  a: string;
  b: string;
  metric: M;
  /** Mean over seeds of a − b, with its interval. */
  difference: SeedTestSetInterval;
  /** 1 when the interval lies above 0 (a higher), −1 below 0 (a lower), 0 when it holds 0. */
  sign: 1 | -1 | 0;
}

/**
 * Table rows of paired comparisons: the difference with its interval and
 * what it settles; `metricNames` names the metrics (default their keys).
 */
export function comparisonTableRows(
  comparisons: readonly PairedComparison<string>[],
  metricNames: Readonly<Record<string, string>> = {},
): Record<string, string>[] {
  return comparisons.map(({ a, b, metric, difference, sign }) => ({
    comparison: `${a} − ${b}`,
    metric: metricNames[metric] ?? metric,
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

/** One sentence for a paired comparison: the difference, its interval, and what it settles. */
export function comparisonSentence(
  comparison: PairedComparison<string>,
  metricNames: Readonly<Record<string, string>> = {},
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
 * const comparisons = [{ a: "x", b: "y", metric: "rocAuc", difference, sign: 1 as const }];
 * const [row] = comparisonMatrixRows(comparisons, { rocAuc: "ROC AUC" });
 * if (row["ROC AUC"] !== "0.100 [0.050, 0.150] ↑") throw new Error(JSON.stringify(row));
 * ```
 */
export function comparisonMatrixRows(
  comparisons: readonly PairedComparison<string>[],
  metricNames: Readonly<Record<string, string>> = {},
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
 * const comparisons = [{ a: "study: x", b: "study: y", metric: "rocAuc", difference, sign: 1 as const }];
 * const text = checkedSentence(comparisons, "study: x", "study: y", "rocAuc", 1, {
 *   metricNames: { rocAuc: "ROC AUC" },
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
