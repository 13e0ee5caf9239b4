import assert from "node:assert/strict";
import { rocCurve } from "../../lib/charts/roc_curve.ts";
import { assertDisplayable, texts } from "../fixtures/chart_svg.ts";

Deno.test("rocCurve puts each curve's AUC in the legend", () => {
  const chart = rocCurve([{ label: "perfect", points: [{ fpr: 0, tpr: 1 }] }, {
    label: "random",
    points: [{ fpr: 0.5, tpr: 0.5 }],
  }]);
  assertDisplayable(chart);
  const labels = texts(chart);
  assert.ok(labels.includes("perfect (AUC 1.000)") && labels.includes("random (AUC 0.500)"));
  assert.throws(
    () => rocCurve([{ label: "m", points: [{ fpr: 0.1, tpr: -1 }] }]),
    /rocCurve: "m"\.points\[0\]\.tpr is -1; rates lie within \[0, 1\]/,
  );
});
