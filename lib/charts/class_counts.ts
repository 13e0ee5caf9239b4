/** How many examples each class has: the first look at how unbalanced a data set is. */
import * as Plot from "@observablehq/plot";
import type { Chart } from "./display.ts";
import { requireCount } from "./checks.ts";
import { type CommonChartOptions, figure, seriesColor } from "./figure.ts";

/** Options of `classCounts`. */
export interface ClassCountsOptions extends CommonChartOptions {
  /** Label of the y axis (default "Examples"). */
  yLabel?: string;
}

/** One bar per class, in the given key order, labelled with its count and share of the total. */
export function classCounts(
  counts: Record<string, number>,
  options: ClassCountsOptions = {},
): Chart {
  if (counts === null || typeof counts !== "object" || Object.keys(counts).length === 0) {
    throw new Error(
      `classCounts: counts must be an object with one entry per class, e.g. {cats: 5000, dogs: 500}; got ${
        JSON.stringify(counts)
      }.`,
    );
  }
  const bars = Object.entries(counts).map(([name, count]) => ({
    name,
    count: requireCount(count, `counts["${name}"]`, "classCounts"),
  }));
  const total = bars.reduce((sum, bar) => sum + bar.count, 0);
  const label = (bar: { count: number }) =>
    `${bar.count.toLocaleString("en-US")} (${
      total === 0 ? 0 : (100 * bar.count / total).toFixed(1)
    }%)`;
  const names = bars.map((bar) => bar.name);
  return figure({
    description: `class counts ${bars.map((bar) => `${bar.name} ${bar.count}`).join(", ")}`,
    title: options.title ?? "Examples per class",
    subtitle: options.subtitle ?? `${total.toLocaleString("en-US")} in all`,
    caption: options.caption,
    plot: {
      width: options.width ?? 480,
      height: options.height ?? 300,
      marginTop: 30,
      x: { domain: names, label: null },
      y: { label: options.yLabel ?? "Examples", grid: true, nice: true },
      color: { domain: names, range: names.map((_, index) => seriesColor(index)) },
      marks: [
        Plot.barY(bars, { x: "name", y: "count", fill: "name" }),
        Plot.text(bars, { x: "name", y: "count", text: label, dy: -8, fontSize: 12 }),
        Plot.ruleY([0]),
      ],
    },
  });
}
