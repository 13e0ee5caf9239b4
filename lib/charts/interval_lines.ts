/**
 * A metric against a setting (imbalance ratio, class weight, threshold), one
 * line per series through the means over runs, with a shaded band for the
 * interval around each mean: the chart for "how does it change, and how sure
 * are we", in small multiples when there are several metrics.
 */
import * as Plot from "@observablehq/plot";
import type { Chart } from "./display.ts";
import { requireFinite, requireNonEmpty } from "./checks.ts";
import { type CommonChartOptions, figure, seriesColor } from "./figure.ts";

/** One point of {@link intervalLines}: a series' mean and interval at one x. */
export interface IntervalPoint {
  /** The setting on the x axis. */
  x: number;
  /** The mean (or other centre) over runs. */
  y: number;
  /** Lower end of the band. */
  low: number;
  /** Upper end of the band. */
  high: number;
  /** The line the point belongs to (legend entry). */
  series: string;
  /** The panel the point belongs to (e.g. the metric), when there are several. */
  panel?: string;
}

/** Options of {@link intervalLines}. */
export interface IntervalLinesOptions extends CommonChartOptions {
  /** Label of the x axis. */
  xLabel: string;
  /** Label of the y axis (default "Mean over runs"). */
  yLabel?: string;
  /** Logarithmic x axis (for ratios and weights; default false). */
  logX?: boolean;
  /** Tick values of the x axis (default Plot's). */
  xTicks?: readonly number[];
  /** Domain of the y axis (default from the data). */
  yDomain?: [number, number];
  /** A dashed horizontal reference line, e.g. a no-skill baseline. */
  referenceY?: number;
  /** Dots at the measured settings (default true; turn off for dense sweeps such as thresholds). */
  dots?: boolean;
  /**
   * What a trivial rule scores at each x (and panel), drawn as a grey dashed line with its own
   * legend entry, e.g. `trivialPointsFrom(intervals, ...)`: a mean below it is no skill.
   */
  baseline?: { label: string; points: readonly BaselinePoint[] };
}

/** One point of a baseline of {@link intervalLines}. */
export interface BaselinePoint {
  x: number;
  y: number;
  panel?: string;
}

/**
 * Lines through the means, dots at the measured settings and a band from
 * `low` to `high`; one panel per distinct `panel`, side by side, sharing the
 * y axis.
 */
export function intervalLines(
  points: readonly IntervalPoint[],
  options: IntervalLinesOptions,
): Chart {
  requireNonEmpty(points, "points", "intervalLines", "pass [{x, y, low, high, series}, ...]");
  points.forEach((point, index) => {
    for (const key of ["x", "y", "low", "high"] as const) {
      requireFinite(point[key], `points[${index}].${key}`, "intervalLines");
    }
    if (options.logX && point.x <= 0) {
      throw new Error(
        `intervalLines: points[${index}].x is ${point.x}; a logarithmic x axis needs x > 0.`,
      );
    }
  });
  const series = [...new Set(points.map((point) => point.series))];
  const colors = series.map((_, index) => seriesColor(index));
  const baseline = options.baseline;
  const baselineColor = "#777";
  const panels = [...new Set(points.map((point) => point.panel ?? ""))];
  const faceted = panels.length > 1;
  const channels = { x: "x", fx: faceted ? "panel" : undefined };
  return figure({
    description: `${options.yLabel ?? "mean"} against ${options.xLabel} for ${series.join(", ")}`,
    title: options.title,
    subtitle: options.subtitle,
    caption: options.caption,
    legend: [
      ...series.map((label, index) => ({ label, color: colors[index] })),
      ...(baseline ? [{ label: `${baseline.label} (dashed)`, color: baselineColor }] : []),
    ],
    plot: {
      width: options.width,
      height: options.height ?? 360,
      marginBottom: 40,
      grid: true,
      x: {
        type: options.logX ? "log" : "linear",
        label: options.xLabel,
        ticks: options.xTicks as number[] | undefined,
        tickFormat: options.logX ? "~g" : undefined,
      },
      y: { label: options.yLabel ?? "Mean over runs", domain: options.yDomain },
      fx: faceted ? { label: null, domain: panels } : undefined,
      color: { domain: series, range: colors },
      marks: [
        ...(options.referenceY === undefined ? [] : [
          Plot.ruleY([options.referenceY], { stroke: baselineColor, strokeDasharray: "4,3" }),
        ]),
        ...(baseline === undefined ? [] : [
          Plot.line(baseline.points, {
            ...channels,
            y: "y",
            z: "panel",
            stroke: baselineColor,
            strokeDasharray: "5,4",
            strokeWidth: 1.5,
          }),
        ]),
        Plot.areaY(points, {
          ...channels,
          y1: "low",
          y2: "high",
          z: "series",
          fill: "series",
          fillOpacity: 0.15,
        }),
        Plot.line(points, { ...channels, y: "y", z: "series", stroke: "series", strokeWidth: 2 }),
        ...(options.dots === false
          ? []
          : [Plot.dot(points, { ...channels, y: "y", fill: "series", r: 2.5 })]),
      ],
    },
  });
}

/** Options of {@link intervalPointsFrom} and {@link trivialPointsFrom}. */
export interface IntervalPointsFromOptions {
  /** The setting on the x axis (a key of each interval's `settings`). */
  x: string;
  /** The setting whose values name the lines. */
  series: string;
  /** Keep only these metrics, one panel each in this order (default all, in order of appearance). */
  metrics?: readonly string[];
  /** Panel titles by metric name, e.g. `{ f1: "F1" }`. */
  panelLabels?: Readonly<Record<string, string>>;
}

/** An interval as `gridIntervals` gives it: its settings, metric, estimate and ends. */
export interface SettingInterval {
  settings: Readonly<Record<string, string | number>>;
  metric: string;
  estimate: number;
  low: number;
  high: number;
  trivial?: { bar: number };
}

function keptIntervals<T extends SettingInterval>(
  intervals: readonly T[],
  options: IntervalPointsFromOptions,
): T[] {
  return options.metrics
    ? options.metrics.flatMap((metric) => intervals.filter((row) => row.metric === metric))
    : [...intervals];
}

function panelOf(metric: string, options: IntervalPointsFromOptions): string {
  return options.panelLabels?.[metric] ?? metric;
}

/**
 * The points of {@link intervalLines} from intervals (`gridIntervals`), one
 * panel per metric. An interval whose metric is undefined (NaN, e.g. the
 * precision of a model that flags nothing) is left out, not drawn as 0.
 *
 * @example
 * ```ts
 * import { intervalPointsFrom } from "./interval_lines.ts";
 * const points = intervalPointsFrom([
 *   { settings: { ratio: 1, strategy: "a" }, metric: "f1", estimate: 0.6, low: 0.5, high: 0.7 },
 *   { settings: { ratio: 2, strategy: "a" }, metric: "f1", estimate: NaN, low: NaN, high: NaN },
 * ], { x: "ratio", series: "strategy" });
 * if (points.length !== 1 || points[0].panel !== "f1") throw new Error(JSON.stringify(points));
 * ```
 */
export function intervalPointsFrom(
  intervals: readonly SettingInterval[],
  options: IntervalPointsFromOptions,
): IntervalPoint[] {
  return keptIntervals(intervals, options)
    .filter((row) => Number.isFinite(row.estimate))
    .map((row) => ({
      x: Number(row.settings[options.x]),
      y: row.estimate,
      low: row.low,
      high: row.high,
      series: String(row.settings[options.series]),
      panel: panelOf(row.metric, options),
    }));
}

/**
 * The best trivial rule's score at each x of each panel (the intervals'
 * `trivial.bar`), for {@link intervalLines}' `baseline`; metrics without a
 * trivial rule are left out.
 */
export function trivialPointsFrom(
  intervals: readonly SettingInterval[],
  options: IntervalPointsFromOptions,
): BaselinePoint[] {
  const points = new Map<string, BaselinePoint>();
  for (const row of keptIntervals(intervals, options)) {
    if (row.trivial === undefined) continue;
    const point = {
      x: Number(row.settings[options.x]),
      y: row.trivial.bar,
      panel: panelOf(row.metric, options),
    };
    points.set(`${point.panel}|${point.x}`, point);
  }
  return [...points.values()].sort((a, b) => a.x - b.x);
}
