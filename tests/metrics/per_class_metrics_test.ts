import { assertAlmostEquals, assertEquals, assertRejectsWith } from "../assert.ts";
import {
  argmaxRows,
  perClassMetrics,
  softmaxLossAndAccuracy,
} from "../../lib/metrics/per_class_metrics.ts";

Deno.test("argmaxRows picks the most probable class of each row, the first on ties", async () => {
  assertEquals([...argmaxRows([0.1, 0.7, 0.2, 0.5, 0.5, 0], 3)], [1, 0]);
  await assertRejectsWith(() => argmaxRows([0.1, 0.9, 0.3], 2), "3 outputs", "2 classes");
});

Deno.test("perClassMetrics: accuracy, confusion, recall and precision of a hand-worked case", () => {
  // Labels 0,0,0,1,1,2; predictions 0,0,1,1,1,1 (class 2 is never predicted).
  const labels = [0, 0, 0, 1, 1, 2];
  const predicted = [0, 0, 1, 1, 1, 1];
  const outputs = predicted.flatMap((c) => [0, 1, 2].map((k) => (k === c ? 0.8 : 0.1)));
  const result = perClassMetrics(labels, outputs, 3);
  assertAlmostEquals(result.accuracy, 4 / 6);
  assertEquals(result.confusion, [[2, 1, 0], [0, 2, 0], [0, 1, 0]]);
  assertEquals(result.perClass.map((entry) => entry.support), [3, 2, 1]);
  assertAlmostEquals(result.perClass[0].recall, 2 / 3);
  assertAlmostEquals(result.perClass[0].precision, 1);
  assertAlmostEquals(result.perClass[1].recall, 1);
  assertAlmostEquals(result.perClass[1].precision, 2 / 4);
  assertEquals(result.perClass[2], { class: 2, support: 1, recall: 0, precision: 0 });
});

Deno.test("perClassMetrics names mismatched outputs and unknown labels", async () => {
  await assertRejectsWith(() => perClassMetrics([0, 1], [0.5, 0.5], 2), "2 outputs for 2 labels");
  await assertRejectsWith(() => perClassMetrics([0, 3], [1, 0, 0, 1], 2), "label 3");
  await assertRejectsWith(() => perClassMetrics([], [], 2), "no labels");
});

Deno.test("argmaxRows reads each row at its own offset and checks the class count", async () => {
  // Row 1's winner is its middle class, row 0's first class is not compared against row 1.
  assertEquals([...argmaxRows([0.6, 0.2, 0.2, 0.1, 0.5, 0.3], 3)], [0, 1]);
  // Row 0's winner is its last class, and row 1's larger first value is not part of row 0.
  assertEquals([...argmaxRows([0.2, 0.3, 0.9, 0.1], 2)], [1, 0]);
  assertEquals([...argmaxRows([0.3, 0.7], 1)], [0, 0]); // one class: every row is class 0
  for (const classCount of [1.5, -1, 0]) {
    await assertRejectsWith(
      () => argmaxRows([0.1, 0.9, 0.3], classCount),
      `argmaxRows: 3 outputs do not make rows of ${classCount} classes; pass the model's ` +
        "softmax outputs, row after row, and their class count.",
    );
  }
});

Deno.test("perClassMetrics: a class without examples has recall 0; bad labels are named", async () => {
  // Labels 0, 0, 1 (class 2 absent), predictions 0, 2, 1.
  const result = perClassMetrics([0, 0, 1], [0.8, 0.1, 0.1, 0.2, 0.1, 0.7, 0.1, 0.8, 0.1], 3);
  assertEquals(result.perClass[2], { class: 2, support: 0, recall: 0, precision: 0 });
  assertEquals(result.perClass[0], { class: 0, support: 2, recall: 0.5, precision: 1 });
  await assertRejectsWith(
    () => perClassMetrics([0, 1], [0.5, 0.5], 2),
    "perClassMetrics: 2 outputs for 2 labels and 2 classes; expected 4 (one row of class " +
      "probabilities per label).",
  );
  for (const label of [2, -1, 0.5]) {
    await assertRejectsWith(
      () => perClassMetrics([0, label], [1, 0, 0, 1], 2),
      `perClassMetrics: label ${label} at index 1 is outside 0 … 1.`,
    );
  }
});

Deno.test("softmaxLossAndAccuracy: clipped cross-entropy and argmax accuracy, by hand", () => {
  const labels = Uint8Array.of(0, 1, 2, 1, 2);
  const outputs = [
    [0.7, 0.2, 0.1], // label 0: p 0.7, predicted 0 (right)
    [0.4, 0.4, 0.2], // label 1: p 0.4, a tie goes to the first class: predicted 0 (wrong)
    [0, 0.4, 0.6], // label 2: p 0.6, predicted 2 (right; the next row's 0.9 is not in this row)
    [0.9, 0, 0.1], // label 1: p 0 clipped to 1e-7, predicted 0 (wrong)
    [0, 0, 1], // label 2: p 1 clipped to 1 − 1e-7, predicted 2 (right)
  ].flat();
  const { loss, accuracy } = softmaxLossAndAccuracy(labels, outputs, 3);
  assertEquals(accuracy, 3 / 5);
  const expected =
    -(Math.log(0.7) + Math.log(0.4) + Math.log(0.6) + Math.log(1e-7) + Math.log(1 - 1e-7)) / 5;
  assertAlmostEquals(loss, expected, 1e-12);
  // Row 1's running best (class 1, 0.4) is compared at its own offset, not against row 0's 0.8.
  const offsets = softmaxLossAndAccuracy(Uint8Array.of(0, 2), [0.1, 0.1, 0.8, 0, 0.4, 0.6], 3);
  assertEquals(offsets.accuracy, 1 / 2);
});
