import assert from "node:assert/strict";
import { lossCurve } from "../../lib/charts/loss_curve.ts";
import { assertDisplayable, parseSvg, texts } from "../fixtures/chart_svg.ts";
import { fakeHistory } from "../fixtures/fake_history.ts";

Deno.test("lossCurve draws a training and a validation line with a legend", () => {
  const chart = lossCurve(fakeHistory(5));
  assertDisplayable(chart);
  const lines = parseSvg(chart).querySelectorAll('g[aria-label="line"] path');
  assert.equal(lines.length, 2);
  const labels = texts(chart);
  assert.ok(labels.includes("training") && labels.includes("validation"));
  assert.ok(labels.includes("Loss per epoch"));
});

Deno.test("lossCurve without validation losses draws one line", () => {
  const history = fakeHistory(3).map(({ valLoss: _, ...epoch }) => epoch);
  const chart = lossCurve(history);
  assert.equal(parseSvg(chart).querySelectorAll('g[aria-label="line"] path').length, 1);
  assert.ok(!texts(chart).includes("validation"));
});

Deno.test("lossCurve rejects an empty history and non-finite losses", () => {
  assert.throws(() => lossCurve([]), /lossCurve: history is empty/);
  const broken = fakeHistory(2);
  broken[1].loss = NaN;
  assert.throws(() => lossCurve(broken), /history\[1\]\.loss \(epoch 2\) is NaN/);
});
