import { assertEquals, assertRejectsWith } from "../assert.ts";
import { fakeHistory } from "../fixtures/fake_history.ts";
import {
  requireCount,
  requireFinite,
  requireHistory,
  requireNonEmpty,
  requireUniqueLabels,
} from "../../lib/charts/checks.ts";

Deno.test("requireFinite returns a finite number and names the chart, the value and the fix otherwise", async () => {
  assertEquals(requireFinite(-2.5, "x", "chart"), -2.5);
  assertEquals(requireFinite(0, "x", "chart"), 0);
  for (
    const [value, shown] of [[NaN, "NaN"], [Infinity, "Infinity"], ["3", "3"], [
      undefined,
      "undefined",
    ]]
  ) {
    await assertRejectsWith(
      () => requireFinite(value, "points[2].y", "rocCurve"),
      `rocCurve: points[2].y is ${shown}, not a finite number`,
      "fix or drop it",
    );
  }
});

Deno.test("requireCount accepts whole numbers ≥ 0 only", async () => {
  assertEquals(requireCount(0, "tp", "chart"), 0);
  assertEquals(requireCount(12, "tp", "chart"), 12);
  await assertRejectsWith(
    () => requireCount(-1, "counts.fp", "confusionMatrix"),
    "confusionMatrix: counts.fp is -1, but counts must be whole numbers ≥ 0",
  );
  await assertRejectsWith(() => requireCount(2.5, "n", "chart"), "n is 2.5, but counts");
  await assertRejectsWith(() => requireCount(NaN, "n", "chart"), "n is NaN, not a finite number");
});

Deno.test("requireNonEmpty accepts an array with elements and says what to pass otherwise", async () => {
  requireNonEmpty([0], "runs", "chart", "pass one run");
  await assertRejectsWith(
    () => requireNonEmpty([], "runs", "lossBand", "pass one entry per condition"),
    "lossBand: runs is empty; pass one entry per condition.",
  );
  await assertRejectsWith(() => requireNonEmpty(undefined, "runs", "c", "fix"), "runs is empty");
});

Deno.test("requireHistory returns a history with finite losses, naming the epoch of a bad one", async () => {
  const history = fakeHistory(3);
  assertEquals(requireHistory(history, "history", "lossCurve"), history);
  await assertRejectsWith(
    () => requireHistory([], "history", "lossCurve"),
    "lossCurve: history is empty",
    "after at least one epoch",
  );
  const badLoss = fakeHistory(3);
  badLoss[1] = { ...badLoss[1], loss: NaN };
  await assertRejectsWith(
    () => requireHistory(badLoss, "history", "lossCurve"),
    "history[1].loss (epoch 2) is NaN",
  );
  const badValidation = fakeHistory(3);
  badValidation[2] = { ...badValidation[2], valLoss: Infinity };
  await assertRejectsWith(
    () => requireHistory(badValidation, "runs[0]", "lossBand"),
    "runs[0][2].valLoss (epoch 3) is Infinity",
  );
  // No validation loss at all is fine: not every run validates.
  const unvalidated = fakeHistory(2).map(({ valLoss: _, ...epoch }) => epoch);
  assertEquals(requireHistory(unvalidated, "history", "lossCurve").length, 2);
});

Deno.test("requireUniqueLabels names the first label used twice", async () => {
  requireUniqueLabels(["a", "b", "c"], "chart");
  requireUniqueLabels([], "chart");
  await assertRejectsWith(
    () => requireUniqueLabels(["a", "b", "b", "a"], "metricBars"),
    'metricBars: the label "b" is used twice; give every series its own label.',
  );
});
