/**
 * Repeated runs summarised with their spread: mean, standard deviation and a
 * bootstrap 95 % interval per group and metric, and paired comparisons of
 * two conditions over the same seeds. Inputs and outputs are polars frames
 * of one row per run (e.g. from `scoreGridRuns`).
 */
import pl from "nodejs-polars";
import { bootstrapInterval, pairedDifference } from "./bootstrap.ts";

/** Options of {@link summarizeRuns}. */
export interface SummarizeRunsOptions {
  /** Columns that identify a group (e.g. `["catsPerDog", "strategy"]`). */
  by: readonly string[];
  /** Metric columns to summarise. */
  metrics: readonly string[];
  /** Seed of the bootstrap (default 1), so the intervals are reproducible. */
  seed?: number;
}

/**
 * One row per group and metric, groups in first-seen order: the `by`
 * columns, `metric`, `mean`, `sd` (sample standard deviation; 0 for one
 * run), `low` and `high` (percentile-bootstrap 95 % interval of the mean)
 * and `runs`. Non-finite values (a metric a run could not define) are left
 * out of their group and counted out of `runs`.
 *
 * ```ts
 * import assert from "node:assert/strict";
 * import pl from "nodejs-polars";
 * import { summarizeRuns } from "./run_intervals.ts";
 *
 * const runs = pl.DataFrame({
 *   strategy: ["none", "none", "none", "weights", "weights", "weights"],
 *   seed: [1, 2, 3, 1, 2, 3],
 *   f1: [0.5, 0.6, 0.7, 0.7, 0.8, 0.9],
 * });
 * const summary = summarizeRuns(runs, { by: ["strategy"], metrics: ["f1"] });
 * assert.deepEqual(summary.getColumn("strategy").toArray(), ["none", "weights"]);
 * assert.deepEqual(summary.getColumn("runs").toArray(), [3, 3]);
 * const rounded = (column: string) =>
 *   summary.getColumn(column).toArray().map((value) => Number(value).toFixed(2));
 * assert.deepEqual(rounded("mean"), ["0.60", "0.80"]);
 * assert.deepEqual(rounded("sd"), ["0.10", "0.10"]); // sample standard deviation
 * ```
 */
export function summarizeRuns(runs: pl.DataFrame, options: SummarizeRunsOptions): pl.DataFrame {
  requireColumns(runs, [...options.by, ...options.metrics], "summarizeRuns");
  const groups = new Map<
    string,
    { keys: Record<string, unknown>; rows: Record<string, unknown>[] }
  >();
  for (const row of runs.toRecords() as Record<string, unknown>[]) {
    const keys = Object.fromEntries(options.by.map((column) => [column, row[column]]));
    const id = JSON.stringify(Object.values(keys));
    if (!groups.has(id)) groups.set(id, { keys, rows: [] });
    groups.get(id)!.rows.push(row);
  }
  const summary = [...groups.values()].flatMap(({ keys, rows }) =>
    options.metrics.map((metric) => {
      const values = rows.map((row) => Number(row[metric])).filter(Number.isFinite);
      if (values.length === 0) {
        return { ...keys, metric, mean: NaN, sd: NaN, low: NaN, high: NaN, runs: 0 };
      }
      const interval = bootstrapInterval(values, { seed: options.seed ?? 1 });
      return {
        ...keys,
        metric,
        mean: interval.estimate,
        sd: standardDeviation(values),
        low: interval.low,
        high: interval.high,
        runs: values.length,
      };
    })
  );
  return pl.readRecords(summary);
}

/** Options of {@link compareConditions}. */
export interface CompareConditionsOptions {
  /** The column that names the conditions (default "condition"). */
  column?: string;
  /** The condition whose advantage is measured. */
  a: string;
  /** The condition it is compared with. */
  b: string;
  /** Metric columns to compare. */
  metrics: readonly string[];
  /** Seed of the bootstrap (default 1). */
  seed?: number;
}

/**
 * Paired comparison of conditions `a` and `b` over the seeds both ran: one
 * row per metric with `a`, `b`, `metric`, `meanA`, `meanB`, `difference`
 * (mean of the per-seed a − b), `low` and `high` (bootstrap 95 % interval
 * of it), `aWins` (share of seeds where a was higher) and `pairs`.
 */
export function compareConditions(
  runs: pl.DataFrame,
  options: CompareConditionsOptions,
): pl.DataFrame {
  const column = options.column ?? "condition";
  requireColumns(runs, [column, "seed", ...options.metrics], "compareConditions");
  const bySeed = (name: string) => {
    const rows = (runs.toRecords() as Record<string, unknown>[]).filter((row) =>
      row[column] === name
    );
    if (rows.length === 0) {
      throw new Error(`compareConditions: no runs where ${column} is "${name}"; check the name.`);
    }
    return new Map(rows.map((row) => [Number(row.seed), row]));
  };
  const a = bySeed(options.a);
  const b = bySeed(options.b);
  const seeds = [...a.keys()].filter((seed) => b.has(seed)).sort((x, y) => x - y);
  if (seeds.length === 0) {
    throw new Error(
      `compareConditions: "${options.a}" and "${options.b}" share no seed; run both on the same seeds.`,
    );
  }
  return pl.readRecords(options.metrics.map((metric) => {
    const valuesA = seeds.map((seed) => Number(a.get(seed)![metric]));
    const valuesB = seeds.map((seed) => Number(b.get(seed)![metric]));
    const paired = pairedDifference(valuesA, valuesB, { seed: options.seed ?? 1 });
    return {
      a: options.a,
      b: options.b,
      metric,
      meanA: mean(valuesA),
      meanB: mean(valuesB),
      difference: paired.meanDifference,
      low: paired.low,
      high: paired.high,
      aWins: paired.shareAGreater,
      pairs: paired.pairs,
    };
  }));
}

function mean(values: readonly number[]): number {
  return values.reduce((sum, value) => sum + value, 0) / values.length;
}

function standardDeviation(values: readonly number[]): number {
  if (values.length < 2) return 0;
  const average = mean(values);
  return Math.sqrt(
    values.reduce((sum, value) => sum + (value - average) ** 2, 0) / (values.length - 1),
  );
}

function requireColumns(frame: pl.DataFrame, columns: readonly string[], caller: string): void {
  const missing = columns.filter((column) => !frame.columns.includes(column));
  if (missing.length > 0) {
    throw new Error(
      `${caller}: the frame has no column ${missing.map((name) => `"${name}"`).join(", ")}; ` +
        `its columns are ${frame.columns.join(", ")}.`,
    );
  }
}

/** "0.412 [0.398, 0.431]": a mean and its interval, for tables. */
export function formatInterval(mean: number, low: number, high: number, digits = 3): string {
  if (![mean, low, high].every(Number.isFinite)) return "n/a";
  return `${mean.toFixed(digits)} [${low.toFixed(digits)}, ${high.toFixed(digits)}]`;
}

/**
 * A table of one metric from the rows of {@link summarizeRuns}: one row per
 * value of `rows`, one column per value of `columns`, each cell
 * "mean [low, high]" (first-seen order of both). `rowLabel` and
 * `columnLabel` turn the values into labels (e.g. 10 into "1:10"); column
 * labels must not be whole numbers, which JavaScript objects would reorder.
 */
export function intervalTable(
  summary: pl.DataFrame,
  options: {
    rows: string;
    columns: string;
    metric: string;
    digits?: number;
    rowLabel?: (value: unknown) => string;
    columnLabel?: (value: unknown) => string;
  },
): Record<string, string | number>[] {
  requireColumns(summary, [options.rows, options.columns, "metric"], "intervalTable");
  const records = (summary.toRecords() as Record<string, unknown>[])
    .filter((row) => row.metric === options.metric);
  if (records.length === 0) {
    throw new Error(`intervalTable: the summary has no metric "${options.metric}".`);
  }
  const rowKeys = [...new Set(records.map((row) => row[options.rows]))];
  const columnKeys = [...new Set(records.map((row) => row[options.columns]))];
  const columnLabel = options.columnLabel ?? String;
  return rowKeys.map((rowKey) => ({
    [options.rows]: options.rowLabel ? options.rowLabel(rowKey) : rowKey as string | number,
    ...Object.fromEntries(columnKeys.map((columnKey) => {
      const cell = records.find((row) =>
        row[options.rows] === rowKey && row[options.columns] === columnKey
      );
      return [
        columnLabel(columnKey),
        cell
          ? formatInterval(Number(cell.mean), Number(cell.low), Number(cell.high), options.digits)
          : "",
      ];
    })),
  }));
}

/**
 * Table rows of {@link compareConditions}' result: "a − b", the metric, both
 * means, the difference with its interval, and on how many seeds a was higher.
 */
export function comparisonRows(comparisons: pl.DataFrame, digits = 3): Record<string, string>[] {
  requireColumns(
    comparisons,
    ["a", "b", "metric", "meanA", "meanB", "difference"],
    "comparisonRows",
  );
  return (comparisons.toRecords() as Record<string, string | number>[]).map((row) => ({
    comparison: `${row.a} − ${row.b}`,
    metric: String(row.metric),
    "mean of a": Number(row.meanA).toFixed(digits),
    "mean of b": Number(row.meanB).toFixed(digits),
    "difference [95 % interval]": formatInterval(
      Number(row.difference),
      Number(row.low),
      Number(row.high),
      digits,
    ),
    "seeds where a > b": `${Math.round(Number(row.aWins) * Number(row.pairs))} of ${row.pairs}`,
  }));
}
