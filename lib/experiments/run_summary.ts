/**
 * Summaries over repeated runs: one training run is one draw of the noise
 * (initial weights, batch order), so conditions are compared by the mean and
 * the sample standard deviation of each metric over several seeds.
 */
import type { ConditionResult } from "./experiment.ts";
import type { Evaluation } from "../metrics/evaluate.ts";
import type { MetricRow } from "../charts/metric_bars.ts";

/** One value measured on one run, e.g. the test precision of seed 2 of "balanced validation". */
export interface RunMeasurement {
  /** The condition the run belongs to. */
  condition: string;
  /** What was measured, e.g. "precision". */
  metric: string;
  /** The measured value. */
  value: number;
}

/** Mean and spread of one metric over the runs of one condition. */
export interface SummaryRow {
  /** The condition. */
  condition: string;
  /** The metric. */
  metric: string;
  /** Mean over the runs. */
  mean: number;
  /** Sample standard deviation (n − 1 in the denominator); NaN for a single run. */
  sd: number;
  /** Number of runs. */
  n: number;
}

/**
 * What {@link summarizeResults} can read from a run: a numeric test metric,
 * `epochs` (epochs run) or `bestEpoch` (the epoch with the lowest validation
 * loss, the one EarlyStopping with restoreBestWeights puts back).
 */
export type ResultMetric =
  | {
    [K in keyof Evaluation]: Evaluation[K] extends number ? K : never;
  }[keyof Evaluation]
  | "epochs"
  | "bestEpoch";

/** The test metrics the series reports, plus ROC AUC: the default of {@link summarizeResults}. */
export const defaultSummaryMetrics: readonly ResultMetric[] = [
  "accuracy",
  "precision",
  "recall",
  "f1",
  "auc",
];

/**
 * Mean, sample standard deviation and count of each (condition, metric)
 * pair, in first-seen order of conditions, then metrics.
 */
export function summarize(measurements: readonly RunMeasurement[]): SummaryRow[] {
  if (measurements.length === 0) {
    throw new Error("summarize: no measurements; pass one {condition, metric, value} per run.");
  }
  const groups = new Map<string, Map<string, number[]>>();
  measurements.forEach(({ condition, metric, value }, index) => {
    if (!Number.isFinite(value)) {
      throw new Error(
        `summarize: measurement ${index} (${condition}, ${metric}) is ${value}; ` +
          "pass finite numbers (a metric that is undefined for a run cannot be averaged).",
      );
    }
    const byMetric = groups.get(condition) ?? new Map<string, number[]>();
    groups.set(condition, byMetric);
    const values = byMetric.get(metric) ?? [];
    byMetric.set(metric, values);
    values.push(value);
  });
  return [...groups].flatMap(([condition, byMetric]) =>
    [...byMetric].map(([metric, values]) => ({ condition, metric, ...meanAndSd(values) }))
  );
}

/** Options of {@link summarizeResults}. */
export interface SummarizeResultsOptions {
  /** The group a run belongs to (default its condition's name), e.g. `(run) => run.settings.strategy`. */
  groupBy?: (result: ConditionResult) => string;
}

/**
 * The library's summary of repeated runs: mean, sample standard deviation
 * and count of each metric over the runs of each condition (grouped by name
 * unless `groupBy` says otherwise), one row per condition and metric (by
 * default accuracy, precision, recall, F1 and ROC AUC on the test set).
 * `summaryTableRows` and `summaryBars` turn the rows into a table and a chart.
 */
export function summarizeResults(
  results: readonly ConditionResult[],
  metrics: readonly ResultMetric[] = defaultSummaryMetrics,
  options: SummarizeResultsOptions = {},
): SummaryRow[] {
  if (results.length === 0) {
    throw new Error("summarizeResults: no results; pass the runCondition results to summarize.");
  }
  if (metrics.length === 0) {
    throw new Error(`summarizeResults: no metrics; e.g. ${defaultSummaryMetrics.join(", ")}.`);
  }
  const groupOf = options.groupBy ?? ((result: ConditionResult) => result.name);
  return summarize(results.flatMap((result) =>
    metrics.map((metric) => ({
      condition: groupOf(result),
      metric,
      value: resultValue(result, metric),
    }))
  ));
}

/** How a metric is named in tables and charts: "ROC AUC" and "PR AUC" for `auc` and `prAuc`. */
export function metricLabel(metric: string): string {
  return metric === "auc" ? "ROC AUC" : metric === "prAuc" ? "PR AUC" : metric;
}

/** "0.812 ± 0.021" (mean ± sd), or "0.812 (1 run)" when there is no spread to show. */
export function formatMeanSd(row: Pick<SummaryRow, "mean" | "sd" | "n">, digits = 3): string {
  const mean = row.mean.toFixed(digits);
  return row.n < 2 || Number.isNaN(row.sd)
    ? `${mean} (1 run)`
    : `${mean} ± ${row.sd.toFixed(digits)}`;
}

/**
 * Summary rows pivoted for `table()`: one record per condition, with the
 * number of runs and one "mean ± sd" column per metric.
 */
export function summaryTableRows(
  rows: readonly SummaryRow[],
  digits = 3,
): Record<string, string | number>[] {
  const records = new Map<string, Record<string, string | number>>();
  for (const row of rows) {
    const record = records.get(row.condition) ?? { condition: row.condition, runs: row.n };
    records.set(row.condition, record);
    record[metricLabel(row.metric)] = formatMeanSd(row, digits);
  }
  return [...records.values()];
}

/** Summary rows as `metricBars` rows: the mean as the bar, the sd (when defined) as its error bar. */
export function summaryBars(rows: readonly SummaryRow[]): MetricRow[] {
  return rows.map(({ condition, metric, mean, sd, n }) => ({
    condition,
    metric: metricLabel(metric),
    value: mean,
    ...(n > 1 ? { sd } : {}),
  }));
}

function resultValue(result: ConditionResult, metric: ResultMetric): number {
  if (metric === "epochs") return result.history.length;
  if (metric === "bestEpoch") {
    const scored = result.history.filter((epoch) => epoch.valLoss !== undefined);
    if (scored.length === 0) {
      throw new Error(
        `summarizeResults: "${result.name}" (seed ${result.seed}) has no validation loss, so no ` +
          "bestEpoch; give the condition a validation set or drop bestEpoch.",
      );
    }
    return scored.reduce((best, epoch) => epoch.valLoss! < best.valLoss! ? epoch : best).epoch;
  }
  const value = result.test[metric];
  if (typeof value !== "number") {
    throw new Error(
      `summarizeResults: "${metric}" is not a numeric test metric; use one of ` +
        `${defaultSummaryMetrics.join(", ")}, loss, prAuc, specificity, epochs, bestEpoch, ...`,
    );
  }
  return value;
}

function meanAndSd(values: readonly number[]): { mean: number; sd: number; n: number } {
  const n = values.length;
  const mean = values.reduce((sum, value) => sum + value, 0) / n;
  const sd = n < 2
    ? NaN
    : Math.sqrt(values.reduce((sum, value) => sum + (value - mean) ** 2, 0) / (n - 1));
  return { mean, sd, n };
}
