/**
 * The reliability diagram: for probabilities grouped into bins, the share
 * of positives actually observed against the mean predicted probability. A
 * calibrated model lies on the diagonal; above it, the model under-predicts
 * the positives, below it, it over-predicts them.
 */
import * as Plot from "@observablehq/plot";
import type { ReliabilityBin } from "../metrics/calibration.ts";
import type { Chart } from "./display.ts";
import { requireNonEmpty, requireUniqueLabels } from "./checks.ts";
import { type CommonChartOptions, figure, seriesColor } from "./figure.ts";

/** One model's bins, from `reliabilityBins`. */
export interface ReliabilityCurve {
  /** Name of the model or setup, shown in the legend. */
  label: string;
  /** The bins; empty ones (weight 0) are skipped. */
  bins: readonly ReliabilityBin[];
}

/** Options of {@link reliabilityDiagram}. */
export type ReliabilityDiagramOptions = CommonChartOptions;

/**
 * One line per model through its non-empty bins (observed rate against
 * mean prediction), the dot's area growing with the bin's share of the
 * examples, and the dashed diagonal of perfect calibration.
 */
export function reliabilityDiagram(
  curves: readonly ReliabilityCurve[],
  options: ReliabilityDiagramOptions = {},
): Chart {
  requireNonEmpty(curves, "curves", "reliabilityDiagram", "pass [{label, bins}, ...]");
  requireUniqueLabels(curves.map((curve) => curve.label), "reliabilityDiagram");
  const points = curves.flatMap((curve) => {
    const total = curve.bins.reduce((sum, bin) => sum + bin.weight, 0);
    return curve.bins.filter((bin) => bin.weight > 0).map((bin) => ({
      label: curve.label,
      meanPredicted: bin.meanPredicted,
      observedRate: bin.observedRate,
      share: bin.weight / total,
    }));
  });
  const labels = curves.map((curve) => curve.label);
  const colors = labels.map((_, index) => seriesColor(index));
  return figure({
    description: `reliability diagram of ${labels.join(", ")}`,
    title: options.title ?? "Reliability diagram",
    subtitle: options.subtitle,
    caption: options.caption ??
      "Dashed diagonal: perfect calibration. Dot area: the bin's share of the examples.",
    legend: labels.map((label, index) => ({ label, color: colors[index] })),
    plot: {
      width: options.width,
      height: options.height ?? 400,
      grid: true,
      x: { domain: [0, 1], label: "Mean predicted probability of a dog" },
      y: { domain: [0, 1], label: "Observed share of dogs" },
      color: { domain: labels, range: colors },
      r: { range: [1.5, 9] },
      marks: [
        Plot.line([[0, 0], [1, 1]], { stroke: "#777", strokeDasharray: "4,3" }),
        Plot.line(points, {
          x: "meanPredicted",
          y: "observedRate",
          z: "label",
          stroke: "label",
          strokeWidth: 1.5,
        }),
        Plot.dot(points, { x: "meanPredicted", y: "observedRate", fill: "label", r: "share" }),
      ],
    },
  });
}
