import { assert, assertAlmostEquals, assertEquals, assertRejectsWith } from "../assert.ts";
import { multiClassInterval, multiClassMetric } from "../../lib/statistics/multi_class_interval.ts";
import { seedTestSetInterval, studentTQuantile } from "../../lib/statistics/seed_test_interval.ts";
import { argmaxRows } from "../../lib/metrics/per_class_metrics.ts";

/** Softmax-like outputs that put 0.8 on each predicted class. */
function outputsOf(predicted: readonly number[], classCount: number): Float32Array {
  return Float32Array.from(
    predicted.flatMap((p) =>
      Array.from({ length: classCount }, (_, c) => (c === p ? 0.8 : 0.2 / (classCount - 1)))
    ),
  );
}

Deno.test("multiClassMetric counts accuracy over all examples and recall over one class", () => {
  const labels = [0, 0, 1, 1, 2, 2];
  const predictions = [0, 1, 1, 1, 0, 2];
  const ones = [1, 1, 1, 1, 1, 1];
  assertEquals(multiClassMetric("accuracy")(labels, predictions, ones), 4 / 6);
  assertEquals(multiClassMetric({ recallOf: 0 })(labels, predictions, ones), 1 / 2);
  assertEquals(multiClassMetric({ recallOf: 1 })(labels, predictions, ones), 1);
  // Weights count examples several times or leave them out.
  assertEquals(multiClassMetric("accuracy")(labels, predictions, [3, 0, 1, 1, 0, 1]), 1);
  assertEquals(multiClassMetric({ recallOf: 2 })(labels, predictions, [1, 1, 1, 1, 2, 0]), 0);
  assert(Number.isNaN(multiClassMetric({ recallOf: 3 })(labels, predictions, ones)));
});

Deno.test("one run: the estimate is the run's metric and the interval counts the test set only", () => {
  const labels = [0, 1, 2, 0, 1, 2, 0, 1, 2, 0, 1, 2];
  const predicted = [0, 1, 2, 0, 1, 2, 0, 2, 2, 1, 1, 2];
  const outputs = outputsOf(predicted, 3);
  const accuracy = multiClassInterval(labels, [outputs], 3, "accuracy", { seed: 1 });
  assertEquals(accuracy.estimate, 10 / 12);
  assertEquals(accuracy.seeds, 1);
  assert(Number.isNaN(accuracy.seedVariance), "one run cannot measure seed variance");
  assert(accuracy.testSetVariance > 0);
  assert(accuracy.low < accuracy.estimate && accuracy.estimate < accuracy.high);
  assertEquals(accuracy.degreesOfFreedom, 3);
  const recall2 = multiClassInterval(labels, [outputs], 3, { recallOf: 2 }, { seed: 1 });
  assertEquals(recall2.estimate, 1);
  // Every resample of the 2s is all right: nothing is left to vary.
  assertEquals([recall2.low, recall2.high], [1, 1]);
});

Deno.test("two or more runs: the interval is seedTestSetInterval over the predicted classes", () => {
  const labels = [0, 1, 2, 0, 1, 2, 0, 1, 2, 0, 1, 2];
  const runs = [
    [0, 1, 2, 0, 1, 2, 0, 2, 2, 1, 1, 2],
    [0, 1, 1, 0, 1, 2, 0, 1, 2, 0, 1, 0],
    [2, 1, 2, 0, 1, 2, 0, 1, 2, 0, 0, 2],
  ];
  const options = { seed: 3, resamples: 300 };
  const interval = multiClassInterval(
    labels,
    runs.map((run) => outputsOf(run, 3)),
    3,
    "accuracy",
    options,
  );
  const expected = seedTestSetInterval(
    labels,
    runs.map((run) => argmaxRows(outputsOf(run, 3), 3)),
    multiClassMetric("accuracy"),
    options,
  );
  assertEquals(interval, expected);
  assertAlmostEquals(interval.estimate, (10 + 10 + 10) / 36, 1e-12);
  assertEquals(interval.seeds, 3);
});

Deno.test("multiClassInterval names what is wrong with its input", () => {
  const labels = [0, 1, 2];
  const error = (fn: () => unknown) => {
    try {
      fn();
    } catch (caught) {
      return (caught as Error).message;
    }
    return "no error";
  };
  assert(
    error(() => multiClassInterval(labels, [], 3, "accuracy", { seed: 1 })).includes("no runs"),
  );
  assert(
    error(() => multiClassInterval(labels, [new Float32Array(8)], 3, "accuracy", { seed: 1 }))
      .includes("8 outputs for 3 labels"),
  );
  assert(
    error(() =>
      multiClassInterval(labels, [outputsOf([0, 1, 2], 4)], 4, { recallOf: 3 }, { seed: 1 })
    ).includes("undefined"),
  );
});

/**
 * 200 examples of each of 3 classes, right on 180, 150 and 100 of them. Each class is resampled
 * apart, so the accuracy's test-set variance is Σ (1/3)² p_c (1 − p_c) / 200, and a recall's
 * p (1 − p) / 200.
 */
function stratifiedRun() {
  const perClass = 200;
  const right = [180, 150, 100];
  const labels = Array.from({ length: 3 * perClass }, (_, i) => Math.floor(i / perClass));
  const predicted = labels.map((label, i) => i % perClass < right[label] ? label : (label + 1) % 3);
  const accuracyVariance = right.reduce((sum, count) => {
    const p = count / perClass;
    return sum + p * (1 - p) / perClass;
  }, 0) / 9;
  return { perClass, labels, outputs: outputsOf(predicted, 3), accuracyVariance };
}

Deno.test("one run: the test-set variance is the stratified binomial one", () => {
  // 2,000 resamples estimate a variance to about 3 %.
  const { perClass, labels, outputs, accuracyVariance } = stratifiedRun();
  const options = { seed: 4, resamples: 2000 };
  const accuracy = multiClassInterval(labels, [outputs], 3, "accuracy", options);
  assertAlmostEquals(accuracy.testSetVariance / accuracyVariance, 1, 0.1);
  const recall = multiClassInterval(labels, [outputs], 3, { recallOf: 1 }, options);
  assertAlmostEquals(recall.testSetVariance / (0.75 * 0.25 / perClass), 1, 0.1);
  // The half-width is t with (rarest class − 1) degrees of freedom times the standard error.
  assertEquals(recall.degreesOfFreedom, perClass - 1);
  assertAlmostEquals(
    recall.high - recall.estimate,
    studentTQuantile(0.975, perClass - 1) * Math.sqrt(recall.testSetVariance),
    1e-12,
  );
});

Deno.test("multiClassInterval refuses bad resamples and confidence, naming itself", async () => {
  const labels = [0, 1, 2, 0, 1, 2];
  const outputs = outputsOf([0, 1, 2, 0, 2, 2], 3);
  for (const resamples of [1, 1.5]) {
    await assertRejectsWith(
      () => multiClassInterval(labels, [outputs], 3, "accuracy", { seed: 1, resamples }),
      `multiClassInterval: resamples is ${resamples}; pass a whole number ≥ 2`,
    );
  }
  for (const confidence of [0, 1]) {
    await assertRejectsWith(
      () => multiClassInterval(labels, [outputs], 3, "accuracy", { seed: 1, confidence }),
      `multiClassInterval: confidence is ${confidence}; pass a share strictly between 0 and 1`,
    );
  }
});

Deno.test("one run: the bootstrap variance is unbiased even from two resamples", () => {
  // With 2 resamples each estimate is (v₁ − v₂)² / 2, unbiased but noisy (one degree of
  // freedom): averaged over 400 seeds it must come near the stratified binomial variance (its
  // standard error is about 7 % of it here); dividing by R + 1 instead would give a third.
  const { labels, outputs, accuracyVariance } = stratifiedRun();
  let total = 0;
  const runs = 400;
  for (let seed = 1; seed <= runs; seed++) {
    total += multiClassInterval(labels, [outputs], 3, "accuracy", { seed, resamples: 2 })
      .testSetVariance;
  }
  assertAlmostEquals(total / runs / accuracyVariance, 1, 0.25);
});
