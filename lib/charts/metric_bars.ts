/** Grouped bars comparing training setups on several metrics: the final table of results as a chart. */
import * as Plot from "@observablehq/plot";
import type { Chart } from "./display.ts";
import { requireFinite, requireNonEmpty } from "./checks.ts";
import {
  chartWidth,
  type CommonChartOptions,
  figure,
  type LegendItem,
  seriesColor,
} from "./figure.ts";
import { type GridInterval, gridMetricNames } from "../experiments/grid_intervals.ts";

/**
 * One bar: a metric's value for one condition, with its spread over runs if
 * known, either a standard deviation (`sd`) or an interval (`low`, `high`).
 */
export interface MetricRow {
  /** The setup compared, e.g. "balanced" or "class weight 10"; one colour each. */
  condition: string;
  /** The metric, e.g. "precision"; one group of bars each. */
  metric: string;
  /** The value (mean over runs when `sd` or an interval is given). */
  value: number;
  /** Standard deviation over runs, drawn as an error bar of ±sd. */
  sd?: number;
  /** Lower end of an interval around `value`, drawn as an error bar (with `high`). */
  low?: number;
  /** Upper end of that interval. */
  high?: number;
}

/** A horizontal reference line in one metric's group, e.g. what a trivial rule scores. */
export interface MetricBaseline {
  /** The metric whose group gets the line. */
  metric: string;
  /** Its height. */
  value: number;
}

/** Options of `metricBars`. */
export interface MetricBarsOptions extends CommonChartOptions {
  /** Label of the y axis (default "Value"). */
  yLabel?: string;
  /** Digits after the decimal point in the value labels (default 3). */
  digits?: number;
  /** Dashed lines, one per metric at most, e.g. the best trivial rule's score. */
  baselines?: readonly MetricBaseline[];
  /** Legend text of the baselines (default "trivial rule"). */
  baselineLabel?: string;
}

/** How the value labels of {@link metricBars} are drawn, from the width of a bar's slot. */
export interface ValueLabelLayout {
  /** Above the bar as usual, turned a quarter (reading upwards), or left out. */
  mode: "horizontal" | "rotated" | "none";
  /** Font size in px. */
  fontSize: number;
  /** Width of one bar's slot (bar plus gap) in px. */
  slot: number;
  /** Width of a bar in px. */
  barWidth: number;
  /** Estimated length of the longest label in px (characters × 0.6 font size). */
  labelLength: number;
}

const margin = { left: 50, right: 12 };
const facetPadding = 0.15;
const barPadding = 0.1;
const charWidth = 0.6;

/**
 * Where value labels fit, from the chart's geometry: horizontal when the
 * longest label (characters × 0.6 × font size) is narrower than a bar's slot,
 * turned upright when the font's height fits the slot, otherwise left out
 * (the values are then in each bar's tooltip and in the table the chart
 * summarises). Labels never overlap a neighbour's.
 *
 * @example
 * ```ts
 * import { valueLabelLayout } from "./metric_bars.ts";
 * if (valueLabelLayout({ conditions: 2, metrics: 2, labelChars: 5 }).mode !== "horizontal") {
 *   throw new Error("two bars per group have room for their labels");
 * }
 * if (valueLabelLayout({ conditions: 6, metrics: 4, labelChars: 5 }).mode !== "rotated") {
 *   throw new Error("24 bars need upright labels");
 * }
 * ```
 */
export function valueLabelLayout(
  shape: { conditions: number; metrics: number; labelChars: number; width?: number },
): ValueLabelLayout {
  const { conditions, metrics, labelChars } = shape;
  const inner = (shape.width ?? chartWidth) - margin.left - margin.right;
  // d3 band scales: step = range / (n − paddingInner + 2 paddingOuter), bandwidth =
  // step (1 − paddingInner); Plot gives facets no outer padding.
  const facet = inner / (metrics - facetPadding) * (1 - facetPadding);
  const slot = facet / (conditions - barPadding + 2 * (barPadding / 2));
  const fontSize = conditions > 4 ? 9 : 10;
  const labelLength = labelChars * charWidth * fontSize;
  const mode = labelLength + 2 <= slot ? "horizontal" : fontSize * 1.2 <= slot ? "rotated" : "none";
  return { mode, fontSize, slot, barWidth: slot * (1 - barPadding), labelLength };
}

/**
 * One group per metric (in first-seen order), one coloured bar per condition,
 * each labelled with its value where the label fits (see
 * {@link valueLabelLayout}; every bar's tooltip has it); error bars show ±sd
 * or the interval where given, dashed lines the baselines. Values all within
 * [0, 1] get a fixed 0–1 axis, so charts of rates compare at a glance.
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
  rows.forEach((row, index) => checkRow(row, index, seen));
  const conditions = [...new Set(rows.map((row) => row.condition))];
  const metrics = [...new Set(rows.map((row) => row.metric))];
  const baselines = (options.baselines ?? []).filter((line) => metrics.includes(line.metric));
  baselines.forEach((line, index) =>
    requireFinite(line.value, `baselines[${index}].value (${line.metric})`, "metricBars")
  );
  const colors = conditions.map((_, index) => seriesColor(index));
  const digits = options.digits ?? 3;
  const label = (row: MetricRow) => row.value.toFixed(digits);
  const bottom = (row: MetricRow) => row.low ?? row.value - (row.sd ?? 0);
  const top = (row: MetricRow) => row.high ?? row.value + (row.sd ?? 0);
  const unitInterval = rows.every((row) => bottom(row) >= 0 && top(row) <= 1) &&
    baselines.every((line) => line.value >= 0 && line.value <= 1);
  const spread = rows.filter((row) => top(row) > bottom(row));
  const hasInterval = rows.some((row) => row.low !== undefined);
  const hasSd = rows.some((row) => row.sd !== undefined && row.sd > 0);
  const layout = valueLabelLayout({
    conditions: conditions.length,
    metrics: metrics.length,
    labelChars: Math.max(...rows.map((row) => label(row).length)),
    width: options.width,
  });
  const legend: LegendItem[] = conditions.map((name, index) => ({
    label: name,
    color: colors[index],
    swatch: "square",
  }));
  if (baselines.length > 0) {
    legend.push({ label: options.baselineLabel ?? "trivial rule", color: "#222", dash: "4,3" });
  }
  const defaultCaption = [
    hasInterval ? "Error bars: the intervals given." : "",
    hasSd ? "Error bars: ±1 standard deviation." : "",
    layout.mode === "none" ? "Bars too narrow for their values: see each bar's tooltip." : "",
  ].filter((text) => text !== "").join(" ");
  const labelMarks = layout.mode === "none" ? [] : [
    Plot.text(rows, {
      fx: "metric",
      x: "condition",
      y: top,
      text: label,
      fontSize: layout.fontSize,
      ...(layout.mode === "rotated" ? { rotate: -90, textAnchor: "start", dy: -4 } : { dy: -7 }),
    }),
  ];
  return figure({
    description: `${metrics.join(", ")} of ${conditions.join(", ")}`,
    title: options.title ?? "Metrics per condition",
    subtitle: options.subtitle,
    caption: options.caption ?? (defaultCaption === "" ? undefined : defaultCaption),
    legend,
    plot: {
      width: options.width,
      height: options.height ?? 320,
      marginLeft: margin.left,
      marginRight: margin.right,
      // Upright labels of the tallest bars rise into the top margin.
      marginTop: layout.mode === "rotated" ? Math.ceil(layout.labelLength) + 12 : 24,
      marginBottom: 30,
      fx: { domain: metrics, label: null, axis: "bottom", padding: facetPadding },
      x: { domain: conditions, axis: null, paddingInner: barPadding, paddingOuter: barPadding / 2 },
      y: {
        label: options.yLabel ?? "Value",
        grid: true,
        ...(unitInterval ? { domain: [0, 1] } : { zero: true, nice: true }),
      },
      color: { domain: conditions, range: colors },
      marks: [
        Plot.barY(rows, {
          fx: "metric",
          x: "condition",
          y: "value",
          fill: "condition",
          title: (row: MetricRow) =>
            `${row.condition}, ${row.metric}: ${label(row)}` +
            (top(row) > bottom(row)
              ? ` [${bottom(row).toFixed(digits)}, ${top(row).toFixed(digits)}]`
              : ""),
        }),
        Plot.ruleX(spread, {
          fx: "metric",
          x: "condition",
          y1: bottom,
          y2: top,
          stroke: "black",
          strokeWidth: 1.5,
        }),
        Plot.ruleY(baselines, {
          fx: "metric",
          y: "value",
          stroke: "#222",
          strokeWidth: 1.5,
          strokeDasharray: "4,3",
        }),
        ...labelMarks,
        Plot.ruleY([0]),
      ],
    },
  });
}

/**
 * Bars for {@link metricBars} from `gridIntervals`: each condition's mean
 * with its interval, and per metric a baseline at the best trivial rule's
 * score (none for recall, where flagging everything scores 1, nor for the
 * calibration error, which has no trivial rule). A metric undefined on some
 * seed gets no bar.
 *
 * @example
 * ```ts
 * import { intervalBars } from "./metric_bars.ts";
 * const { rows, baselines } = intervalBars([{
 *   condition: "balanced", settings: { condition: "balanced" }, metric: "f1", prevalence: 0.09,
 *   estimate: 0.3, low: 0.2, high: 0.4, seeds: 3, seedVariance: 0, testSetVariance: 0,
 *   degreesOfFreedom: 2, undefinedSeeds: 0,
 *   trivial: { text: "flag everything 0.167", bar: 0.167 }, clearsTrivial: true,
 * }]);
 * if (rows[0].metric !== "F1" || baselines[0].value !== 0.167) throw new Error("F1 bar");
 * ```
 */
export function intervalBars(
  intervals: readonly GridInterval[],
): { rows: MetricRow[]; baselines: MetricBaseline[] } {
  // A metric undefined on some seed (precision of a model that flags nothing) has no bar.
  const rows = intervals.filter((interval) => interval.undefinedSeeds === 0).map((interval) => ({
    condition: interval.condition,
    metric: gridMetricNames[interval.metric],
    value: interval.estimate,
    low: interval.low,
    high: interval.high,
  }));
  const baselines = new Map<string, MetricBaseline>();
  for (const interval of intervals) {
    const metric = gridMetricNames[interval.metric];
    const bar = interval.trivial?.bar ?? 0;
    if (bar > 0) baselines.set(metric, { metric, value: bar });
  }
  return { rows, baselines: [...baselines.values()] };
}

function checkRow(row: MetricRow, index: number, seen: Set<string>): void {
  const where = `rows[${index}] (${row.condition}, ${row.metric})`;
  requireFinite(row.value, `${where}.value`, "metricBars");
  if (row.sd !== undefined) {
    const sd = requireFinite(row.sd, `rows[${index}].sd`, "metricBars");
    if (sd < 0) {
      throw new Error(`metricBars: rows[${index}].sd is ${sd}; a standard deviation is ≥ 0.`);
    }
  }
  if (
    (row.low === undefined) !== (row.high === undefined) ||
    (row.low !== undefined && row.sd !== undefined)
  ) {
    throw new Error(
      `metricBars: ${where} gives ${
        ["sd", "low", "high"].filter((key) =>
          key in row && row[key as keyof MetricRow] !== undefined
        ).join(", ")
      }; give either sd or both low and high.`,
    );
  }
  if (row.low !== undefined && !(row.low <= row.value && row.value <= row.high!)) {
    throw new Error(
      `metricBars: ${where} has value ${row.value} outside its interval [${row.low}, ${row.high}].`,
    );
  }
  const key = `${row.condition}\u0000${row.metric}`;
  if (seen.has(key)) {
    throw new Error(
      `metricBars: rows[${index}] repeats condition "${row.condition}" and metric "${row.metric}"; give one row per pair (average repeated runs and pass sd).`,
    );
  }
  seen.add(key);
}
