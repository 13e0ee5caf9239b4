import * as tf from "@tensorflow/tfjs";
import { assert, assertAlmostEquals, assertEquals } from "../../assert.ts";
import { adam } from "../../../lib/training/adam.ts";
import { prepareDataset, toTensors } from "../../../lib/data/batches.ts";
import { lowerIsBetter, type MonitoredMetric } from "../../../lib/training/callbacks/callback.ts";
import { trainModel } from "../../../lib/training/train.ts";
import { noiseImageSet } from "../../fixtures/noise_images.ts";
import type {
  TrainingCallback,
  TrainingContext,
} from "../../../lib/training/callbacks/callback.ts";
import { EarlyStopping } from "../../../lib/training/callbacks/early_stopping.ts";
import { ReduceLROnPlateau } from "../../../lib/training/callbacks/reduce_lr_on_plateau.ts";
import type { EpochLog } from "../../../lib/training/history.ts";
import { getLearningRate, setLearningRate } from "../../../lib/training/learning_rate.ts";
import { linearImageModel } from "../../fixtures/first_step.ts";

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
function drive(
  callbacks: TrainingCallback[],
  valLosses: number[],
  learningRate = 1,
  monitor: MonitoredMetric = "valLoss",
) {
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
      [monitor]: valLosses[epoch - 1],
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

Deno.test("the automatic mode: higher is better for accuracy, precision, recall, AUC and true counts", () => {
  const higher: MonitoredMetric[] = [
    "valAccuracy",
    "valPrecision",
    "valRecall",
    "valAuc",
    "valTp",
    "valTn",
  ];
  const lower: MonitoredMetric[] = ["loss", "valLoss", "valFp", "valFn"];
  for (const monitor of higher) assertEquals(lowerIsBetter(monitor, "auto"), false, monitor);
  for (const monitor of lower) assertEquals(lowerIsBetter(monitor, "auto"), true, monitor);
  assertEquals(lowerIsBetter("valLoss", "max"), false);
  assertEquals(lowerIsBetter("valAuc", "min"), true);
  // Driven through the callbacks: a rising AUC is progress, a falling one a plateau.
  const rising = [0.6, 0.7, 0.8, 0.9, 0.95];
  const falling = [0.9, 0.8, 0.7, 0.6, 0.5];
  const reduce = () => [new ReduceLROnPlateau({ monitor: "valAuc", patience: 1, factor: 0.5 })];
  assertEquals(drive(reduce(), rising, 1, "valAuc").rates, [1, 1, 1, 1, 1]);
  assertEquals(drive(reduce(), falling, 1, "valAuc").rates, [1, 1, 0.5, 0.25, 0.125]);
  const maxOnLoss = [new ReduceLROnPlateau({ patience: 1, factor: 0.5, mode: "max" })];
  assertEquals(drive(maxOnLoss, falling).rates, [1, 1, 0.5, 0.25, 0.125]);
  const stopper = new EarlyStopping({ monitor: "valAuc", patience: 2, restoreBestWeights: true });
  const run = drive([stopper], [0.6, 0.8, 0.7, 0.75, 0.9], 1, "valAuc");
  assertEquals([run.epochsRun, stopper.bestEpoch, run.finalWeight], [4, 2, 2]);
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

Deno.test("setLearningRate changes the step every tfjs optimizer takes next, SGD and momentum included", () => {
  const optimizers: [string, (rate: number) => tf.Optimizer][] = [
    ["sgd", (rate) => tf.train.sgd(rate)],
    ["momentum", (rate) => tf.train.momentum(rate, 0.9)],
    ["adam", (rate) => tf.train.adam(rate)],
    ["library adam", (rate) => adam(rate)],
    ["rmsprop", (rate) => tf.train.rmsprop(rate)],
    ["adagrad", (rate) => tf.train.adagrad(rate)],
    ["adadelta", (rate) => tf.train.adadelta(rate)],
  ];
  for (const [name, make] of optimizers) {
    // Two steps on f(x) = x² from x = 1 at rate 0.1, the second one possibly after
    // setLearningRate(0.01): each of these optimizers scales its step linearly with its rate.
    const run = (changeRate: boolean) => {
      const optimizer = make(0.1);
      const x = tf.variable(tf.scalar(1));
      const step = () => optimizer.minimize(() => tf.square(x) as tf.Scalar, false, [x]);
      step();
      if (changeRate) setLearningRate(optimizer, 0.01);
      const before = x.dataSync()[0];
      step();
      const delta = x.dataSync()[0] - before;
      optimizer.dispose();
      x.dispose();
      return delta;
    };
    const steady = run(false);
    const reduced = run(true);
    assertAlmostEquals(reduced / steady, 0.1, 1e-3, `${name}: step ratio ${reduced / steady}`);
  }
});
