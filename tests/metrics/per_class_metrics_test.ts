import { assertAlmostEquals, assertEquals, assertRejectsWith } from "../assert.ts";
import { argmaxRows, perClassMetrics } from "../../lib/metrics/per_class_metrics.ts";

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
