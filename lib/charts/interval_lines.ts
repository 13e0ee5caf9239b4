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
  const panels = [...new Set(points.map((point) => point.panel ?? ""))];
  const faceted = panels.length > 1;
  const channels = { x: "x", fx: faceted ? "panel" : undefined };
  return figure({
    description: `${options.yLabel ?? "mean"} against ${options.xLabel} for ${series.join(", ")}`,
    title: options.title,
    subtitle: options.subtitle,
    caption: options.caption,
    legend: series.map((label, index) => ({ label, color: colors[index] })),
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
          Plot.ruleY([options.referenceY], { stroke: "#777", strokeDasharray: "4,3" }),
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

/** Options of {@link intervalPointsFrom}. */
export interface IntervalPointsFromOptions {
  /** The column on the x axis. */
  x: string;
  /** The column whose values name the lines. */
  series: string;
  /** The column whose values name the panels (default "metric"; null for one panel). */
  panel?: string | null;
  /** Keep only these metrics (rows of the `metric` column), in this panel order. */
  metrics?: readonly string[];
  /** Panel titles by metric name, e.g. `{ f1: "F1" }`. */
  panelLabels?: Readonly<Record<string, string>>;
}

/**
 * The points of {@link intervalLines} from the rows of `summarizeRuns`
 * (records with `mean`, `low`, `high`, `metric` and the grouping columns),
 * passed as `frame.toRecords()`.
 */
export function intervalPointsFrom(
  rows: readonly Record<string, unknown>[],
  options: IntervalPointsFromOptions,
): IntervalPoint[] {
  const panelColumn = options.panel === undefined ? "metric" : options.panel;
  const kept = options.metrics
    ? options.metrics.flatMap((metric) => rows.filter((row) => row.metric === metric))
    : rows;
  return kept.map((row) => {
    const panel = panelColumn === null ? undefined : String(row[panelColumn]);
    return {
      x: Number(row[options.x]),
      y: Number(row.mean),
      low: Number(row.low),
      high: Number(row.high),
      series: String(row[options.series]),
      panel: panel === undefined ? undefined : options.panelLabels?.[panel] ?? panel,
    };
  });
}
