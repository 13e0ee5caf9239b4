/** Training and validation loss per epoch of one run: the first chart to look at after training. */
import * as Plot from "@observablehq/plot";
import type { Chart } from "./display.ts";
import type { History } from "../training/history.ts";
import { requireHistory } from "./checks.ts";
import { type CommonChartOptions, epochAxis, figure, seriesColor } from "./figure.ts";

/** Options of `lossCurve`. */
export interface LossCurveOptions extends CommonChartOptions {
  /** Label of the y axis (default "Loss (binary cross-entropy)"). */
  yLabel?: string;
}

/**
 * Training loss (solid) and validation loss (dashed, when the run had
 * validation data) per epoch, with the epoch of lowest validation loss marked.
 *
 * ```ts
 * import assert from "node:assert/strict";
 * import { chartToSvg } from "./display.ts";
 * import { lossCurve } from "./loss_curve.ts";
 *
 * const history = [
 *   { epoch: 1, loss: 0.69, valLoss: 0.62, lr: 0.001, seconds: 1 },
 *   { epoch: 2, loss: 0.5, valLoss: 0.48, lr: 0.001, seconds: 1 },
 *   { epoch: 3, loss: 0.41, valLoss: 0.55, lr: 0.001, seconds: 1 },
 * ];
 * const svg = chartToSvg(lossCurve(history, { title: "First run" }));
 * assert.ok(svg.startsWith("<svg") && svg.includes("First run"));
 * assert.ok(svg.includes("Lowest validation loss 0.480 at epoch 2.")); // the default caption
 * ```
 */
export function lossCurve(history: History, options: LossCurveOptions = {}): Chart {
  requireHistory(history, "history", "lossCurve");
  const training = history.map((epoch) => ({ epoch: epoch.epoch, loss: epoch.loss }));
  const validation = history.filter((epoch) => epoch.valLoss !== undefined)
    .map((epoch) => ({ epoch: epoch.epoch, loss: epoch.valLoss as number }));
  const best = validation.reduce<typeof validation[number] | undefined>(
    (lowest, point) => lowest === undefined || point.loss < lowest.loss ? point : lowest,
    undefined,
  );
  const [trainColor, validationColor] = [seriesColor(0), seriesColor(2)];
  return figure({
    description: `loss curve over ${history.length} epochs`,
    title: options.title ?? "Loss per epoch",
    subtitle: options.subtitle,
    caption: options.caption ??
      (best
        ? `Lowest validation loss ${best.loss.toPrecision(3)} at epoch ${best.epoch}.`
        : undefined),
    legend: [
      { label: "training", color: trainColor },
      ...(validation.length > 0
        ? [{ label: "validation", color: validationColor, dash: "5,3" }]
        : []),
    ],
    plot: {
      width: options.width,
      height: options.height ?? 320,
      grid: true,
      x: epochAxis(history.length),
      y: { label: options.yLabel ?? "Loss (binary cross-entropy)", zero: true },
      marks: [
        Plot.lineY(training, { x: "epoch", y: "loss", stroke: trainColor, strokeWidth: 2 }),
        Plot.dot(training, { x: "epoch", y: "loss", fill: trainColor, r: 2 }),
        Plot.lineY(validation, {
          x: "epoch",
          y: "loss",
          stroke: validationColor,
          strokeWidth: 2,
          strokeDasharray: "5,3",
        }),
        Plot.dot(validation, { x: "epoch", y: "loss", fill: validationColor, r: 2 }),
        ...(best ? [Plot.dot([best], { x: "epoch", y: "loss", stroke: "black", r: 5 })] : []),
      ],
    },
  });
}
