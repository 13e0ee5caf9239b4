import { assert, assertAlmostEquals, assertEquals, assertRejectsWith } from "../assert.ts";
import {
  formatMeanSd,
  metricLabel,
  type ResultMetric,
  summarize,
  summarizeResults,
  summaryBars,
  summaryTableRows,
} from "../../lib/experiments/run_summary.ts";
import type { ConditionResult } from "../../lib/experiments/experiment.ts";
import { scorePredictions } from "../../lib/metrics/evaluate.ts";
import type { History } from "../../lib/training/history.ts";

/** A run without a model: only what the summaries read (name, history, test). */
function fakeResult(name: string, seed: number, correct: number, valLosses: number[]) {
  // 10 test examples, 5 dogs; the first `correct` are predicted right, the rest wrong.
  const labels = [1, 1, 1, 1, 1, 0, 0, 0, 0, 0];
  const probabilities = labels.map((label, index) =>
    index < correct ? (label ? 0.9 : 0.1) : (label ? 0.1 : 0.9)
  );
  const history: History = valLosses.map((valLoss, index) => ({
    epoch: index + 1,
    loss: 1,
    valLoss,
    lr: 1e-3,
    seconds: 1,
  }));
  return {
    name,
    seed,
    history,
    test: scorePredictions(labels, probabilities),
    testProbabilities: Float32Array.from(probabilities),
    seconds: 1,
    model: null,
  } as unknown as ConditionResult;
}

Deno.test("summarize: mean and sample standard deviation, hand-worked", () => {
  // 0.80, 0.82, 0.84: mean 0.82; deviations ±0.02 and 0 → variance 0.0008/2 = 0.0004, sd 0.02.
  const rows = summarize([
    { condition: "a", metric: "accuracy", value: 0.8 },
    { condition: "a", metric: "accuracy", value: 0.84 },
    { condition: "b", metric: "accuracy", value: 0.5 },
    { condition: "a", metric: "accuracy", value: 0.82 },
    { condition: "a", metric: "recall", value: 2 },
    { condition: "a", metric: "recall", value: 4 },
  ]);
  assertEquals(rows.map((row) => [row.condition, row.metric, row.n]), [
    ["a", "accuracy", 3],
    ["a", "recall", 2],
    ["b", "accuracy", 1],
  ]);
  assertAlmostEquals(rows[0].mean, 0.82, 1e-12);
  assertAlmostEquals(rows[0].sd, 0.02, 1e-12);
  // 2 and 4: mean 3, sd √2 (n − 1, not n: the population sd would be 1).
  assertAlmostEquals(rows[1].sd, Math.SQRT2, 1e-12);
  assert(Number.isNaN(rows[2].sd), "one run has no sample standard deviation");
});

Deno.test("formatMeanSd: '0.812 ± 0.021', and a single run says so", () => {
  assertEquals(formatMeanSd({ mean: 0.8123, sd: 0.0214, n: 3 }), "0.812 ± 0.021");
  assertEquals(formatMeanSd({ mean: 12.5, sd: 1.25, n: 3 }, 1), "12.5 ± 1.3");
  assertEquals(formatMeanSd({ mean: 0.8123, sd: NaN, n: 1 }), "0.812 (1 run)");
});

Deno.test("summarizeResults groups runs by condition; epochs and bestEpoch come from the history", () => {
  const results = [
    fakeResult("balanced", 1, 10, [0.5, 0.4, 0.45]),
    fakeResult("balanced", 2, 8, [0.5, 0.3, 0.3, 0.35]),
    fakeResult("representative", 1, 6, [0.6]),
  ];
  const rows = summarizeResults(results, ["accuracy", "epochs", "bestEpoch"]);
  const get = (condition: string, metric: string) =>
    rows.find((row) => row.condition === condition && row.metric === metric)!;
  // Accuracies 1.0 and 0.8: mean 0.9, sd √(0.02) ≈ 0.1414.
  assertAlmostEquals(get("balanced", "accuracy").mean, 0.9, 1e-12);
  assertAlmostEquals(get("balanced", "accuracy").sd, Math.sqrt(0.02), 1e-12);
  assertEquals(get("balanced", "epochs").mean, 3.5);
  // Best epochs: 2, and 2 again (the first of the tied minima, as EarlyStopping keeps it).
  assertEquals(get("balanced", "bestEpoch").mean, 2);
  assertEquals(get("representative", "accuracy").n, 1);
  // The default metrics are the series' test metrics plus AUC.
  assertEquals(
    [...new Set(summarizeResults(results).map((row) => row.metric))],
    ["accuracy", "precision", "recall", "f1", "auc"],
  );
});

Deno.test("summaryTableRows pivots to one row per condition; summaryBars keeps sd only with spread", () => {
  const rows = summarize([
    { condition: "a", metric: "precision", value: 0.8 },
    { condition: "a", metric: "precision", value: 0.84 },
    { condition: "a", metric: "recall", value: 0.5 },
    { condition: "a", metric: "recall", value: 0.7 },
    { condition: "b", metric: "precision", value: 0.6 },
  ]);
  assertEquals(summaryTableRows(rows), [
    { condition: "a", runs: 2, precision: "0.820 ± 0.028", recall: "0.600 ± 0.141" },
    { condition: "b", runs: 1, precision: "0.600 (1 run)" },
  ]);
  const bars = summaryBars(rows);
  assertAlmostEquals(bars[0].sd!, Math.sqrt(0.0008), 1e-12);
  assertEquals("sd" in bars[2], false);
});

Deno.test("summaries reject empty and non-finite input", async () => {
  await assertRejectsWith(() => summarize([]), "no measurements");
  await assertRejectsWith(
    () => summarize([{ condition: "a", metric: "f1", value: NaN }]),
    "(a, f1) is NaN",
  );
  await assertRejectsWith(() => summarizeResults([]), "no results");
  await assertRejectsWith(
    () => summarizeResults([fakeResult("x", 1, 5, [])], ["bestEpoch"]),
    "no validation loss",
  );
});

Deno.test("metricLabel names the two AUCs; the tables and bars use it", () => {
  assertEquals(
    ["auc", "prAuc", "f1"].map(metricLabel),
    ["ROC AUC", "PR AUC", "f1"],
  );
  const rows = summarize([
    { condition: "a", metric: "auc", value: 0.9 },
    { condition: "a", metric: "prAuc", value: 0.4 },
  ]);
  assertEquals(summaryTableRows(rows), [
    { condition: "a", runs: 1, "ROC AUC": "0.900 (1 run)", "PR AUC": "0.400 (1 run)" },
  ]);
  assertEquals(summaryBars(rows).map((bar) => bar.metric), ["ROC AUC", "PR AUC"]);
});

Deno.test("formatMeanSd: one run shows no spread even with a defined sd", () => {
  assertEquals(formatMeanSd({ mean: 0.5, sd: 0, n: 1 }), "0.500 (1 run)");
});

Deno.test("summarizeResults: bestEpoch skips epochs without a validation loss", () => {
  const result = fakeResult("sparse", 1, 10, [0.5, 0.4]);
  // Epoch 1 was not validated; epochs 2 and 3 were (losses 0.5, then 0.4).
  const unvalidated = { epoch: 1, loss: 1, lr: 1e-3, seconds: 1 };
  result.history = [
    unvalidated,
    ...result.history.map((log) => ({ ...log, epoch: log.epoch + 1 })),
  ];
  assertEquals(summarizeResults([result], ["bestEpoch"])[0].mean, 3);
});

Deno.test("summaries' errors name the problem and the fix", async () => {
  await assertRejectsWith(
    () => summarize([{ condition: "a", metric: "f1", value: Infinity }]),
    "(a, f1) is Infinity",
    "pass finite numbers",
  );
  await assertRejectsWith(
    () => summarizeResults([fakeResult("x", 1, 5, [0.5])], []),
    "summarizeResults: no metrics; e.g. accuracy, precision, recall, f1, auc.",
  );
  await assertRejectsWith(
    () => summarizeResults([fakeResult("x", 3, 5, [])], ["bestEpoch"]),
    '"x" (seed 3) has no validation loss',
    "give the condition a validation set or drop bestEpoch",
  );
  await assertRejectsWith(
    () => summarizeResults([fakeResult("x", 1, 5, [0.5])], ["valLoss" as ResultMetric]),
    '"valLoss" is not a numeric test metric; use one of accuracy, precision, recall, f1, auc, loss',
  );
});
