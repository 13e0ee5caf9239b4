import assert from "node:assert/strict";
import { lossBand } from "../../lib/charts/loss_band.ts";
import { assertDisplayable, parseSvg, texts } from "../fixtures/chart_svg.ts";
import { fakeHistory } from "../fixtures/fake_history.ts";

Deno.test("lossBand draws a mean line and a ±sd band per label and split", () => {
  const chart = lossBand([
    { label: "balanced", histories: [fakeHistory(4), fakeHistory(4, 0.05)] },
    { label: "weighted", histories: [fakeHistory(4, 0.1), fakeHistory(3, 0.12)] },
  ]);
  assertDisplayable(chart);
  const document = parseSvg(chart);
  assert.equal(document.querySelectorAll('g[aria-label="line"] path').length, 4);
  assert.equal(document.querySelectorAll('g[aria-label="area"] path').length, 4);
  assert.ok(texts(chart).includes("weighted"));
});

Deno.test("lossBand rejects a label without histories and duplicate labels", () => {
  assert.throws(() => lossBand([]), /runs is empty/);
  assert.throws(
    () => lossBand([{ label: "a", histories: [] }]),
    /runs "a"\.histories is empty/,
  );
  assert.throws(
    () =>
      lossBand([{ label: "a", histories: [fakeHistory(2)] }, {
        label: "a",
        histories: [fakeHistory(2)],
      }]),
    /label "a" is used twice/,
  );
});
