/** EarlyStopping (lib/training/callbacks/early_stopping.ts) on scripted validation losses. */
import * as tf from "@tensorflow/tfjs";
import { assert, assertEquals, assertRejectsWith } from "../../assert.ts";
import { EarlyStopping } from "../../../lib/training/callbacks/early_stopping.ts";
import { drive } from "../../fixtures/scripted_callbacks.ts";

await tf.setBackend("cpu");

Deno.test("EarlyStopping stops `patience` epochs after the best one and restores its weights", () => {
  // Best at epoch 3 (0.5); epochs 4..8 do not improve; patience 5 → stop after epoch 8.
  const stopper = new EarlyStopping({ patience: 5, restoreBestWeights: true });
  const run = drive([stopper], [0.9, 0.7, 0.5, 0.6, 0.55, 0.8, 0.51, 0.7, 0.1, 0.1]);
  assertEquals(run.epochsRun, 8);
  assertEquals(stopper.bestEpoch, 3);
  assertEquals(stopper.stoppedEpoch, 8);
  assertEquals(run.finalWeight, 3);
  assert(run.notes.some((note) => note.includes("restored the weights of epoch 3")));
});

Deno.test("EarlyStopping restores the best weights also when training runs all its epochs", () => {
  const stopper = new EarlyStopping({ patience: 5, restoreBestWeights: true });
  const run = drive([stopper], [0.9, 0.4, 0.6, 0.7]);
  assertEquals(run.epochsRun, 4);
  assertEquals(stopper.stoppedEpoch, 0);
  assertEquals(run.finalWeight, 2);
});

Deno.test("EarlyStopping without restoreBestWeights keeps the last weights; minDelta counts", () => {
  const stopper = new EarlyStopping({ patience: 2, minDelta: 0.1 });
  // 0.95 and 0.91 improve on 1.0 by less than 0.1: no improvement → stop after epoch 3.
  const run = drive([stopper], [1.0, 0.95, 0.91, 0.2]);
  assertEquals(run.epochsRun, 3);
  assertEquals(run.finalWeight, 3);
});

Deno.test("EarlyStopping's note names the metric, the epochs without improvement and the best epoch", () => {
  const run = drive([new EarlyStopping({ patience: 2 })], [0.5, 0.4, 0.45, 0.41, 0.3]);
  assertEquals(run.notes, [
    "EarlyStopping: valLoss has not improved for 2 epochs (best: epoch 2); stopping.",
  ]);
});

Deno.test("EarlyStopping with patience 0 stops at the first epoch without improvement, never after epoch 1", () => {
  // An infinite first loss is no improvement on the starting best (∞), but, as in Keras, epoch 1
  // never stops training.
  const stopper = new EarlyStopping({ patience: 0 });
  const run = drive([stopper], [Infinity, 0.5, 0.4, 0.4, 0.3]);
  assertEquals([run.epochsRun, stopper.bestEpoch, stopper.stoppedEpoch], [4, 3, 4]);
});

/** A one-weight model and a context for calling a callback's hooks by hand. */
function handContext() {
  const model = tf.sequential({
    layers: [tf.layers.dense({ units: 1, inputShape: [1], useBias: false })],
  });
  const optimizer = tf.train.sgd(1);
  return { model, optimizer, stopTraining: false, notes: [] as string[] };
}

const epochLog = (epoch: number, valLoss: number) => ({
  epoch,
  loss: 0,
  lr: 1,
  valLoss,
  seconds: 0,
});

Deno.test("EarlyStopping frees the weights it keeps, and keeps none without restoreBestWeights", () => {
  const context = handContext();
  const before = tf.memory().numTensors;
  const keeping = new EarlyStopping({ patience: 5, restoreBestWeights: true });
  for (const run of [1, 2]) {
    keeping.onTrainBegin();
    assertEquals(tf.memory().numTensors, before, `run ${run} starts with no copy kept`);
    assertEquals([keeping.bestEpoch, keeping.stoppedEpoch], [0, 0]);
    [0.5, 0.4, 0.3].forEach((valLoss, i) => keeping.onEpochEnd(epochLog(i + 1, valLoss), context));
    assertEquals(tf.memory().numTensors, before + 1, `run ${run}: one copy of the one weight`);
    assertEquals(keeping.bestEpoch, 3, `run ${run}: best epoch`);
    // Run 1 is cut short (no onTrainEnd): the next onTrainBegin frees its copy.
  }
  keeping.onTrainEnd(context);
  assertEquals(tf.memory().numTensors, before, "the copy is freed at the end");
  const plain = new EarlyStopping({ patience: 5 });
  plain.onTrainBegin();
  [0.5, 0.4].forEach((valLoss, i) => plain.onEpochEnd(epochLog(i + 1, valLoss), context));
  assertEquals(tf.memory().numTensors, before, "no copy without restoreBestWeights");
  plain.onTrainEnd(context);
  context.model.dispose();
  context.optimizer.dispose();
});

Deno.test("EarlyStopping restores nothing when no epoch improved", () => {
  const stopper = new EarlyStopping({ patience: 1, restoreBestWeights: true });
  const run = drive([stopper], [Infinity, Infinity, Infinity]);
  assertEquals([run.epochsRun, stopper.bestEpoch, run.finalWeight], [2, 0, 2]);
  assert(!run.notes.some((note) => note.includes("restored")), run.notes.join("\n"));
});

Deno.test("EarlyStopping names a metric the epoch did not log, and a bad patience", async () => {
  await assertRejectsWith(
    () => drive([new EarlyStopping({ monitor: "valAuc" })], [0.5]),
    'EarlyStopping monitors "valAuc"',
  );
  await assertRejectsWith(
    () => new EarlyStopping({ patience: -1 }),
    "EarlyStopping patience must be non-negative, got -1",
  );
});
