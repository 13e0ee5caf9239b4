/**
 * Recall of every class, one bar per training condition: how a multi-class
 * model treats each class, where rare classes that accuracy hides show up.
 */
import * as Plot from "@observablehq/plot";
import type { Chart } from "./display.ts";
import { requireFinite, requireNonEmpty } from "./checks.ts";
import { type CommonChartOptions, figure, seriesColor } from "./figure.ts";

/** One bar: the recall of one class under one condition. */
export interface ClassRecallRow {
  /** The training condition, e.g. "reduced, balanced weights"; one colour each. */
  condition: string;
  /** The class, e.g. the digit; one group of bars each. */
  class: string | number;
  /** Recall of the class, in [0, 1]. */
  recall: number;
}

/** Options of {@link perClassRecall}. */
export interface PerClassRecallOptions extends CommonChartOptions {
  /** Classes to shade, e.g. the ones cut down in the training set. */
  highlight?: readonly (string | number)[];
  /** Text after the shaded swatch in the legend (default "rare in training"). */
  highlightLabel?: string;
}

/**
 * Grouped bars: one group per class (in first-seen order), one coloured bar
 * per condition, each labelled with its recall; highlighted classes sit on a
 * grey band. The y axis is fixed to 0–1.
 */
export function perClassRecall(
  rows: readonly ClassRecallRow[],
  options: PerClassRecallOptions = {},
): Chart {
  requireNonEmpty(rows, "rows", "perClassRecall", "pass [{condition, class, recall}, ...]");
  const seen = new Set<string>();
  rows.forEach((row, index) => {
    const recall = requireFinite(
      row.recall,
      `rows[${index}].recall (${row.condition}, class ${row.class})`,
      "perClassRecall",
    );
    if (recall < 0 || recall > 1) {
      throw new Error(
        `perClassRecall: rows[${index}].recall is ${recall}; a recall lies in [0, 1].`,
      );
    }
    const key = `${row.condition}\u0000${row.class}`;
    if (seen.has(key)) {
      throw new Error(
        `perClassRecall: rows[${index}] repeats condition "${row.condition}" and class ` +
          `"${row.class}"; give one row per pair.`,
      );
    }
    seen.add(key);
  });
  const bars = rows.map((row) => ({ ...row, class: String(row.class) }));
  const classes = [...new Set(bars.map((row) => row.class))];
  const conditions = [...new Set(bars.map((row) => row.condition))];
  const unknown = (options.highlight ?? []).map(String).filter((name) => !classes.includes(name));
  if (unknown.length > 0) {
    throw new Error(
      `perClassRecall: highlight names classes [${unknown.join(", ")}] that have no row; ` +
        `the classes are [${classes.join(", ")}].`,
    );
  }
  const shaded = (options.highlight ?? []).map((name) => ({ class: String(name) }));
  const colors = conditions.map((_, index) => seriesColor(index));
  return figure({
    description: `recall per class (${classes.join(", ")}) of ${conditions.join(", ")}`,
    title: options.title ?? "Recall per class",
    subtitle: options.subtitle,
    caption: options.caption,
    legend: [
      ...conditions.map((label, index) => ({
        label,
        color: colors[index],
        swatch: "square" as const,
      })),
      ...(shaded.length > 0
        ? [{
          label: options.highlightLabel ?? "rare in training",
          color: "#e4e4e4",
          swatch: "square" as const,
        }]
        : []),
    ],
    plot: {
      width: options.width,
      height: options.height ?? 320,
      marginTop: 30,
      fx: { domain: classes, label: null, axis: "top", padding: 0.12 },
      x: { domain: conditions, axis: null, paddingInner: 0.1 },
      y: { label: "Recall", grid: true, domain: [0, 1] },
      color: { domain: conditions, range: colors },
      marks: [
        Plot.rect(shaded, { fx: "class", y1: 0, y2: 1, fill: "#e4e4e4" }),
        Plot.barY(bars, { fx: "class", x: "condition", y: "recall", fill: "condition" }),
        Plot.text(bars, {
          fx: "class",
          x: "condition",
          y: "recall",
          text: (row: ClassRecallRow) => row.recall.toFixed(2),
          dy: -6,
          fontSize: conditions.length > 2 ? 7 : 8,
        }),
        Plot.ruleY([0]),
      ],
    },
  });
}
