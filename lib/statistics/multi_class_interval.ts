/**
 * Intervals for a multi-class classifier's test accuracy or one class's
 * recall (MNIST's ten digits, say), from its softmax outputs. With two or
 * more seeds this is `seedTestSetInterval` over the predicted classes: seed
 * and test-set noise. One run cannot measure its seed-to-seed variation, so
 * its interval counts the finite test set only, and says so (`seeds` 1,
 * `seedVariance` NaN): the setup's own uncertainty is wider.
 */
import { createRandom } from "../data/random.ts";
import { argmaxRows } from "../metrics/per_class_metrics.ts";
import {
  type SeedTestSetInterval,
  seedTestSetInterval,
  type SeedTestSetIntervalOptions,
  studentTQuantile,
  type WeightedMetric,
} from "./seed_test_interval.ts";

/** Accuracy over all classes, or the recall of one class ("of the 2s, how many were called 2?"). */
export type MultiClassMetric = "accuracy" | { recallOf: number };

/**
 * The metric as a {@link WeightedMetric} of labels and predicted classes
 * (not scores): the weighted share of examples (of class `recallOf`, for a
 * recall) whose predicted class is their label; NaN when no example counts.
 */
export function multiClassMetric(metric: MultiClassMetric): WeightedMetric {
  const only = metric === "accuracy" ? undefined : metric.recallOf;
  return (labels, predictions, weights) => {
    let hits = 0;
    let total = 0;
    for (let i = 0; i < labels.length; i++) {
      if (weights[i] === 0 || (only !== undefined && labels[i] !== only)) continue;
      total += weights[i];
      if (predictions[i] === labels[i]) hits += weights[i];
    }
    return total === 0 ? NaN : hits / total;
  };
}

/**
 * The mean over runs of `metric` on one test set, with a 95 % interval (or
 * `options.confidence`). `outputsBySeed[j]` holds run j's softmax outputs,
 * one row of `classCount` values per test example, in the order of
 * `testLabels`. Two or more runs: seed and test-set noise
 * (`seedTestSetInterval`). One run: a bootstrap over the test examples, each
 * class resampled apart, gives the test-set variance, and the interval is a
 * Student t interval with one less degree of freedom than the rarest class's
 * count, as the test-set term of `seedTestSetInterval`.
 *
 * @example
 * ```ts
 * import { multiClassInterval } from "./multi_class_interval.ts";
 * const labels = [0, 1, 2, 0, 1, 2, 0, 1, 2, 0, 1, 2];
 * // One run: right on all but the last example (predicted 0, label 2).
 * const outputs = labels.flatMap((label, i) =>
 *   [0, 1, 2].map((c) => (c === (i === 11 ? 0 : label) ? 0.8 : 0.1))
 * );
 * const accuracy = multiClassInterval(labels, [outputs], 3, "accuracy", { seed: 1 });
 * if (accuracy.estimate !== 11 / 12 || !(accuracy.low < accuracy.estimate)) {
 *   throw new Error(`accuracy ${JSON.stringify(accuracy)}`);
 * }
 * const recall2 = multiClassInterval(labels, [outputs], 3, { recallOf: 2 }, { seed: 1 });
 * if (recall2.estimate !== 3 / 4) throw new Error(`recall of 2: ${recall2.estimate}`);
 * ```
 */
export function multiClassInterval(
  testLabels: ArrayLike<number>,
  outputsBySeed: readonly ArrayLike<number>[],
  classCount: number,
  metric: MultiClassMetric,
  options: SeedTestSetIntervalOptions,
): SeedTestSetInterval {
  if (outputsBySeed.length === 0) {
    throw new Error("multiClassInterval: no runs; pass the softmax outputs of at least one run.");
  }
  const predictions = outputsBySeed.map((outputs, j) => {
    if (outputs.length !== testLabels.length * classCount) {
      throw new Error(
        `multiClassInterval: run ${j} has ${outputs.length} outputs for ${testLabels.length} ` +
          `labels and ${classCount} classes; pass one row of class probabilities per label.`,
      );
    }
    return argmaxRows(outputs, classCount);
  });
  const weighted = multiClassMetric(metric);
  if (predictions.length >= 2) {
    return seedTestSetInterval(testLabels, predictions, weighted, options);
  }
  return singleRunInterval(testLabels, predictions[0], weighted, options);
}

/** One run's metric with an interval for the finite test set only (stratified bootstrap). */
function singleRunInterval(
  labels: ArrayLike<number>,
  predictions: ArrayLike<number>,
  metric: WeightedMetric,
  options: SeedTestSetIntervalOptions,
): SeedTestSetInterval {
  const { seed, resamples = 1000, confidence = 0.95 } = options;
  if (!Number.isInteger(resamples) || resamples < 2) {
    throw new Error(
      `multiClassInterval: resamples is ${resamples}; pass a whole number ≥ 2, e.g. 1000.`,
    );
  }
  if (!(confidence > 0 && confidence < 1)) {
    throw new Error(
      `multiClassInterval: confidence is ${confidence}; pass a share strictly between 0 and 1.`,
    );
  }
  const estimate = metric(labels, predictions, new Int32Array(labels.length).fill(1));
  if (!Number.isFinite(estimate)) {
    throw new Error(
      "multiClassInterval: the metric is undefined on this test set (the class has no example); " +
        "ask for the recall of a class the test set holds.",
    );
  }
  const classes = new Map<number, number[]>();
  for (let i = 0; i < labels.length; i++) {
    const members = classes.get(labels[i]);
    if (members) members.push(i);
    else classes.set(labels[i], [i]);
  }
  const random = createRandom(seed);
  const weights = new Int32Array(labels.length);
  const values: number[] = [];
  for (let draw = 0; draw < resamples; draw++) {
    weights.fill(0);
    for (const members of classes.values()) {
      for (let k = 0; k < members.length; k++) weights[members[random.int(members.length)]]++;
    }
    values.push(metric(labels, predictions, weights));
  }
  const center = values.reduce((sum, value) => sum + value, 0) / resamples;
  const testSetVariance = values.reduce((sum, value) => sum + (value - center) ** 2, 0) /
    (resamples - 1);
  const rarest = Math.min(...[...classes.values()].map((members) => members.length));
  const degreesOfFreedom = Math.max(1, rarest - 1);
  const half = testSetVariance === 0
    ? 0
    : studentTQuantile((1 + confidence) / 2, degreesOfFreedom) * Math.sqrt(testSetVariance);
  return {
    estimate,
    low: estimate - half,
    high: estimate + half,
    seeds: 1,
    seedVariance: NaN,
    testSetVariance,
    degreesOfFreedom,
  };
}
