import { assert, assertEquals, assertRejectsWith } from "../assert.ts";
import { conditionFrames } from "../../lib/experiments/condition_frames.ts";
import {
  gridComparisons,
  gridIntervals,
  intervalOf,
  intervalTableRows,
} from "../../lib/experiments/grid_intervals.ts";
import {
  comparisonSentence,
  comparisonTableRows,
  expectSign,
  formatEstimate,
  randomScoresAveragePrecision,
} from "../../lib/statistics/condition_intervals.ts";
import {
  pairedSeedTestSetInterval,
  seedTestSetInterval,
  thresholdMetric,
} from "../../lib/statistics/seed_test_interval.ts";
import { weightedRocAuc } from "../../lib/metrics/weighted_rank_metrics.ts";
import { createRandom, deriveSeed } from "../../lib/data/random.ts";

/** 200 negatives and 20 positives. */
const labels = Uint8Array.from({ length: 220 }, (_, i) => (i < 20 ? 1 : 0));
const seeds = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];

/** Runs whose scores separate the classes by `gap` (0: random scores), one per seed. */
function runs(gap: number, runSeeds: number[], shift = 0) {
  return runSeeds.map((seed) => {
    const random = createRandom(deriveSeed(seed, Math.round(gap * 100), shift));
    return {
      seed,
      testProbabilities: Float32Array.from(labels, (label) => random.next() * 0.4 + gap * label),
    };
  });
}
const good = { name: "good", runs: runs(0.6, seeds) };
const random = { name: "random", runs: runs(0, seeds) };
const random2 = { name: "random 2", runs: runs(0, seeds, 7) };
const frames = conditionFrames([good, random, random2], labels);
const options = { seed: 1, resamples: 200 };

Deno.test("in-memory runs give the intervals seedTestSetInterval gives them, number for number", () => {
  const [f1, auc] = gridIntervals(frames, ["good"], ["f1", "rocAuc"], options);
  const scores = good.runs.map((run) => run.testProbabilities);
  const direct = (metric: Parameters<typeof seedTestSetInterval>[2]) =>
    seedTestSetInterval(labels, scores, metric, options);
  const { estimate, low, high } = direct(thresholdMetric("f1"));
  assertEquals([f1.estimate, f1.low, f1.high], [estimate, low, high]);
  const rank = direct(weightedRocAuc);
  assertEquals([auc.estimate, auc.low, auc.high], [rank.estimate, rank.low, rank.high]);
  assertEquals(f1.prevalence, 20 / 220, "the default share is the test set's own");
  const [gap] = gridComparisons(frames, [{ a: "good", b: "random", metric: "f1" }], options);
  const paired = pairedSeedTestSetInterval(
    labels,
    scores,
    random.runs.map((run) => run.testProbabilities),
    thresholdMetric("f1"),
    options,
  );
  assertEquals([gap.difference.low, gap.difference.high], [paired.low, paired.high]);
});

Deno.test("a separating condition clears the trivial bars; random scores do not", () => {
  const intervals = gridIntervals(frames, ["good", "random"], ["rocAuc", "prAuc", "f1"], options);
  const find = (condition: string, metric: "rocAuc" | "prAuc") =>
    intervalOf(intervals, condition, metric);
  assert(find("good", "rocAuc").clearsTrivial && find("good", "prAuc").clearsTrivial);
  assert(!find("random", "rocAuc").clearsTrivial, formatEstimate(find("random", "rocAuc")));
  assert(!find("random", "prAuc").clearsTrivial, formatEstimate(find("random", "prAuc")));
  const rows = intervalTableRows(intervals, { rocAuc: "ROC AUC" });
  assertEquals(rows.length, 3, "two conditions and the trivial rules");
  assert(rows[1]["ROC AUC"].endsWith(" *"), "a result not clearing its bar is marked");
  assert(!rows[0]["ROC AUC"].endsWith(" *"));
  // At the set's own share, random scores' PR AUC is simulated for its 20 positives: above π.
  const randomAp = randomScoresAveragePrecision(20, 200);
  assertEquals(rows[2].prAuc, `random scores ${randomAp.toFixed(3)} (π 0.091)`);
  assertEquals(find("good", "prAuc").trivial!.bar, randomAp);
  // Reweighted to another share, the bar is that share.
  const [reweighted] = gridIntervals(frames, ["random"], ["prAuc"], {
    ...options,
    prevalence: () => 0.5,
  });
  assertEquals(reweighted.trivial!.bar, 0.5);
});

Deno.test("paired differences settle signs, and expectSign throws when a stated sign is reversed", async () => {
  const comparisons = gridComparisons(frames, [
    { a: "good", b: "random", metric: "rocAuc" },
    { a: "random", b: "good", metric: "rocAuc" },
    { a: "random", b: "random 2", metric: "rocAuc" },
  ], { seed: 2, resamples: 200 });
  assertEquals(comparisons.map((comparison) => comparison.sign), [1, -1, 0]);
  assert(comparisonSentence(comparisons[0]).endsWith("good is higher."));
  assertEquals(comparisonTableRows(comparisons)[1].settles, "random lower");
  assertEquals(comparisonTableRows(comparisons)[0].metric, "rocAuc");
  assertEquals(comparisonTableRows(comparisons, { rocAuc: "ROC AUC" })[0].metric, "ROC AUC");
  expectSign(comparisons, "good", "random", "rocAuc", 1);
  await assertRejectsWith(
    () => expectSign(comparisons, "good", "random", "rocAuc", -1),
    "Rewrite the conclusion",
  );
  const unpaired = conditionFrames(
    [good, { name: "other seeds", runs: runs(0, [2, 1, 3]) }],
    labels,
  );
  await assertRejectsWith(
    () => gridComparisons(unpaired, [{ a: "good", b: "other seeds", metric: "f1" }], options),
    "same seeds",
  );
  await assertRejectsWith(
    () => gridComparisons(frames, [{ a: "good", b: "other", metric: "f1" }], options),
    'No grid point named "other"',
  );
});

Deno.test("intervalOf names the conditions when it cannot find one", async () => {
  const intervals = gridIntervals(frames, ["good"], ["f1"], { seed: 1, resamples: 50 });
  assertEquals(intervalOf(intervals, "good", "f1").metric, "f1");
  await assertRejectsWith(() => intervalOf(intervals, "bad", "f1"), "the conditions are: good");
});

Deno.test("conditionFrames refuses what it cannot lay out, naming the fix", async () => {
  await assertRejectsWith(() => conditionFrames([], labels), "no conditions");
  await assertRejectsWith(() => conditionFrames([good, good], labels), '"good" is used twice');
  await assertRejectsWith(
    () => conditionFrames([{ name: "empty", runs: [] }], labels),
    '"empty" has no runs',
  );
  await assertRejectsWith(
    () =>
      conditionFrames([{ name: "short", runs: [{ seed: 1, testProbabilities: [0.5] }] }], labels),
    "1 test probabilities for 220 labels",
  );
  const built = conditionFrames([good], labels);
  assertEquals(built.runs.height, seeds.length);
  assertEquals(built.testPredictions.height, seeds.length * labels.length);
  assertEquals(built.validationPredictions.height, 0);
});

Deno.test("conditionFrames types every column as a stored grid does, the empty validation frame too", () => {
  const built = conditionFrames([{ name: "a", runs: [{ seed: 3, testProbabilities: [0.25] }] }], [
    1,
  ]);
  const types = (frame: typeof built.runs) =>
    Object.fromEntries(frame.columns.map((name) => [name, frame.getColumn(name).dtype.toString()]));
  const predictionTypes = {
    condition: "DataType(String)",
    seed: "DataType(Int64)",
    example: "DataType(Int64)",
    probability: "DataType(Float64)",
    label: "DataType(Int64)",
  };
  assertEquals(types(built.runs), { condition: "DataType(String)", seed: "DataType(Int64)" });
  assertEquals(types(built.testPredictions), predictionTypes);
  assertEquals(types(built.validationPredictions), predictionTypes);
  assertEquals(built.testPredictions.toRecords(), [
    { condition: "a", seed: 3, example: 0, probability: 0.25, label: 1 },
  ]);
});
