/** The shared frame of the charts (lib/charts/figure.ts): the epoch axis of per-epoch charts. */
import assert from "node:assert/strict";
import { epochAxis } from "../../lib/charts/figure.ts";
import { lossCurve } from "../../lib/charts/loss_curve.ts";
import { parseSvg } from "../fixtures/chart_svg.ts";
import { fakeHistory } from "../fixtures/fake_history.ts";

Deno.test("epochAxis asks for whole epochs and at most ten ticks", () => {
  assert.deepEqual(epochAxis(3), { label: "Epoch", tickFormat: "d", ticks: 3 });
  assert.equal(epochAxis(40).ticks, 10);
  const ticks = parseSvg(lossCurve(fakeHistory(40)))
    .querySelectorAll('g[aria-label="x-axis tick label"] text')
    .map((node) => node.textContent ?? "");
  assert.ok(ticks.length > 1 && ticks.length <= 10, `ticks: ${ticks}`);
  assert.ok(ticks.every((tick) => /^\d+$/.test(tick)), `ticks: ${ticks}`);
});
