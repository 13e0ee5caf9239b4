import assert from "node:assert/strict";
import { intervalLines, intervalPointsFrom } from "../../lib/charts/interval_lines.ts";
import { assertDisplayable, parseSvg, texts } from "../fixtures/chart_svg.ts";

Deno.test("intervalLines draws a line and a band per series in each panel", () => {
  const rows = [
    { catsPerDog: 1, strategy: "nothing", metric: "f1", mean: 0.7, low: 0.65, high: 0.75 },
    { catsPerDog: 10, strategy: "nothing", metric: "f1", mean: 0.2, low: 0.1, high: 0.3 },
    { catsPerDog: 1, strategy: "oversampling", metric: "f1", mean: 0.7, low: 0.68, high: 0.72 },
    { catsPerDog: 10, strategy: "oversampling", metric: "f1", mean: 0.4, low: 0.35, high: 0.45 },
    { catsPerDog: 1, strategy: "nothing", metric: "recall", mean: 0.7, low: 0.6, high: 0.8 },
    { catsPerDog: 10, strategy: "nothing", metric: "recall", mean: 0.1, low: 0.05, high: 0.2 },
  ];
  const points = intervalPointsFrom(rows, {
    x: "catsPerDog",
    series: "strategy",
    metrics: ["f1", "recall"],
    panelLabels: { f1: "F1" },
  });
  assert.deepEqual(points[0], {
    x: 1,
    y: 0.7,
    low: 0.65,
    high: 0.75,
    series: "nothing",
    panel: "F1",
  });
  assert.equal(points.at(-1)!.panel, "recall");
  const chart = intervalLines(points, { xLabel: "cats per dog", logX: true, title: "Sweep" });
  assertDisplayable(chart);
  const document = parseSvg(chart);
  // Three (series, panel) lines and bands: nothing and oversampling in F1, nothing in recall.
  assert.equal(document.querySelectorAll('g[aria-label="line"] path').length, 3);
  assert.equal(document.querySelectorAll('g[aria-label="area"] path').length, 3);
  assert.equal(document.querySelectorAll('g[aria-label="dot"] circle').length, 6);
  assert.ok(texts(chart).includes("oversampling") && texts(chart).includes("F1"));
  const noDots = parseSvg(intervalLines(points, { xLabel: "x", dots: false }));
  assert.equal(noDots.querySelectorAll('g[aria-label="dot"] circle').length, 0);
});

Deno.test("intervalLines rejects empty input, non-finite values and x ≤ 0 on a log axis", () => {
  assert.throws(() => intervalLines([], { xLabel: "x" }), /points/);
  const point = { x: 1, y: 0.5, low: 0.4, high: 0.6, series: "a" };
  assert.throws(() => intervalLines([{ ...point, y: NaN }], { xLabel: "x" }), /points\[0\]\.y/);
  assert.throws(() => intervalLines([{ ...point, x: 0 }], { xLabel: "x", logX: true }), /x > 0/);
});
