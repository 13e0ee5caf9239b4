import type * as tf from "@tensorflow/tfjs";
import pl from "nodejs-polars";
import { assertAlmostEquals, assertEquals, assertRejectsWith } from "../assert.ts";
import { prepareDataset } from "../../lib/data/batches.ts";
import { selectEngine } from "../../lib/engine/select_engine.ts";
import { runSeeds } from "../../lib/experiments/repeated_runs.ts";
import { scorePredictions } from "../../lib/metrics/evaluate.ts";
import { noiseImageSet } from "../fixtures/noise_images.ts";
import type { ConditionResult } from "../../lib/experiments/experiment.ts";
import type { History } from "../../lib/training/history.ts";
import {
  historiesFrame,
  predictionsFrame,
  resultsFrame,
} from "../../lib/experiments/runs_frame.ts";

await selectEngine({ backend: "wasm", log: () => {} });

const labels = [1, 0, 0, 1];

/** A column's values, nulls included. */
function values(frame: pl.DataFrame, column: string): unknown[] {
  return [...frame.getColumn(column).toArray()];
}

/** A finished run without training: the history and probabilities are made up. */
function fakeRun(name: string, seed: number, probabilities: number[], history: History) {
  return {
    name,
    settings: {},
    seed,
    trainClassCounts: [2, 2],
    history,
    test: scorePredictions(labels, probabilities),
    testProbabilities: Float32Array.from(probabilities),
    testLabels: Uint8Array.from(labels),
    seconds: seed / 10,
    model: {} as tf.LayersModel,
  } satisfies ConditionResult;
}

const epoch = (number: number, loss: number, valLoss?: number) => ({
  epoch: number,
  loss,
  lr: 0.001,
  seconds: 1,
  ...(valLoss === undefined ? {} : { valLoss, valTp: 1, valFp: 0, valTn: 2, valFn: 1 }),
});

const results = [
  // tp 2 (0.9, 0.75), fp 1 (0.6), tn 1, fn 0; validation loss lowest at epoch 2.
  fakeRun("weighted", 1, [0.9, 0.6, 0.25, 0.75], [
    epoch(1, 0.7, 0.6),
    epoch(2, 0.5, 0.4),
    epoch(3, 0.3, 0.45),
  ]),
  // tp 1, fp 0, tn 2, fn 1; no validation set.
  fakeRun("plain", 2, [0.8, 0.5, 0.25, 0.5], [epoch(1, 0.6)]),
];

Deno.test("resultsFrame: one row per run with typed columns and the test metrics", () => {
  const frame = resultsFrame(results);
  assertEquals(frame.height, 2);
  assertEquals(frame.columns.slice(0, 6), [
    "condition",
    "seed",
    "epochs",
    "bestEpoch",
    "seconds",
    "loss",
  ]);
  assertEquals(frame.getColumn("condition").toArray(), ["weighted", "plain"]);
  assertEquals(frame.getColumn("seed").dtype.toString(), pl.Int64.toString());
  assertEquals(frame.getColumn("epochs").toArray(), [3, 1]);
  assertEquals(values(frame, "bestEpoch"), [2, null]);
  assertEquals(frame.getColumn("tp").toArray(), [2, 1]);
  assertEquals(frame.getColumn("fp").toArray(), [1, 0]);
  assertEquals(frame.getColumn("tn").toArray(), [1, 2]);
  assertEquals(frame.getColumn("fn").toArray(), [0, 1]);
  const precision = frame.getColumn("precision").toArray() as number[];
  assertAlmostEquals(precision[0], 2 / 3, 1e-12);
  assertEquals(precision[1], 1);
  // Aggregating over runs is a polars one-liner.
  const meanRecall = frame.select(pl.col("recall").mean()).getColumn("recall").toArray()[0];
  assertAlmostEquals(meanRecall as number, 0.75, 1e-12);
});

Deno.test("historiesFrame: one row per run and epoch, missing validation fields null", () => {
  const frame = historiesFrame(results);
  assertEquals(frame.height, 4);
  assertEquals(frame.getColumn("condition").toArray(), [
    "weighted",
    "weighted",
    "weighted",
    "plain",
  ]);
  assertEquals(frame.getColumn("epoch").toArray(), [1, 2, 3, 1]);
  assertEquals(values(frame, "valLoss"), [0.6, 0.4, 0.45, null]);
  assertEquals(values(frame, "valTp"), [1, 1, 1, null]);
  assertEquals(frame.getColumn("valTp").dtype.toString(), pl.Int64.toString());
});

Deno.test("predictionsFrame: one row per run and test example, with its label", () => {
  const frame = predictionsFrame(results);
  assertEquals(frame.columns, ["condition", "seed", "example", "probability", "label"]);
  assertEquals(frame.height, 8);
  assertEquals(frame.getColumn("example").toArray(), [0, 1, 2, 3, 0, 1, 2, 3]);
  assertEquals(frame.getColumn("seed").toArray(), [1, 1, 1, 1, 2, 2, 2, 2]);
  assertEquals(frame.getColumn("label").toArray(), [...labels, ...labels]);
  assertEquals(frame.getColumn("probability").toArray()[3], 0.75);
});

Deno.test("the run frames explain bad input", async () => {
  await assertRejectsWith(() => resultsFrame([]), "resultsFrame: no results");
  await assertRejectsWith(() => historiesFrame([]), "historiesFrame: no results");
  await assertRejectsWith(
    () => predictionsFrame([]),
    "predictionsFrame: no results; pass the runs of runSeeds.",
  );
  await assertRejectsWith(
    () => predictionsFrame(results, "validation"),
    'run 0 ("weighted", seed 1) has no validation predictions',
  );
});

/** 8x8 noise images, every fourth one a dog. */
const tinyImageSet = (count: number) => noiseImageSet(count, 7);

Deno.test("the frames of real runSeeds runs: a row per run, per epoch, per test example with its label", async () => {
  const images = tinyImageSet(16);
  const all = [...images.labels.keys()];
  const test = { source: images, indices: all.slice(0, 6) }; // labels 1, 0, 0, 0, 1, 0
  const results = await runSeeds([4, 9], (seed) => ({
    name: "tiny",
    train: prepareDataset(images, [all.slice(6)], { seed, batchSize: 5 }),
    validation: test,
    test,
    epochs: 2,
    progress: "none",
  }));
  const [frame, histories, predictions] = [
    resultsFrame(results),
    historiesFrame(results),
    predictionsFrame(results),
  ];
  try {
    assertEquals(results.map((result) => result.seed), [4, 9]);
    assertEquals(frame.getColumn("seed").toArray(), [4, 9]);
    assertEquals(frame.getColumn("epochs").toArray(), [2, 2]);
    assertEquals(frame.getColumn("tp").toArray(), results.map((result) => result.test.tp));
    assertEquals(histories.getColumn("epoch").toArray(), [1, 2, 1, 2]);
    assertEquals(predictions.height, 12);
    assertEquals(predictions.getColumn("label").toArray(), [1, 0, 0, 0, 1, 0, 1, 0, 0, 0, 1, 0]);
    assertEquals(
      predictions.getColumn("probability").toArray(),
      results.flatMap((result) => [...result.testProbabilities]),
    );
  } finally {
    results.forEach((result) => result.model.dispose());
  }
});

/** Each column's name and data type, in order. */
function schema(frame: pl.DataFrame): [string, string][] {
  return frame.columns.map((column) => [column, frame.getColumn(column).dtype.toString()]);
}

const int = pl.Int64.toString();
const float = pl.Float64.toString();
const text = pl.String.toString();

Deno.test("resultsFrame: every column, its type and each run's values", () => {
  const frame = resultsFrame(results);
  const testKeys = [
    ["loss", float],
    ["accuracy", float],
    ["precision", float],
    ["recall", float],
    ["f1", float],
    ["specificity", float],
    ["balancedAccuracy", float],
    ["auc", float],
    ["prAuc", float],
    ["tp", int],
    ["fp", int],
    ["tn", int],
    ["fn", int],
    ["count", int],
    ["prevalence", float],
    ["threshold", float],
  ] as const;
  assertEquals(schema(frame), [
    ["condition", text],
    ["seed", int],
    ["epochs", int],
    ["bestEpoch", int],
    ["seconds", float],
    ...testKeys,
  ]);
  assertEquals(values(frame, "seconds"), [0.1, 0.2]);
  for (const [key] of testKeys) {
    assertEquals(values(frame, key), results.map((result) => result.test[key]), key);
  }
  // The fixture's metrics are fractions, so an integer column would have changed them.
  assertEquals(values(frame, "specificity"), [0.5, 1]);
});

Deno.test("historiesFrame: every column, its type and each epoch's values", () => {
  const logged = [
    fakeRun("a", 3, [0.9, 0.6, 0.25, 0.75], [{
      epoch: 1,
      loss: 0.75,
      lr: 0.125,
      valLoss: 0.5,
      valTp: 1,
      valFp: 2,
      valTn: 3,
      valFn: 4,
      valAccuracy: 0.25,
      valPrecision: 0.375,
      valRecall: 0.625,
      valAuc: 0.875,
      seconds: 1.5,
    }]),
    fakeRun("b", 4, [0.8, 0.5, 0.25, 0.5], [epoch(1, 0.5)]),
  ];
  const frame = historiesFrame(logged);
  const keys = [
    ["loss", float],
    ["lr", float],
    ["valLoss", float],
    ["valTp", int],
    ["valFp", int],
    ["valTn", int],
    ["valFn", int],
    ["valAccuracy", float],
    ["valPrecision", float],
    ["valRecall", float],
    ["valAuc", float],
    ["seconds", float],
  ] as const;
  assertEquals(schema(frame), [["condition", text], ["seed", int], ["epoch", int], ...keys]);
  assertEquals(values(frame, "seed"), [3, 4]);
  for (const [key] of keys) {
    assertEquals(
      values(frame, key),
      logged.map((run) => run.history[0][key] ?? null),
      key,
    );
  }
});

Deno.test("predictionsFrame: the validation set's predictions, and a run with half of them refused", async () => {
  const withValidation = results.map((result, run) => ({
    ...result,
    validationProbabilities: Float32Array.of(0.5 + run / 4, 0.125),
    validationLabels: Uint8Array.of(1, 0),
  }));
  const frame = predictionsFrame(withValidation, "validation");
  assertEquals(values(frame, "condition"), ["weighted", "weighted", "plain", "plain"]);
  assertEquals(values(frame, "example"), [0, 1, 0, 1]);
  assertEquals(values(frame, "probability"), [0.5, 0.125, 0.75, 0.125]);
  assertEquals(values(frame, "label"), [1, 0, 1, 0]);
  await assertRejectsWith(
    () => predictionsFrame([{ ...withValidation[0], validationLabels: undefined }], "validation"),
    'predictionsFrame: run 0 ("weighted", seed 1) has no validation predictions',
    "give its condition a validation set",
  );
});

Deno.test("resultsFrame: the best epoch is the first of tied validation losses", () => {
  const tied = fakeRun("tied", 1, [0.9, 0.6, 0.25, 0.75], [
    epoch(1, 0.7, 0.5),
    epoch(2, 0.6, 0.4),
    epoch(3, 0.5, 0.4),
  ]);
  assertEquals(values(resultsFrame([tied]), "bestEpoch"), [2]);
});
