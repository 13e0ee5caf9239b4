/**
 * The coverage of `multiClassInterval`'s one-run interval, checked by simulating 600 test sets
 * with a known truth (seconds, but a minute and more under mutation testing's instrumentation);
 * kept apart from the unit tests in multi_class_interval_test.ts for that reason.
 */
import { assert } from "../assert.ts";
import { multiClassInterval } from "../../lib/statistics/multi_class_interval.ts";
import { createRandom } from "../../lib/data/random.ts";

/** Softmax-like outputs that put 0.8 on each predicted class. */
function outputsOf(predicted: readonly number[], classCount: number): Float32Array {
  return Float32Array.from(
    predicted.flatMap((p) =>
      Array.from({ length: classCount }, (_, c) => (c === p ? 0.8 : 0.2 / (classCount - 1)))
    ),
  );
}

Deno.test("one run: nominal 95 % intervals cover the true accuracy and recall 93–97 % of the time", () => {
  // A classifier that gets class c right with probability hit[c]; test sets of 300 per class.
  const hit = [0.97, 0.9, 0.75];
  const perClass = 300;
  const labels = Array.from({ length: 3 * perClass }, (_, i) => Math.floor(i / perClass));
  const trueAccuracy = (hit[0] + hit[1] + hit[2]) / 3;
  const random = createRandom(7);
  const simulations = 600;
  let coveredAccuracy = 0;
  let coveredRecall = 0;
  for (let s = 0; s < simulations; s++) {
    const predicted = labels.map((label) =>
      random.next() < hit[label] ? label : (label + 1 + random.int(2)) % 3
    );
    const outputs = outputsOf(predicted, 3);
    const options = { seed: s + 1, resamples: 200 };
    const accuracy = multiClassInterval(labels, [outputs], 3, "accuracy", options);
    if (accuracy.low <= trueAccuracy && trueAccuracy <= accuracy.high) coveredAccuracy++;
    const recall = multiClassInterval(labels, [outputs], 3, { recallOf: 2 }, options);
    if (recall.low <= hit[2] && hit[2] <= recall.high) coveredRecall++;
  }
  for (const [name, covered] of [["accuracy", coveredAccuracy], ["recall", coveredRecall]]) {
    const share = Number(covered) / simulations;
    assert(share >= 0.93 && share <= 0.97, `${name} coverage ${share}`);
  }
});
