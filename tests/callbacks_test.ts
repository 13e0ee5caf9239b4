import * as tf from "@tensorflow/tfjs";
import { assert, assertEquals } from "./assert.ts";
import type { TrainingCallback, TrainingContext } from "../lib/callbacks/callback.ts";
import { EarlyStopping } from "../lib/callbacks/early_stopping.ts";
import { ReduceLROnPlateau } from "../lib/callbacks/reduce_lr_on_plateau.ts";
import type { EpochLog } from "../lib/history.ts";
import { getLearningRate } from "../lib/learning_rate.ts";

await tf.setBackend("cpu");

/** A one-weight model whose weight we set to the epoch number, to see which epoch's weights end up in it. */
function oneWeightModel(): tf.Sequential {
  const model = tf.sequential();
  model.add(tf.layers.dense({ units: 1, inputShape: [1], useBias: false }));
  return model;
}

/**
 * Drives callbacks the way trainModel does, with a scripted sequence of
 * validation losses; the model's weight is set to the epoch number before
 * each epoch ends. Returns the learning rate in force at each epoch and the
 * epochs that ran.
 */
function drive(callbacks: TrainingCallback[], valLosses: number[], learningRate = 1) {
  const model = oneWeightModel();
  const optimizer = tf.train.adam(learningRate);
  const context: TrainingContext = { model, optimizer, stopTraining: false, notes: [] };
  const rates: number[] = [];
  callbacks.forEach((callback) => callback.onTrainBegin?.(context));
  for (let epoch = 1; epoch <= valLosses.length && !context.stopTraining; epoch++) {
    model.setWeights([tf.tensor2d([[epoch]])]);
    const log: EpochLog = {
      epoch,
      loss: 0,
      valLoss: valLosses[epoch - 1],
      lr: getLearningRate(optimizer),
      seconds: 0,
    };
    rates.push(log.lr);
    callbacks.forEach((callback) => callback.onEpochEnd?.(log, context));
  }
  callbacks.forEach((callback) => callback.onTrainEnd?.(context));
  const finalWeight = model.getWeights()[0].dataSync()[0];
  return { rates, epochsRun: rates.length, finalWeight, notes: context.notes };
}

Deno.test("ReduceLROnPlateau reduces after `patience` epochs without improvement, then counts anew", () => {
  // epoch:  1    2    3     4     5     6     7    8
  // best:   1.0  0.9  0.9   0.9   ->lr  0.85  ...
  // 3 and 4 do not improve on 0.9 → reduce after epoch 4 (rate from epoch 5 on);
  // 5 does not improve (wait 1), 6 improves, 7 and 8 do not → reduce after epoch 8.
  const { rates } = drive(
    [new ReduceLROnPlateau({ patience: 2, factor: 0.5 })],
    [1.0, 0.9, 0.95, 0.96, 0.97, 0.85, 0.9, 0.9, 0.9],
  );
  assertEquals(rates, [1, 1, 1, 1, 0.5, 0.5, 0.5, 0.5, 0.25]);
});

Deno.test("ReduceLROnPlateau: minDelta, cooldown and minLr", () => {
  // Improvements smaller than minDelta 0.1 do not count: 0.95 and 0.9 are plateaus after 1.0.
  const small = drive([new ReduceLROnPlateau({ patience: 2, factor: 0.1, minDelta: 0.1 })], [
    1.0,
    0.95,
    0.9,
    0.5,
  ]);
  assertEquals(small.rates.map((rate) => Number(rate.toPrecision(3))), [1, 1, 1, 0.1]);
  // Cooldown 2, as Keras counts it: the reduction after epoch 2 sets the counter to 2; epoch 3
  // decrements it to 1 and is not counted; epoch 4 decrements it to 0 and is counted again,
  // so with patience 1 the next reduction comes after epoch 4 (not 5).
  const cooled = drive([new ReduceLROnPlateau({ patience: 1, factor: 0.5, cooldown: 2 })], [
    1,
    1,
    1,
    1,
    1,
    1,
  ]);
  assertEquals(cooled.rates, [1, 1, 0.5, 0.5, 0.25, 0.25]);
  // minLr bounds the rate.
  const bounded = drive([new ReduceLROnPlateau({ patience: 1, factor: 0.1, minLr: 0.05 })], [
    1,
    1,
    1,
    1,
  ]);
  assertEquals(bounded.rates, [1, 1, 0.1, 0.05]);
});

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

Deno.test("A callback monitoring a metric the epoch did not log names the available ones", () => {
  let message = "";
  try {
    drive([new EarlyStopping({ monitor: "valAuc" })], [1]);
  } catch (error) {
    message = (error as Error).message;
  }
  assert(message.includes(`monitors "valAuc"`), message);
  assert(message.includes("valLoss"), message);
});

Deno.test("ReduceLROnPlateau and EarlyStopping reject bad options", () => {
  let thrown = 0;
  for (
    const make of [
      () => new ReduceLROnPlateau({ factor: 1.5 }),
      () => new EarlyStopping({ patience: -1 }),
    ]
  ) {
    try {
      make();
    } catch {
      thrown++;
    }
  }
  assertEquals(thrown, 2);
});
