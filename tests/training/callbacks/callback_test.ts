/**
 * What every callback shares (lib/training/callbacks/callback.ts): the value
 * it monitors must be logged, and the automatic mode knows which metrics
 * improve upwards.
 */
import * as tf from "@tensorflow/tfjs";
import { assert, assertEquals, assertRejectsWith } from "../../assert.ts";
import {
  BestMonitoredValue,
  lowerIsBetter,
  type MonitoredMetric,
  monitoredValue,
} from "../../../lib/training/callbacks/callback.ts";
import { EarlyStopping } from "../../../lib/training/callbacks/early_stopping.ts";
import { ReduceLROnPlateau } from "../../../lib/training/callbacks/reduce_lr_on_plateau.ts";
import { drive } from "../../fixtures/scripted_callbacks.ts";

await tf.setBackend("cpu");

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

Deno.test("monitoredValue lists exactly the numbers the epoch logged, and refuses NaN", async () => {
  const log = { epoch: 3, loss: 0.5, lr: 1e-3, valLoss: NaN, valAuc: undefined, seconds: 2 };
  assertEquals(monitoredValue(log, "loss", "Caller"), 0.5);
  await assertRejectsWith(
    () => monitoredValue(log, "valAuc", "Caller"),
    'Caller monitors "valAuc", which epoch 3 did not log. ' +
      "Available: epoch, loss, lr, valLoss, seconds. Pass validation data",
  );
  await assertRejectsWith(() => monitoredValue(log, "valLoss", "Caller"), 'monitors "valLoss"');
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

Deno.test("BestMonitoredValue counts a change as progress only beyond minDelta, in the better direction", () => {
  const log = (valLoss: number, valAuc = 0) => ({
    epoch: 1,
    loss: 0,
    lr: 1,
    valLoss,
    valAuc,
    seconds: 0,
  });
  const loss = new BestMonitoredValue("valLoss", "auto", 0.1, "test");
  loss.reset();
  assertEquals([1, 0.95, 0.85, 0.9, 0.7].map((value) => loss.improves(log(value))), [
    true,
    false,
    true,
    false,
    true,
  ]);
  const auc = new BestMonitoredValue("valAuc", "auto", 0, "test");
  auc.reset();
  // A tie with the best is no improvement.
  assertEquals([0.6, 0.5, 0.7, 0.7].map((value) => auc.improves(log(1, value))), [
    true,
    false,
    true,
    false,
  ]);
  // Nor is a change of exactly minDelta (1 − 0.25 = 0.75 exactly in binary).
  const exact = new BestMonitoredValue("valLoss", "min", 0.25, "test");
  exact.reset();
  assertEquals([1, 0.75, 0.5].map((value) => exact.improves(log(value))), [true, false, true]);
  auc.reset();
  assertEquals(auc.improves(log(1, 0.1)), true, "reset forgets the best value");
});
