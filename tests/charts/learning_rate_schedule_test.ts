import assert from "node:assert/strict";
import { learningRateSchedule } from "../../lib/charts/learning_rate_schedule.ts";
import { assertDisplayable, parseSvg } from "../fixtures/chart_svg.ts";
import { fakeHistory } from "../fixtures/fake_history.ts";

Deno.test("learningRateSchedule takes one history or labelled runs, on a log axis", () => {
  assertDisplayable(learningRateSchedule(fakeHistory(5)));
  const chart = learningRateSchedule([
    { label: "3e-4", history: fakeHistory(5) },
    { label: "3e-3", history: fakeHistory(5).map((epoch) => ({ ...epoch, lr: epoch.lr * 10 })) },
  ]);
  assert.equal(parseSvg(chart).querySelectorAll('g[aria-label="line"] path').length, 2);
  const zero = fakeHistory(2);
  zero[0].lr = 0;
  assert.throws(() => learningRateSchedule(zero), /lr is 0; learning rates must be > 0/);
});
