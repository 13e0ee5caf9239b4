/** EarlyStopping (lib/training/callbacks/early_stopping.ts) on scripted validation losses. */
import * as tf from "@tensorflow/tfjs";
import { assert, assertEquals } from "../../assert.ts";
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

Deno.test("EarlyStopping rejects bad options", () => {
  let thrown = false;
  try {
    new EarlyStopping({ patience: -1 });
  } catch {
    thrown = true;
  }
  assert(thrown, "patience -1 was accepted");
});
