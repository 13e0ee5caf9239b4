/**
 * The 2x2 confusion matrix of a binary classifier: the raw counts behind every
 * metric, which is what an unbalanced test set makes worth looking at.
 */
import * as Plot from "@observablehq/plot";
import type { Chart } from "./display.ts";
import { requireCount } from "./checks.ts";
import { type ChartText, figure } from "./figure.ts";

/** Counts of a binary classifier's outcomes (the positive class is the minority, e.g. dogs). */
export interface ConfusionCounts {
  /** Positives predicted positive. */
  tp: number;
  /** Negatives predicted positive. */
  fp: number;
  /** Negatives predicted negative. */
  tn: number;
  /** Positives predicted negative. */
  fn: number;
}

/** Options of `confusionMatrix`. */
export interface ConfusionMatrixOptions extends ChartText {
  /** Names of the negative and positive class (default ["negative", "positive"]). */
  classNames?: readonly [negative: string, positive: string];
  /** Width of the plot area in px (default 480). */
  width?: number;
  /** Height of the plot area in px (default 260). */
  height?: number;
}

/** One cell of the matrix. */
interface Cell {
  actual: string;
  predicted: string;
  name: string;
  count: number;
  /** Share of the actual class's examples that landed in this cell. */
  rowShare: number;
}

/**
 * A 2x2 grid, actual class on y and predicted class on x, each cell showing
 * its count and the share of its actual class (the diagonal shares are the
 * recall of each class); cells are shaded by that share.
 */
export function confusionMatrix(
  counts: ConfusionCounts,
  options: ConfusionMatrixOptions = {},
): Chart {
  if (counts === null || typeof counts !== "object") {
    throw new Error(`confusionMatrix: counts must be {tp, fp, tn, fn}, got ${String(counts)}.`);
  }
  const { tp, fp, tn, fn } = {
    tp: requireCount(counts.tp, "counts.tp", "confusionMatrix"),
    fp: requireCount(counts.fp, "counts.fp", "confusionMatrix"),
    tn: requireCount(counts.tn, "counts.tn", "confusionMatrix"),
    fn: requireCount(counts.fn, "counts.fn", "confusionMatrix"),
  };
  const [negative, positive] = options.classNames ?? ["negative", "positive"];
  if (negative === positive) {
    throw new Error(
      `confusionMatrix: classNames are both "${negative}"; pass [negativeName, positiveName].`,
    );
  }
  const share = (count: number, rowTotal: number) => rowTotal === 0 ? 0 : count / rowTotal;
  const cells: Cell[] = [
    { actual: negative, predicted: negative, name: "TN", count: tn, rowShare: share(tn, tn + fp) },
    { actual: negative, predicted: positive, name: "FP", count: fp, rowShare: share(fp, tn + fp) },
    { actual: positive, predicted: negative, name: "FN", count: fn, rowShare: share(fn, fn + tp) },
    { actual: positive, predicted: positive, name: "TP", count: tp, rowShare: share(tp, fn + tp) },
  ];
  const label = (cell: Cell) =>
    `${cell.name}\n${cell.count.toLocaleString("en-US")}\n${
      (100 * cell.rowShare).toFixed(1)
    }% of ${cell.actual}`;
  const dark = (cell: Cell) => cell.rowShare > 0.55;
  const total = tp + fp + tn + fn;
  return figure({
    description: `confusion matrix TP ${tp}, FP ${fp}, TN ${tn}, FN ${fn}`,
    title: options.title ?? "Confusion matrix",
    subtitle: options.subtitle ?? `${total.toLocaleString("en-US")} examples`,
    caption: options.caption ??
      "Rows: actual class; columns: predicted class. Shade: share of the actual class.",
    plot: {
      width: options.width ?? 480,
      height: options.height ?? 260,
      marginLeft: 90,
      marginBottom: 40,
      padding: 0.04,
      x: { domain: [negative, positive], label: "Predicted class", labelAnchor: "center" },
      y: { domain: [negative, positive], label: "Actual class", labelAnchor: "center" },
      color: { type: "linear", domain: [0, 1], range: ["#f3f6fc", "#2b5ea8"] },
      marks: [
        Plot.cell(cells, { x: "predicted", y: "actual", fill: "rowShare", inset: 1 }),
        Plot.text(cells.filter(dark), {
          x: "predicted",
          y: "actual",
          text: label,
          fill: "white",
          fontSize: 13,
          lineHeight: 1.3,
        }),
        Plot.text(cells.filter((cell) => !dark(cell)), {
          x: "predicted",
          y: "actual",
          text: label,
          fill: "black",
          fontSize: 13,
          lineHeight: 1.3,
        }),
      ],
    },
  });
}
