/** Grouped bars comparing training setups on several metrics: the final table of results as a chart. */
import * as Plot from "@observablehq/plot";
import type { Chart } from "./display.ts";
import { requireFinite, requireNonEmpty } from "./checks.ts";
import { type CommonChartOptions, figure, seriesColor } from "./figure.ts";

/** One bar: a metric's value for one condition, with its standard deviation over runs if known. */
export interface MetricRow {
  /** The setup compared, e.g. "balanced" or "class weight 10"; one colour each. */
  condition: string;
  /** The metric, e.g. "precision"; one group of bars each. */
  metric: string;
  /** The value (mean over runs when `sd` is given). */
  value: number;
  /** Standard deviation over runs, drawn as an error bar of ±sd. */
  sd?: number;
}

/** Options of `metricBars`. */
export interface MetricBarsOptions extends CommonChartOptions {
  /** Label of the y axis (default "Value"). */
  yLabel?: string;
  /** Digits after the decimal point in the value labels (default 3). */
  digits?: number;
}

/**
 * One group per metric (in first-seen order), one coloured bar per condition,
 * each labelled with its value; error bars show ±sd where given. Values all
 * within [0, 1] get a fixed 0–1 axis, so charts of rates compare at a glance.
 *
 * ```ts
 * import assert from "node:assert/strict";
 * import { chartToSvg } from "./display.ts";
 * import { metricBars } from "./metric_bars.ts";
 *
 * const chart = metricBars([
 *   { condition: "balanced", metric: "recall", value: 0.81, sd: 0.02 },
 *   { condition: "1:10", metric: "recall", value: 0.35, sd: 0.07 },
 * ], { title: "Recall by training set" });
 * const svg = chartToSvg(chart);
 * assert.ok(svg.includes("Recall by training set") && svg.includes("0.350")); // a bar's label
 * ```
 */
export function metricBars(rows: readonly MetricRow[], options: MetricBarsOptions = {}): Chart {
  requireNonEmpty(rows, "rows", "metricBars", "pass [{condition, metric, value, sd?}, ...]");
  const seen = new Set<string>();
  rows.forEach((row, index) => {
    requireFinite(
      row.value,
      `rows[${index}].value (${row.condition}, ${row.metric})`,
      "metricBars",
    );
    if (row.sd !== undefined) {
      const sd = requireFinite(row.sd, `rows[${index}].sd`, "metricBars");
      if (sd < 0) {
        throw new Error(`metricBars: rows[${index}].sd is ${sd}; a standard deviation is ≥ 0.`);
      }
    }
    const key = `${row.condition}\u0000${row.metric}`;
    if (seen.has(key)) {
      throw new Error(
        `metricBars: rows[${index}] repeats condition "${row.condition}" and metric "${row.metric}"; give one row per pair (average repeated runs and pass sd).`,
      );
    }
    seen.add(key);
  });
  const conditions = [...new Set(rows.map((row) => row.condition))];
  const metrics = [...new Set(rows.map((row) => row.metric))];
  const colors = conditions.map((_, index) => seriesColor(index));
  const digits = options.digits ?? 3;
  const top = (row: MetricRow) => row.value + (row.sd ?? 0);
  const unitInterval = rows.every((row) => row.value >= 0 && top(row) <= 1);
  const withSd = rows.filter((row) => row.sd !== undefined && row.sd > 0);
  return figure({
    description: `${metrics.join(", ")} of ${conditions.join(", ")}`,
    title: options.title ?? "Metrics per condition",
    subtitle: options.subtitle,
    caption: options.caption ??
      (withSd.length > 0 ? "Error bars: ±1 standard deviation." : undefined),
    legend: conditions.map((label, index) => ({ label, color: colors[index], swatch: "square" })),
    plot: {
      width: options.width,
      height: options.height ?? 320,
      marginTop: 36,
      fx: { domain: metrics, label: null, axis: "top", padding: 0.15 },
      x: { domain: conditions, axis: null, paddingInner: 0.1 },
      y: {
        label: options.yLabel ?? "Value",
        grid: true,
        ...(unitInterval ? { domain: [0, 1] } : { zero: true, nice: true }),
      },
      color: { domain: conditions, range: colors },
      marks: [
        Plot.barY(rows, { fx: "metric", x: "condition", y: "value", fill: "condition" }),
        Plot.ruleX(withSd, {
          fx: "metric",
          x: "condition",
          y1: (row: MetricRow) => row.value - (row.sd ?? 0),
          y2: top,
          stroke: "black",
          strokeWidth: 1.5,
        }),
        Plot.text(rows, {
          fx: "metric",
          x: "condition",
          y: top,
          text: (row: MetricRow) => row.value.toFixed(digits),
          dy: -7,
          fontSize: conditions.length > 4 ? 8 : 10,
        }),
        Plot.ruleY([0]),
      ],
    },
  });
}
