/**
 * ReduceLROnPlateau (lib/training/callbacks/reduce_lr_on_plateau.ts): the
 * schedule on scripted validation losses, and in trainModel, where each step
 * after a reduction is worked by hand at the new rate (with EarlyStopping,
 * as notebook 03 runs them).
 */
import * as tf from "@tensorflow/tfjs";
import { assert, assertAlmostEquals, assertEquals, assertRejectsWith } from "../../assert.ts";
import { adam } from "../../../lib/training/adam.ts";
import { prepareDataset, toTensors } from "../../../lib/data/batches.ts";
import { trainModel } from "../../../lib/training/train.ts";
import type { TrainingCallback } from "../../../lib/training/callbacks/callback.ts";
import { EarlyStopping } from "../../../lib/training/callbacks/early_stopping.ts";
import { ReduceLROnPlateau } from "../../../lib/training/callbacks/reduce_lr_on_plateau.ts";
import { noiseImageSet } from "../../fixtures/noise_images.ts";
import { linearImageModel } from "../../fixtures/first_step.ts";
import { drive } from "../../fixtures/scripted_callbacks.ts";

await tf.setBackend("cpu");

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

Deno.test("ReduceLROnPlateau refuses a factor outside (0, 1) and a negative patience or cooldown, naming them", async () => {
  for (const factor of [0, 1, 1.5]) {
    await assertRejectsWith(
      () => new ReduceLROnPlateau({ factor }),
      `ReduceLROnPlateau factor must be in (0, 1), got ${factor}.`,
    );
  }
  for (const options of [{ patience: -1 }, { cooldown: -1 }]) {
    await assertRejectsWith(
      () => new ReduceLROnPlateau(options),
      "ReduceLROnPlateau patience and cooldown must be non-negative.",
    );
  }
  // Patience 0 and cooldown 0 are allowed (as in Keras, patience 0 acts like 1: a reduction after
  // every epoch without improvement).
  const eager = drive([new ReduceLROnPlateau({ patience: 0, cooldown: 0, factor: 0.5 })], [
    1,
    1,
    1,
  ]);
  assertEquals(eager.rates, [1, 1, 0.5]);
  await assertRejectsWith(
    () => drive([new ReduceLROnPlateau({ monitor: "valAuc" })], [0.5]),
    'ReduceLROnPlateau monitors "valAuc"',
  );
});

Deno.test("ReduceLROnPlateau's note names the metric, the epochs without improvement and both rates", () => {
  const { notes } = drive([new ReduceLROnPlateau({ patience: 2, factor: 0.5 })], [1, 1, 1], 0.01);
  assertEquals(notes, [
    "ReduceLROnPlateau: valLoss has not improved for 2 epochs; learning rate 1.0e-2 -> 5.0e-3",
  ]);
});

Deno.test("ReduceLROnPlateau at minLr reduces no further and writes no note", () => {
  const run = drive([new ReduceLROnPlateau({ patience: 1, factor: 0.5, minLr: 0.5 })], [
    1,
    1,
    1,
    1,
  ]);
  assertEquals(run.rates, [1, 1, 0.5, 0.5]);
  assertEquals(run.notes.length, 1, run.notes.join("\n"));
});

Deno.test("ReduceLROnPlateau counts epochs again as soon as the cooldown is over (or at once without one)", () => {
  // Patience 2, no cooldown: after the reduction at epoch 3 the wait restarts at once, so the
  // next reduction comes 2 epochs later, after epoch 5.
  const { rates } = drive([new ReduceLROnPlateau({ patience: 2, factor: 0.5 })], [
    1,
    1,
    1,
    1,
    1,
    1,
  ]);
  assertEquals(rates, [1, 1, 1, 0.5, 0.5, 0.25]);
  // Patience 2, cooldown 1 (counted as Keras does): epoch 4 takes the counter to 0 and is counted,
  // so the next reductions come after epochs 5 and 7; counting on from an expired cooldown as if
  // it had just ended would put the second one after epoch 6.
  const cooled = drive([new ReduceLROnPlateau({ patience: 2, factor: 0.5, cooldown: 1 })], [
    1,
    1,
    1,
    1,
    1,
    1,
    1,
    1,
  ]);
  assertEquals(cooled.rates, [1, 1, 1, 0.5, 0.5, 0.25, 0.25, 0.125]);
});

/**
 * Logistic regression on 16 noise images (192 pixel features), trained by
 * trainModel one full, unshuffled batch per epoch, so every epoch is one
 * optimizer step that can be worked out by hand.
 */
const images = noiseImageSet(16, 3);
const trainIndices = [...images.labels.keys()];
const pixels = (() => {
  const batch = toTensors(images, trainIndices);
  const values = Array.from(batch.x.dataSync());
  tf.dispose([batch.x, batch.y]);
  return trainIndices.map((_, i) => values.slice(i * 192, (i + 1) * 192));
})();
const targets = trainIndices.map((index) => images.labels[index]);

/** The model's weights as one list: the 192 kernel weights, then the bias. */
function flatWeights(model: tf.LayersModel): number[] {
  return model.getWeights().flatMap((weight) => Array.from(weight.dataSync()));
}

/** A callback that records the weights after every epoch (put it first: it sees the step only). */
function weightRecorder(): TrainingCallback & { epochs: number[][] } {
  const epochs: number[][] = [];
  return { epochs, onEpochEnd: (_log, context) => void epochs.push(flatWeights(context.model)) };
}

/**
 * The weights after each step of full-batch gradient descent on the mean
 * binary cross-entropy, worked in float64: SGD, or Adam as tfjs computes it
 * (β1 0.9, β2 0.999, ε 1e-7, bias-corrected moments), at `rates[t]` in step t.
 */
function byHand(start: number[], rates: number[], optimizer: "sgd" | "adam"): number[][] {
  const theta = start.slice();
  const m = theta.map(() => 0);
  const v = theta.map(() => 0);
  return rates.map((rate, t) => {
    const gradient = theta.map(() => 0);
    pixels.forEach((x, i) => {
      const logit = x.reduce((sum, value, j) => sum + value * theta[j], theta[192]);
      const error = (1 / (1 + Math.exp(-logit)) - targets[i]) / pixels.length;
      x.forEach((value, j) => gradient[j] += value * error);
      gradient[192] += error;
    });
    gradient.forEach((g, j) => {
      if (optimizer === "sgd") {
        theta[j] -= rate * g;
        return;
      }
      m[j] = 0.9 * m[j] + 0.1 * g;
      v[j] = 0.999 * v[j] + 0.001 * g * g;
      const mHat = m[j] / (1 - 0.9 ** (t + 1));
      const vHat = v[j] / (1 - 0.999 ** (t + 1));
      theta[j] -= rate * mHat / (Math.sqrt(vHat) + 1e-7);
    });
    return theta.slice();
  });
}

function assertTrajectory(actual: number[][], expected: number[][], tolerance: number): void {
  assertEquals(actual.length, expected.length);
  actual.forEach((weights, epoch) => {
    const worst = Math.max(...weights.map((w, j) => Math.abs(w - expected[epoch][j])));
    assert(
      worst < tolerance,
      `epoch ${epoch + 1}: a weight is ${worst} off the steps worked by hand`,
    );
  });
}

/** trainModel over 5 epochs of one step each with `callbacks`; the weights after each epoch and the logged rates. */
async function trainFiveSteps(optimizer: tf.Optimizer, callbacks: TrainingCallback[]) {
  const model = linearImageModel(5);
  const start = flatWeights(model);
  const recorder = weightRecorder();
  const history = await trainModel(
    model,
    prepareDataset(images, [trainIndices], { seed: 1, batchSize: 16, shuffle: false }),
    { epochs: 5, optimizer, callbacks: [recorder, ...callbacks], progress: "none" },
  );
  model.dispose();
  return { start, steps: recorder.epochs, rates: history.map((log) => log.lr), history };
}

Deno.test("ReduceLROnPlateau in trainModel: after each reduction SGD steps at the new rate", async () => {
  // The training loss falls every step (gradient descent at a small rate on a convex loss), so
  // with mode "max" every epoch after the first is a plateau: the rate halves from epoch 3 on.
  const reducer = new ReduceLROnPlateau({ monitor: "loss", mode: "max", patience: 1, factor: 0.5 });
  const reduced = await trainFiveSteps(tf.train.sgd(0.05), [reducer]);
  const losses = reduced.history.map((log) => log.loss);
  assert(losses.every((loss, i) => i === 0 || loss < losses[i - 1]), `losses ${losses}`);
  const schedule = [0.05, 0.05, 0.025, 0.0125, 0.00625];
  assertEquals(reduced.rates, schedule);
  assertTrajectory(reduced.steps, byHand(reduced.start, schedule, "sgd"), 1e-5);
  // Mode "min" (the automatic mode for a loss) sees progress every epoch: the rate stays.
  const steady = await trainFiveSteps(tf.train.sgd(0.05), [
    new ReduceLROnPlateau({ monitor: "loss", patience: 1, factor: 0.5 }),
  ]);
  assertEquals(steady.rates, [0.05, 0.05, 0.05, 0.05, 0.05]);
  assertTrajectory(steady.steps, byHand(steady.start, steady.rates, "sgd"), 1e-5);
  // The reduced steps are measurably shorter: the last one at 1/8 of the steady run's rate.
  const stepLength = (steps: number[][], start: number[], epoch: number) => {
    const before = epoch === 0 ? start : steps[epoch - 1];
    return Math.hypot(...steps[epoch].map((w, j) => w - before[j]));
  };
  const ratio = stepLength(reduced.steps, reduced.start, 4) /
    stepLength(steady.steps, steady.start, 4);
  assert(ratio > 0.08 && ratio < 0.2, `last step length ratio ${ratio}`);
});

Deno.test("ReduceLROnPlateau(patience 2) with EarlyStopping(patience 5, restoreBestWeights), as notebook 03 runs them", async () => {
  // The validation set is the training images with every label flipped: the better the model
  // fits, the worse its validation loss, so epoch 1 stays the best.
  const validation = {
    source: { ...images, labels: images.labels.map((label) => 1 - label) },
    indices: trainIndices,
  };
  const model = linearImageModel(5);
  const start = flatWeights(model);
  const recorder = weightRecorder();
  const stopper = new EarlyStopping({ patience: 5, restoreBestWeights: true });
  const history = await trainModel(
    model,
    prepareDataset(images, [trainIndices], { seed: 1, batchSize: 16, shuffle: false }),
    {
      epochs: 20,
      optimizer: adam(0.01),
      validation,
      callbacks: [recorder, new ReduceLROnPlateau({ patience: 2 }), stopper],
      progress: "none",
    },
  );
  const valLosses = history.map((log) => log.valLoss!);
  assert(valLosses.every((loss, i) => i === 0 || loss > valLosses[i - 1]), `${valLosses}`);
  // Epochs 2 and 3 do not improve: the rate drops tenfold from epoch 4, and again from epoch 6;
  // epochs 2 to 6 do not improve: training stops after epoch 6.
  const schedule = [0.01, 0.01, 0.01, 0.001, 0.001, 0.0001];
  history.forEach((log, i) => assertAlmostEquals(log.lr, schedule[i], 1e-12, `epoch ${i + 1}`));
  assertEquals([history.length, stopper.bestEpoch, stopper.stoppedEpoch], [6, 1, 6]);
  // Each epoch's Adam step used the rate in force (worked by hand), and the model ends with the
  // weights of epoch 1 back.
  const expected = byHand(start, schedule, "adam");
  assertTrajectory(recorder.epochs, expected, 1e-4);
  assertTrajectory([flatWeights(model)], [expected[0]], 1e-6);
  model.dispose();
});
