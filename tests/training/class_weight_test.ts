import assert from "node:assert/strict";
import { computeClassWeight } from "../../lib/training/class_weight.ts";

Deno.test("balanced weights of an unbalanced binary set", () => {
  // 10 labels: eight 0s, two 1s. n / (n_classes × count):
  // class 0: 10 / (2 × 8) = 0.625; class 1: 10 / (2 × 2) = 2.5.
  const labels = [0, 0, 0, 0, 0, 0, 0, 0, 1, 1];
  assert.deepEqual(computeClassWeight(labels, "balanced"), { 0: 0.625, 1: 2.5 });
});

Deno.test("balanced weights of three classes, from a typed array and explicit classes", () => {
  // 6 labels: 2 → ×3, 5 → ×2, 7 → ×1; n / (3 × count):
  // class 2: 6 / 9 = 2/3; class 5: 6 / 6 = 1; class 7: 6 / 3 = 2.
  const labels = new Uint8Array([2, 5, 2, 7, 5, 2]);
  const weights = computeClassWeight(labels, "balanced", [7, 5, 2]);
  assert.deepEqual(Object.keys(weights).sort(), ["2", "5", "7"]);
  assert.ok(Math.abs(weights[2] - 2 / 3) < 1e-12);
  assert.equal(weights[5], 1);
  assert.equal(weights[7], 2);
});

Deno.test("balanced weights of an already balanced set are all 1", () => {
  // 4 labels, 2 of each: 4 / (2 × 2) = 1.
  assert.deepEqual(computeClassWeight([1, 0, 1, 0], "balanced"), { 0: 1, 1: 1 });
});

Deno.test("a listed class without examples, or a label outside classes, is an error", () => {
  assert.throws(
    () => computeClassWeight([0, 0, 1], "balanced", [0, 1, 2]),
    /classes \[2\] have no examples in the labels/,
  );
  assert.throws(
    () => computeClassWeight([0, 3, 1], "balanced", [0, 1]),
    /labels \[3\] are not in classes \[0, 1\]/,
  );
  assert.throws(() => computeClassWeight([], "balanced"), /no labels given/);
  assert.throws(() => computeClassWeight([0, 1], "balanced", [0, 1, 1]), /duplicates/);
});

Deno.test("the default classes are the labels sorted; every error names the classes in full", () => {
  // Integer keys are listed in ascending order anyway; other keys in the order of the classes.
  assert.deepEqual(Object.keys(computeClassWeight([0.5, -1, 0.5], "balanced")), ["-1", "0.5"]);
  assert.deepEqual(Object.keys(computeClassWeight([-2, -0.5, -2], "balanced")), ["-2", "-0.5"]);
  const refuses = (run: () => unknown, message: string) =>
    assert.throws(run, (error: Error) => error.message === message);
  refuses(
    // @ts-expect-error: an unknown mode from untyped code
    () => computeClassWeight([0, 1], "inverse"),
    'computeClassWeight: unknown mode "inverse"; the only mode is "balanced".',
  );
  refuses(
    () => computeClassWeight([0, 1], "balanced", [0, 1, 1]),
    "computeClassWeight: classes [0, 1, 1] has duplicates; list each class once.",
  );
  refuses(
    () => computeClassWeight([0, 3, 4], "balanced", [0, 1]),
    "computeClassWeight: labels [3, 4] are not in classes [0, 1]; classes should include all " +
      "valid labels that can be in the labels.",
  );
  refuses(
    () => computeClassWeight([0], "balanced", [0, 1, 2]),
    "computeClassWeight: classes [1, 2] have no examples in the labels, so their balanced " +
      "weight would be infinite; remove them from classes or add examples.",
  );
});
