import assert from "node:assert/strict";
import { classCounts } from "../../lib/charts/class_counts.ts";
import { assertDisplayable, parseSvg, texts } from "../fixtures/chart_svg.ts";

Deno.test("classCounts draws one labelled bar per class", () => {
  const chart = classCounts({ cats: 5000, dogs: 500 });
  assertDisplayable(chart);
  assert.equal(parseSvg(chart).querySelectorAll('g[aria-label="bar"] rect').length, 2);
  const allText = texts(chart).join(" ");
  assert.ok(allText.includes("5,000 (90.9%)") && allText.includes("500 (9.1%)"));
  assert.throws(() => classCounts({ cats: -1 }), /counts\["cats"\] is -1/);
  assert.throws(() => classCounts({}), /one entry per class/);
});
