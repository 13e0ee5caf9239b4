import assert from "node:assert/strict";
import { precisionRecallCurve } from "../../lib/charts/precision_recall_curve.ts";
import { assertDisplayable, parseSvg } from "../fixtures/chart_svg.ts";

Deno.test("precisionRecallCurve draws the prevalence baseline as a rule", () => {
  const points = [{ recall: 0, precision: 1 }, { recall: 0.5, precision: 0.6 }, {
    recall: 1,
    precision: 0.1,
  }];
  const chart = precisionRecallCurve([{ label: "model", points }], { prevalence: 0.1 });
  assertDisplayable(chart);
  const document = parseSvg(chart);
  assert.equal(document.querySelectorAll('g[aria-label="line"] path').length, 1);
  assert.equal(document.querySelectorAll('g[aria-label="rule"] line').length, 1);
  assert.throws(
    () => precisionRecallCurve([{ label: "model", points }], { prevalence: 1.5 }),
    /prevalence is 1\.5/,
  );
  assert.throws(
    () =>
      precisionRecallCurve([{ label: "m", points: [{ recall: 2, precision: 1 }] }], {
        prevalence: 0.1,
      }),
    /points\[0\]\.recall is 2/,
  );
});
