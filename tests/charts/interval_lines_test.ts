import assert from "node:assert/strict";
import {
  intervalLines,
  intervalPointsFrom,
  trivialPointsFrom,
} from "../../lib/charts/interval_lines.ts";
import { assertDisplayable, parseSvg, texts } from "../fixtures/chart_svg.ts";

Deno.test("intervalLines draws a line and a band per series in each panel", () => {
  const row = (catsPerDog: number, strategy: string, metric: string, y: number, half: number) => ({
    settings: { catsPerDog, strategy },
    metric,
    estimate: y,
    low: y - half,
    high: y + half,
    trivial: { bar: metric === "f1" ? 2 / (2 + catsPerDog) : 0 },
  });
  const rows = [
    row(1, "nothing", "f1", 0.7, 0.05),
    row(10, "nothing", "f1", 0.2, 0.1),
    row(1, "oversampling", "f1", 0.7, 0.02),
    row(10, "oversampling", "f1", 0.4, 0.05),
    row(1, "nothing", "recall", 0.7, 0.1),
    row(10, "nothing", "recall", 0.1, 0.05),
    // Undefined on some seed: left out, not drawn at 0.
    row(10, "undersampling", "f1", NaN, NaN),
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
    low: 0.7 - 0.05,
    high: 0.7 + 0.05,
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
  assert.ok(!points.some((point) => point.series === "undersampling"), "NaN left out");
});

Deno.test("intervalLines draws the trivial rule's line per panel, in grey, with a legend entry", () => {
  const intervals = [1, 10].flatMap((catsPerDog) =>
    ["f1", "prAuc"].map((metric) => ({
      settings: { catsPerDog, strategy: "nothing" },
      metric,
      estimate: 0.5,
      low: 0.4,
      high: 0.6,
      trivial: { bar: 1 / (1 + catsPerDog) },
    }))
  );
  const options = { x: "catsPerDog", series: "strategy" };
  const baseline = trivialPointsFrom(intervals, options);
  assert.deepEqual(baseline, [
    { x: 1, y: 0.5, panel: "f1" },
    { x: 1, y: 0.5, panel: "prAuc" },
    { x: 10, y: 1 / 11, panel: "f1" },
    { x: 10, y: 1 / 11, panel: "prAuc" },
  ]);
  const chart = intervalLines(intervalPointsFrom(intervals, options), {
    xLabel: "x",
    baseline: { label: "best trivial rule", points: baseline },
  });
  const lines = parseSvg(chart).querySelectorAll('g[aria-label="line"] path');
  // One line for the series and one for the baseline, in each of the two panels.
  assert.equal(lines.length, 4);
  const dashed = parseSvg(chart).querySelectorAll('g[aria-label="line"] g')
    .filter((group) =>
      group.getAttribute("stroke-dasharray") === "5,4" && group.querySelector("path") !== null
    );
  // One dashed line in each panel (Plot draws each facet's marks in a group of their own).
  assert.equal(dashed.length, 2);
  assert.ok(texts(chart).includes("best trivial rule (dashed)"));
});

Deno.test("intervalLines rejects empty input, non-finite values and x ≤ 0 on a log axis", () => {
  assert.throws(() => intervalLines([], { xLabel: "x" }), /points/);
  const point = { x: 1, y: 0.5, low: 0.4, high: 0.6, series: "a" };
  assert.throws(() => intervalLines([{ ...point, y: NaN }], { xLabel: "x" }), /points\[0\]\.y/);
  assert.throws(() => intervalLines([{ ...point, x: 0 }], { xLabel: "x", logX: true }), /x > 0/);
});
