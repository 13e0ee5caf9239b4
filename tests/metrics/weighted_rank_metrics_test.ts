import { assert, assertAlmostEquals, assertEquals, assertRejectsWith } from "../assert.ts";
import { averagePrecision, rocAuc } from "../../lib/metrics/auc.ts";
import {
  weightedAveragePrecision,
  weightedRocAuc,
} from "../../lib/metrics/weighted_rank_metrics.ts";
import { createRandom } from "../../lib/data/random.ts";

/** Labels, scores with many ties (two decimals), and small integer weights. */
function example(count: number, seed: number) {
  const random = createRandom(seed);
  const labels = Array.from({ length: count }, () => (random.next() < 0.2 ? 1 : 0));
  labels[0] = 1;
  labels[1] = 0;
  const scores = Float32Array.from(
    labels,
    (label) => Math.round((random.next() * 0.7 + label * 0.3) * 20) / 20,
  );
  const weights = Int32Array.from({ length: count }, () => random.int(4));
  weights[0] = 1;
  weights[1] = 1;
  return { labels, scores, weights };
}

/** Each example repeated as often as its weight says. */
function expanded(labels: number[], scores: Float32Array, weights: Int32Array) {
  const l: number[] = [];
  const s: number[] = [];
  labels.forEach((label, i) => {
    for (let k = 0; k < weights[i]; k++) {
      l.push(label);
      s.push(scores[i]);
    }
  });
  return { l, s };
}

Deno.test("with unit weights the weighted rank metrics equal rocAuc and averagePrecision", () => {
  for (const seed of [1, 2, 3]) {
    const { labels, scores } = example(300, seed);
    const ones = new Int32Array(labels.length).fill(1);
    assertAlmostEquals(weightedRocAuc(labels, scores, ones), rocAuc(labels, scores), 1e-12);
    assertAlmostEquals(
      weightedAveragePrecision(labels, scores, ones),
      averagePrecision(labels, scores),
      1e-12,
    );
  }
});

Deno.test("an integer weight counts an example that many times, ties included", () => {
  for (const seed of [4, 5, 6]) {
    const { labels, scores, weights } = example(200, seed);
    const { l, s } = expanded(labels, scores, weights);
    assertAlmostEquals(weightedRocAuc(labels, scores, weights), rocAuc(l, s), 1e-12);
    assertAlmostEquals(
      weightedAveragePrecision(labels, scores, weights),
      averagePrecision(l, s),
      1e-12,
    );
  }
});

Deno.test("the sorted order is reused but never confused between score arrays", () => {
  const labels = [1, 0, 1, 0];
  const ones = [1, 1, 1, 1];
  const good = Float32Array.from([0.9, 0.1, 0.8, 0.2]);
  const bad = Float32Array.from([0.1, 0.9, 0.2, 0.8]);
  assertEquals(weightedRocAuc(labels, good, ones), 1);
  assertEquals(weightedRocAuc(labels, bad, ones), 0);
  assertEquals(weightedRocAuc(labels, good, ones), 1);
});

Deno.test("a class without weight gives NaN, and mismatched lengths are refused", () => {
  const labels = [1, 0, 1, 0];
  const scores = [0.9, 0.1, 0.8, 0.2];
  assert(Number.isNaN(weightedRocAuc(labels, scores, [0, 1, 0, 1])));
  assert(Number.isNaN(weightedAveragePrecision(labels, scores, [0, 1, 0, 1])));
  let message = "";
  try {
    weightedRocAuc(labels, scores, [1, 1]);
  } catch (error) {
    message = (error as Error).message;
  }
  assert(message.includes("2 weights"), message);
});

Deno.test("weighted rank metrics: a zero weight drops an example; lengths must match", async () => {
  // The top-ranked negative weighs nothing, so the one positive comes first: AP 1, AUC 1.
  assertEquals(weightedAveragePrecision([0, 1, 0], [0.9, 0.5, 0.1], [0, 1, 1]), 1);
  assertEquals(weightedRocAuc([0, 1, 0], [0.9, 0.5, 0.1], [0, 1, 1]), 1);
  await assertRejectsWith(
    () => weightedRocAuc([1, 0], [0.5], [1, 1]),
    "Weighted rank metric: 2 labels, 1 scores and 2 weights; give one of each per example.",
  );
  await assertRejectsWith(
    () => weightedAveragePrecision([1, 0], [0.5, 0.4], [1]),
    "2 labels, 2 scores and 1 weights",
  );
});
