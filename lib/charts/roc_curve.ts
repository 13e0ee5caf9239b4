/** The ROC curve: true positive rate against false positive rate over all thresholds. */
import * as Plot from "@observablehq/plot";
import type { Chart } from "./display.ts";
import { requireNonEmpty, requireRateCurves, requireUniqueLabels } from "./checks.ts";
import { type CommonChartOptions, figure, seriesColor } from "./figure.ts";

/** One ROC curve: points in threshold order. */
export interface RocCurve {
  /** Name of the model or setup, shown in the legend. */
  label: string;
  /** One point per threshold: false positive rate and true positive rate (recall), each within [0, 1]. */
  points: readonly { fpr: number; tpr: number }[];
}

/** Options of `rocCurve`. */
export interface RocCurveOptions extends CommonChartOptions {
  /** Add each curve's area under the curve (trapezoids) to its legend label (default true). */
  showAuc?: boolean;
}

/** One line per curve with the diagonal of random guessing dashed; the legend gives each AUC. */
export function rocCurve(curves: readonly RocCurve[], options: RocCurveOptions = {}): Chart {
  requireNonEmpty(curves, "curves", "rocCurve", "pass [{label, points}, ...]");
  requireUniqueLabels(curves.map((curve) => curve.label), "rocCurve");
  const points = requireRateCurves(curves, ["fpr", "tpr"], "rocCurve");
  const labels = curves.map((curve) => curve.label);
  const colors = labels.map((_, index) => seriesColor(index));
  const legendLabel = (curve: RocCurve) =>
    options.showAuc === false
      ? curve.label
      : `${curve.label} (AUC ${areaUnderCurve(curve).toFixed(3)})`;
  return figure({
    description: `ROC curves of ${labels.join(", ")}`,
    title: options.title ?? "ROC curve",
    subtitle: options.subtitle,
    caption: options.caption ?? "Dashed diagonal: random guessing.",
    legend: curves.map((curve, index) => ({ label: legendLabel(curve), color: colors[index] })),
    plot: {
      width: options.width,
      height: options.height ?? 400,
      grid: true,
      x: { domain: [0, 1], label: "False positive rate (share of negatives flagged)" },
      y: { domain: [0, 1], label: "True positive rate (recall)" },
      color: { domain: labels, range: colors },
      marks: [
        Plot.line([[0, 0], [1, 1]], { stroke: "#777", strokeDasharray: "4,3" }),
        Plot.line(points, { x: "fpr", y: "tpr", z: "label", stroke: "label", strokeWidth: 2 }),
      ],
    },
  });
}

/** Area under the curve by trapezoids, after sorting the points by false positive rate and adding (0,0) and (1,1). */
function areaUnderCurve(curve: RocCurve): number {
  const sorted = [
    { fpr: 0, tpr: 0 },
    ...[...curve.points].sort((a, b) => a.fpr - b.fpr || a.tpr - b.tpr),
    {
      fpr: 1,
      tpr: 1,
    },
  ];
  let area = 0;
  for (let index = 1; index < sorted.length; index++) {
    const [previous, point] = [sorted[index - 1], sorted[index]];
    area += (point.fpr - previous.fpr) * (point.tpr + previous.tpr) / 2;
  }
  return area;
}
