import assert from "node:assert/strict";
import { metricBars } from "../../lib/charts/metric_bars.ts";
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
