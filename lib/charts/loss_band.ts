/**
 * Mean ± one standard deviation of the loss over repeated runs (the series'
 * `plot_losses`): one run's curve is noise, several runs show the trend.
 * Runs stopped early (EarlyStopping) end at different epochs; a mean over
 * whichever runs remain would change which runs it averages as they stop and
 * look like a trend, so the mean and band stop at the last epoch every run
 * reached, and each run's own curve shows the rest.
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

/** One run's loss at one epoch. */
interface RunPoint {
  label: string;
  run: number;
  split: "training" | "validation";
  epoch: number;
  loss: number;
}

const validationDash = "5,3";

/**
 * One colour per setup; training loss solid, validation loss dashed. Thin
 * lines are the single runs, each ending in a dot where it stopped; the thick
 * line is the mean over all of a setup's runs and the band ±1 standard
 * deviation, drawn only over the epochs every one of its runs reached. The
 * legend gives each setup's number of runs.
 *
 * @example
 * ```ts
 * import { lossBand } from "./loss_band.ts";
 * const run = (epochs: number) =>
 *   Array.from({ length: epochs }, (_, i) => ({ epoch: i + 1, loss: 1 / (i + 1), lr: 1e-3, seconds: 1 }));
 * // Three seeds stopped at epochs 20, 18 and 22: the mean runs to epoch 18.
 * const chart = lossBand([{ label: "balanced", histories: [run(20), run(18), run(22)] }]);
 * if (!chart.description.includes("balanced")) throw new Error(chart.description);
 * ```
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
  const splits: EpochStats["split"][] = options.validation === false
    ? ["training"]
    : ["training", "validation"];
  const stats = runs.flatMap((run) => splits.flatMap((split) => epochStats(run, split)));
  const points = runs.flatMap((run) => splits.flatMap((split) => runPoints(run, split)));
  const labels = runs.map((run) => run.label);
  const colors = labels.map((_, index) => seriesColor(index));
  const hasValidation = points.some((point) => point.split === "validation");
  const legend: LegendItem[] = runs.map((run, index) => ({
    label: `${run.label} (${run.histories.length} run${run.histories.length === 1 ? "" : "s"})`,
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
  const dash = (split: EpochStats["split"]) => split === "validation" ? validationDash : undefined;
  const marks = splits.flatMap((split) => {
    const mean = stats.filter((point) => point.split === split);
    const single = points.filter((point) => point.split === split);
    const ends = single.filter((point, index) =>
      single[index + 1]?.run !== point.run || single[index + 1]?.label !== point.label
    );
    return [
      Plot.areaY(mean, {
        x: "epoch",
        y1: (point: EpochStats) => point.mean - point.sd,
        y2: (point: EpochStats) => point.mean + point.sd,
        fill: "label",
        fillOpacity: 0.15,
      }),
      Plot.lineY(single, {
        x: "epoch",
        y: "loss",
        z: (point: RunPoint) => `${point.label} ${point.run}`,
        stroke: "label",
        strokeWidth: 1,
        strokeOpacity: 0.45,
        strokeDasharray: dash(split),
      }),
      Plot.dot(ends, { x: "epoch", y: "loss", fill: "label", r: 2.5 }),
      Plot.lineY(mean, {
        x: "epoch",
        y: "mean",
        stroke: "label",
        strokeWidth: 2.5,
        strokeDasharray: dash(split),
      }),
    ];
  });
  const lastEpoch = Math.max(...points.map((point) => point.epoch));
  const unequal = runs.some((run) =>
    new Set(run.histories.map((history) => history.length)).size > 1
  );
  return figure({
    description: `mean loss of ${labels.join(", ")}`,
    title: options.title ?? "Loss per epoch, mean over runs",
    subtitle: options.subtitle,
    caption: options.caption ??
      "Thin lines: single runs, a dot where each stopped. Thick lines: mean over all of a " +
        "setup's runs; bands: ±1 standard deviation" +
        (unequal ? ", both only up to the last epoch every run of the setup reached." : "."),
    legend,
    plot: {
      width: options.width,
      height: options.height ?? 360,
      grid: true,
      color: { domain: labels, range: colors },
      x: epochAxis(lastEpoch),
      y: { label: options.yLabel ?? "Loss (binary cross-entropy)", zero: true },
      marks,
    },
  });
}

/** Each run's loss per epoch, in run order. */
function runPoints(run: LabeledRuns, split: EpochStats["split"]): RunPoint[] {
  return run.histories.flatMap((history, index) =>
    history.flatMap((epoch) => {
      const loss = split === "training" ? epoch.loss : epoch.valLoss;
      return loss === undefined
        ? []
        : [{ label: run.label, run: index, split, epoch: epoch.epoch, loss }];
    })
  );
}

/**
 * Mean and sample standard deviation at each epoch that every run reached
 * (with a value for this split): a mean over fewer runs would change what it
 * averages from one epoch to the next.
 */
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
  const common = [...byEpoch.entries()].filter(([, values]) =>
    values.length === run.histories.length
  );
  return common.sort(([a], [b]) => a - b).map(([epoch, values]) => {
    const mean = values.reduce((sum, value) => sum + value, 0) / values.length;
    const variance = values.length < 2
      ? 0
      : values.reduce((sum, value) => sum + (value - mean) ** 2, 0) / (values.length - 1);
    return { label: run.label, split, epoch, mean, sd: Math.sqrt(variance), runs: values.length };
  });
}
