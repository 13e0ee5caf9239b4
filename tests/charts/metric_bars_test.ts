import type { GridMetric } from "../../lib/experiments/grid_intervals.ts";
import assert from "node:assert/strict";
import { intervalBars, metricBars, valueLabelLayout } from "../../lib/charts/metric_bars.ts";
import { chartToSvg } from "../../lib/charts/display.ts";
import { assertDisplayable, parseSvg, texts } from "../fixtures/chart_svg.ts";

Deno.test("metricBars draws one bar per row, error bars for sd and value labels", () => {
  const rows = ["balanced", "weighted"].flatMap((condition, index) =>
    ["precision", "recall"].map((metric) => ({
      condition,
      metric,
      value: 0.5 + index / 10,
      sd: 0.02,
    }))
  );
  const chart = metricBars(rows);
  assertDisplayable(chart);
  const document = parseSvg(chart);
  assert.equal(document.querySelectorAll('g[aria-label="bar"] rect').length, 4);
  assert.equal(document.querySelectorAll('g[aria-label="rule"] line').length, 4 + 2);
  assert.equal(texts(chart).filter((text) => text === "0.600").length, 2);
  assert.throws(
    () => metricBars([rows[0], rows[0]]),
    /repeats condition "balanced" and metric "precision"/,
  );
  assert.throws(() => metricBars([{ ...rows[0], sd: -1 }]), /sd is -1/);
});

/** Each value label's box in px: characters × 0.6 × font size wide, one font size high. */
function labelBoxes(svg: string) {
  const block = /<g transform="translate\(([-\d.]+),([-\d.]+)\)" aria-label="text">(.*?)<\/g><\/g>/
    .exec(svg);
  if (block === null) return [];
  const [dx, dy] = [Number(block[1]), Number(block[2])];
  return [...`${block[3]}</g>`.matchAll(
    /<g transform="translate\(([-\d.]+),0\)" font-size="([\d.]+)"[^>]*>(.*?)<\/g>/g,
  )].flatMap(([, facetX, size, inner]) =>
    [...inner.matchAll(
      /<text transform="translate\(([-\d.]+),([-\d.]+)\)( rotate\(-90\))?"[^>]*>([^<]*)<\/text>/g,
    )].map(([, x, y, rotated, text]) => {
      const [cx, cy, font] = [Number(facetX) + dx + Number(x), dy + Number(y), Number(size)];
      const length = text.length * 0.6 * font;
      return rotated
        ? { left: cx - font / 2, right: cx + font / 2, top: cy - length, bottom: cy }
        : { left: cx - length / 2, right: cx + length / 2, top: cy - font, bottom: cy };
    })
  );
}

Deno.test("metricBars value labels never overlap, however many bars", () => {
  const conditions = ["3e-4", "3e-3", "8e-5"].flatMap((rate) =>
    ["balanced", "representative"].map((set) => `${set} validation, Adam ${rate}`)
  );
  const crowded = (count: number, metrics: string[]) =>
    conditions.slice(0, count).flatMap((condition, i) =>
      metrics.map((metric, j) => {
        const value = 0.2 + 0.1 * j + 0.01 * i;
        return { condition, metric, value, low: value - 0.04, high: value + 0.04 };
      })
    );
  for (
    const rows of [
      crowded(2, ["precision", "recall"]),
      crowded(6, ["precision", "recall", "f1", "ROC AUC"]),
      crowded(6, ["accuracy", "precision", "recall", "f1", "ROC AUC", "PR AUC"]),
    ]
  ) {
    const chart = metricBars(rows);
    const svg = chartToSvg(chart);
    const boxes = labelBoxes(svg);
    const layout = valueLabelLayout({
      conditions: new Set(rows.map((row) => row.condition)).size,
      metrics: new Set(rows.map((row) => row.metric)).size,
      labelChars: 5,
    });
    const widths = parseSvg(chart).querySelectorAll('g[aria-label="bar"] rect')
      .map((rect) => Number(rect.getAttribute("width")));
    assert.ok(
      Math.abs(widths[0] - layout.barWidth) < 1,
      `bars ${widths[0]} px, estimated ${layout.barWidth}`,
    );
    assert.equal(boxes.length, layout.mode === "none" ? 0 : rows.length, layout.mode);
    for (const [i, a] of boxes.entries()) {
      for (const b of boxes.slice(i + 1)) {
        const apart = a.right <= b.left || b.right <= a.left || a.bottom <= b.top ||
          b.bottom <= a.top;
        assert.ok(apart, `labels overlap: ${JSON.stringify(a)} and ${JSON.stringify(b)}`);
      }
    }
  }
});

Deno.test("metricBars draws intervals and a dashed baseline per metric", () => {
  const rows = [
    { condition: "a", metric: "F1", value: 0.3, low: 0.2, high: 0.4 },
    { condition: "b", metric: "F1", value: 0.1, low: 0.05, high: 0.2 },
    { condition: "a", metric: "recall", value: 0.6, low: 0.5, high: 0.7 },
  ];
  const chart = metricBars(rows, { baselines: [{ metric: "F1", value: 0.167 }] });
  const document = parseSvg(chart);
  assert.equal(
    document.querySelectorAll('g[aria-label="rule"] g[stroke-dasharray="4,3"] line').length,
    1,
  );
  assert.ok(texts(chart).includes("trivial rule"));
  assert.throws(
    () => metricBars([{ ...rows[0], high: undefined }]),
    /either sd or both low and high/,
  );
  assert.throws(() => metricBars([{ ...rows[0], value: 0.5 }]), /outside its interval/);
});

Deno.test("intervalBars: named metrics, a baseline per metric with a trivial bar, no bar where undefined", () => {
  const interval = (
    condition: string,
    metric: GridMetric,
    estimate: number,
    trivial?: { text: string; bar: number },
  ) => ({
    condition,
    settings: { condition },
    metric,
    prevalence: 0.1,
    estimate,
    low: estimate - 0.1,
    high: estimate + 0.1,
    seeds: 3,
    seedVariance: 0,
    testSetVariance: 0,
    degreesOfFreedom: 2,
    undefinedSeeds: Number.isNaN(estimate) ? 1 : 0,
    trivial,
    clearsTrivial: trivial === undefined ? undefined : estimate - 0.1 > trivial.bar,
  });
  const { rows, baselines } = intervalBars([
    interval("a", "rocAuc", 0.8, { text: "random scores 0.500", bar: 0.5 }),
    interval("a", "recall", 0.6, { text: "flag everything 1, flag nothing 0", bar: 0 }),
    interval("a", "ece", 0.05),
    interval("b", "precision", NaN, { text: "flag everything 0.100", bar: 0.1 }),
    interval("a", "precision", 0.3, { text: "flag everything 0.100", bar: 0.1 }),
  ]);
  assert.deepEqual(rows.map((row) => `${row.condition} ${row.metric} ${row.value}`), [
    "a ROC AUC 0.8",
    "a recall 0.6",
    "a expected calibration error 0.05",
    "a precision 0.3",
  ]);
  assert.deepEqual(baselines, [{ metric: "ROC AUC", value: 0.5 }, {
    metric: "precision",
    value: 0.1,
  }]);
});
