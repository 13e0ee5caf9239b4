/**
 * The learning rate in force at each epoch (log scale): shows when
 * ReduceLROnPlateau cut it. Runs cut at the same epochs have the same
 * schedule, and one line would hide the others; so each run is drawn a few
 * pixels above or below the true rate, with its own marker shape.
 */
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

/** Pixels between neighbouring runs' lines. */
const offsetPixels = 3;
const symbols = ["circle", "square", "triangle", "diamond", "cross", "star", "wye", "times"];
const margins = { top: 20, bottom: 30 };

/**
 * Learning rate per epoch as steps, one line per run; accepts one History or
 * several labelled ones (e.g. Adam started at 3e-4, 3e-3 and 8e-5). With
 * several runs, run i of n is drawn (i − (n − 1)/2) × 3 px off its rate, and
 * each has its own marker shape, so runs with the same schedule stay visible
 * side by side; every point's tooltip gives its true rate.
 *
 * @example
 * ```ts
 * import { learningRateSchedule } from "./learning_rate_schedule.ts";
 * const history = [1, 2, 3].map((epoch) => ({ epoch, loss: 0.5, lr: epoch < 3 ? 1e-3 : 1e-4, seconds: 1 }));
 * const chart = learningRateSchedule([
 *   { label: "seed 1", history },
 *   { label: "seed 2", history }, // the same schedule, drawn 3 px apart
 * ]);
 * if (!chart.description.includes("seed 2")) throw new Error(chart.description);
 * ```
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
  const domain = low === high ? [low / 3, high * 3] : [low / 1.5, high * 1.5];
  const height = options.height ?? 260;
  const decadesPerPixel = Math.log10(domain[1] / domain[0]) /
    (height - margins.top - margins.bottom);
  const n = labelled.length;
  const offset = (label: string) =>
    10 ** ((labels.indexOf(label) - (n - 1) / 2) * offsetPixels * decadesPerPixel);
  const drawn = points.map((point) => ({ ...point, shown: point.lr * offset(point.label) }));
  const lastEpoch = Math.max(...points.map((point) => point.epoch));
  return figure({
    description: `learning rate of ${labels.join(", ")}`,
    title: options.title ?? "Learning rate per epoch",
    subtitle: options.subtitle,
    caption: options.caption ??
      (n > 1
        ? `Each run is drawn ${offsetPixels} px from its neighbour so that equal schedules stay ` +
          "visible; each point's tooltip gives its rate."
        : undefined),
    legend: n > 1 ? labels.map((label, index) => ({ label, color: colors[index] })) : undefined,
    plot: {
      width: options.width,
      height,
      marginTop: margins.top,
      marginBottom: margins.bottom,
      grid: true,
      color: { domain: labels, range: colors },
      symbol: { domain: labels, range: labels.map((_, index) => symbols[index % symbols.length]) },
      x: epochAxis(lastEpoch),
      y: {
        type: "log",
        label: "Learning rate (log scale)",
        domain,
        tickFormat: "~e",
      },
      marks: [
        Plot.lineY(drawn, {
          x: "epoch",
          y: "shown",
          z: "label",
          stroke: "label",
          strokeWidth: 1.5,
          curve: "step-after",
        }),
        Plot.dot(drawn, {
          x: "epoch",
          y: "shown",
          stroke: "label",
          symbol: "label",
          r: 3,
          title: (point: { label: string; epoch: number; lr: number }) =>
            `${point.label}, epoch ${point.epoch}: ${point.lr.toExponential(1)}`,
        }),
      ],
    },
  });
}
