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

Deno.test("learningRateSchedule keeps runs with the same schedule visible apart", () => {
  const history = fakeHistory(6);
  const labels = ["seed 1", "seed 2", "seed 3", "other"];
  const chart = learningRateSchedule(labels.map((label) => ({ label, history })));
  const document = parseSvg(chart);
  const paths = document.querySelectorAll('g[aria-label="line"] path');
  assert.equal(paths.length, labels.length);
  const firstY = paths.map((path) => Number(/^M[^,]+,([-\d.]+)/.exec(path.getAttribute("d")!)![1]))
    .sort((a, b) => a - b);
  firstY.slice(1).forEach((y, index) =>
    assert.ok(y - firstY[index] >= 2, `lines ${firstY.join(", ")} px: two lie on top of each other`)
  );
  // Each run's markers have their own shape.
  const shapes = new Set(
    document.querySelectorAll('g[aria-label="dot"] path').map((path) =>
      path.getAttribute("d")!.replace(/^M[^A-Za-z]*/, "")
    ),
  );
  assert.ok(shapes.size >= labels.length, `${shapes.size} marker shapes for ${labels.length} runs`);
});
