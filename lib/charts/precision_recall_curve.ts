/**
 * Precision against recall over all thresholds: on unbalanced data it shows
 * what ROC hides (how many of the flagged examples are really positive).
 */
import * as Plot from "@observablehq/plot";
import type { Chart } from "./display.ts";
import {
  requireFinite,
  requireNonEmpty,
  requireRateCurves,
  requireUniqueLabels,
} from "./checks.ts";
import { type CommonChartOptions, figure, seriesColor } from "./figure.ts";

/** One precision-recall curve: points in threshold order. */
export interface PrecisionRecallCurve {
  /** Name of the model or setup, shown in the legend. */
  label: string;
  /** One point per threshold, each value within [0, 1]. */
  points: readonly { recall: number; precision: number }[];
}

/** Options of `precisionRecallCurve`. */
export interface PrecisionRecallOptions extends CommonChartOptions {
  /** Share of positives in the evaluated set: the precision of guessing at random. */
  prevalence: number;
}

/**
 * One line per curve (recall on x, precision on y), with the prevalence as a
 * dashed horizontal rule: the no-skill baseline a useful model stays above.
 */
export function precisionRecallCurve(
  curves: readonly PrecisionRecallCurve[],
  options: PrecisionRecallOptions,
): Chart {
  requireNonEmpty(curves, "curves", "precisionRecallCurve", "pass [{label, points}, ...]");
  requireUniqueLabels(curves.map((curve) => curve.label), "precisionRecallCurve");
  const prevalence = requireFinite(
    options?.prevalence,
    "options.prevalence",
    "precisionRecallCurve",
  );
  if (prevalence <= 0 || prevalence >= 1) {
    throw new Error(
      `precisionRecallCurve: options.prevalence is ${prevalence}; pass the share of positives, between 0 and 1 (e.g. 0.09 for 1 dog per 10 cats).`,
    );
  }
  const points = requireRateCurves(curves, ["recall", "precision"], "precisionRecallCurve");
  const labels = curves.map((curve) => curve.label);
  const colors = labels.map((_, index) => seriesColor(index));
  return figure({
    description: `precision-recall curves of ${labels.join(", ")}`,
    title: options.title ?? "Precision and recall",
    subtitle: options.subtitle,
    caption: options.caption ??
      `Dashed line: prevalence ${prevalence.toPrecision(2)}, the precision of random guessing.`,
    legend: labels.map((label, index) => ({ label, color: colors[index] })),
    plot: {
      width: options.width,
      height: options.height ?? 400,
      grid: true,
      x: { domain: [0, 1], label: "Recall (share of positives found)" },
      y: { domain: [0, 1], label: "Precision (share of flagged that are positive)" },
      color: { domain: labels, range: colors },
      marks: [
        Plot.ruleY([prevalence], { stroke: "#777", strokeDasharray: "4,3" }),
        Plot.text([prevalence], {
          x: 0,
          y: (value: number) => value,
          text: () => "prevalence (random guessing)",
          textAnchor: "start",
          dx: 4,
          dy: -6,
          fill: "#555",
        }),
        Plot.line(points, {
          x: "recall",
          y: "precision",
          z: "label",
          stroke: "label",
          strokeWidth: 2,
        }),
      ],
    },
  });
}
