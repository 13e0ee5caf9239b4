/** The learning rate in force at each epoch (log scale): shows when ReduceLROnPlateau cut it. */
import * as Plot from "@observablehq/plot";
import type { Chart } from "./display.ts";
import type { History } from "../training/history.ts";
import { requireFinite, requireHistory, requireNonEmpty, requireUniqueLabels } from "./checks.ts";
import { type CommonChartOptions, epochAxis, figure, seriesColor } from "./figure.ts";

/** One run with a name for the legend. */
export interface LabelledHistory {
  /** Name of the run, shown in the legend. */
  label: string;
  /** Its per-epoch records. */
  history: History;
}

/** Options of `learningRateSchedule`. */
export type LearningRateScheduleOptions = CommonChartOptions;

/**
 * Learning rate per epoch as steps, one line per run; accepts one History or
 * several labelled ones (e.g. Adam started at 3e-4, 3e-3 and 8e-5).
 */
export function learningRateSchedule(
  runs: History | LabelledHistory[],
  options: LearningRateScheduleOptions = {},
): Chart {
  requireNonEmpty(
    runs,
    "runs",
    "learningRateSchedule",
    "pass a History (one record per epoch) or [{label, history}, ...]",
  );
  const labelled: LabelledHistory[] = "history" in runs[0]
    ? runs as LabelledHistory[]
    : [{ label: "learning rate", history: runs as History }];
  requireUniqueLabels(labelled.map((run) => run.label), "learningRateSchedule");
  const points = labelled.flatMap((run) => {
    requireHistory(run.history, `"${run.label}" history`, "learningRateSchedule");
    return run.history.map((epoch, index) => {
      const lr = requireFinite(
        epoch.lr,
        `"${run.label}" history[${index}].lr`,
        "learningRateSchedule",
      );
      if (lr <= 0) {
        throw new Error(
          `learningRateSchedule: "${run.label}" history[${index}].lr is ${lr}; learning rates must be > 0 to draw on a log scale.`,
        );
      }
      return { label: run.label, epoch: epoch.epoch, lr };
    });
  });
  const labels = labelled.map((run) => run.label);
  const colors = labels.map((_, index) => seriesColor(index));
  const rates = points.map((point) => point.lr);
  const [low, high] = [Math.min(...rates), Math.max(...rates)];
  const lastEpoch = Math.max(...points.map((point) => point.epoch));
  return figure({
    description: `learning rate of ${labels.join(", ")}`,
    title: options.title ?? "Learning rate per epoch",
    subtitle: options.subtitle,
    caption: options.caption,
    legend: labelled.length > 1
      ? labels.map((label, index) => ({ label, color: colors[index] }))
      : undefined,
    plot: {
      width: options.width,
      height: options.height ?? 260,
      grid: true,
      color: { domain: labels, range: colors },
      x: epochAxis(lastEpoch),
      y: {
        type: "log",
        label: "Learning rate (log scale)",
        domain: low === high ? [low / 3, high * 3] : [low / 1.5, high * 1.5],
        tickFormat: "~e",
      },
      marks: [
        Plot.lineY(points, {
          x: "epoch",
          y: "lr",
          stroke: "label",
          strokeWidth: 2,
          curve: "step-after",
        }),
        Plot.dot(points, { x: "epoch", y: "lr", fill: "label", r: 2 }),
      ],
    },
  });
}
