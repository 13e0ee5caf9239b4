/**
 * Mean ± one standard deviation of the loss over repeated runs (the series'
 * `plot_losses`): one run's curve is noise, several runs show the trend.
 */
import * as Plot from "@observablehq/plot";
import type { Chart } from "./display.ts";
import type { History } from "../training/history.ts";
import { requireHistory, requireNonEmpty, requireUniqueLabels } from "./checks.ts";
import {
  type CommonChartOptions,
  epochAxis,
  figure,
  type LegendItem,
  seriesColor,
} from "./figure.ts";

/** Repeated runs of one training setup, e.g. five seeds of "class weight 10". */
export interface LabeledRuns {
  /** Name of the setup, shown in the legend. */
  label: string;
  /** One History per run. */
  histories: History[];
}

/** Options of `lossBand`. */
export interface LossBandOptions extends CommonChartOptions {
  /** Label of the y axis (default "Loss (binary cross-entropy)"). */
  yLabel?: string;
  /** Draw the validation loss too, when the runs have it (default true). */
  validation?: boolean;
}

/** The loss statistics of one setup and split at one epoch. */
interface EpochStats {
  label: string;
  split: "training" | "validation";
  epoch: number;
  mean: number;
  sd: number;
  runs: number;
}

const validationDash = "5,3";

/**
 * One colour per setup; training loss solid, validation loss dashed; the line
 * is the mean over runs and the band ±1 standard deviation. Runs stopped
 * early count at the epochs they reached.
 */
export function lossBand(runs: LabeledRuns[], options: LossBandOptions = {}): Chart {
  requireNonEmpty(runs, "runs", "lossBand", "pass [{label, histories: [history, ...]}, ...]");
  requireUniqueLabels(runs.map((run) => run.label), "lossBand");
  runs.forEach((run) => {
    requireNonEmpty(
      run.histories,
      `runs "${run.label}".histories`,
      "lossBand",
      "give every setup at least one History",
    );
    run.histories.forEach((history, index) =>
      requireHistory(history, `"${run.label}" histories[${index}]`, "lossBand")
    );
  });
  const stats = runs.flatMap((run) => [
    ...epochStats(run, "training"),
    ...(options.validation === false ? [] : epochStats(run, "validation")),
  ]);
  const labels = runs.map((run) => run.label);
  const colors = labels.map((_, index) => seriesColor(index));
  const hasValidation = stats.some((point) => point.split === "validation");
  const runCounts = [...new Set(runs.map((run) => run.histories.length))];
  const legend: LegendItem[] = labels.map((label, index) => ({
    label,
    color: colors[index],
    swatch: "square",
  }));
  if (hasValidation) {
    legend.push({ label: "training", color: "#555" }, {
      label: "validation",
      color: "#555",
      dash: validationDash,
    });
  }
  const series = (split: EpochStats["split"]) => stats.filter((point) => point.split === split);
  const lines = (split: EpochStats["split"]) => [
    Plot.areaY(series(split), {
      x: "epoch",
      y1: (point: EpochStats) => point.mean - point.sd,
      y2: (point: EpochStats) => point.mean + point.sd,
      fill: "label",
      fillOpacity: 0.15,
    }),
    Plot.lineY(series(split), {
      x: "epoch",
      y: "mean",
      stroke: "label",
      strokeWidth: 2,
      strokeDasharray: split === "validation" ? validationDash : undefined,
    }),
  ];
  const lastEpoch = Math.max(...stats.map((point) => point.epoch));
  return figure({
    description: `mean loss of ${labels.join(", ")}`,
    title: options.title ?? "Loss per epoch, mean over runs",
    subtitle: options.subtitle,
    caption: options.caption ??
      `Lines: mean over ${runCounts.join(" or ")} runs; bands: ±1 standard deviation.`,
    legend,
    plot: {
      width: options.width,
      height: options.height ?? 360,
      grid: true,
      color: { domain: labels, range: colors },
      x: epochAxis(lastEpoch),
      y: { label: options.yLabel ?? "Loss (binary cross-entropy)", zero: true },
      marks: [...lines("training"), ...(hasValidation ? lines("validation") : [])],
    },
  });
}

/** Mean and sample standard deviation at each epoch over the runs that reached it. */
function epochStats(run: LabeledRuns, split: EpochStats["split"]): EpochStats[] {
  const byEpoch = new Map<number, number[]>();
  for (const history of run.histories) {
    for (const epoch of history) {
      const value = split === "training" ? epoch.loss : epoch.valLoss;
      if (value === undefined) continue;
      const values = byEpoch.get(epoch.epoch) ?? [];
      values.push(value);
      byEpoch.set(epoch.epoch, values);
    }
  }
  return [...byEpoch.entries()].sort(([a], [b]) => a - b).map(([epoch, values]) => {
    const mean = values.reduce((sum, value) => sum + value, 0) / values.length;
    const variance = values.length < 2
      ? 0
      : values.reduce((sum, value) => sum + (value - mean) ** 2, 0) / (values.length - 1);
    return { label: run.label, split, epoch, mean, sd: Math.sqrt(variance), runs: values.length };
  });
}
