import * as tf from "@tensorflow/tfjs";
import { assert, assertAlmostEquals, assertEquals, assertRejectsWith } from "./assert.ts";
import { withoutSyncReads } from "./fixtures/no_sync_reads.ts";
import { prepareDataset } from "../lib/batches.ts";
import { EarlyStopping } from "../lib/callbacks/early_stopping.ts";
import { evaluate } from "../lib/evaluate.ts";
import type { ImageSet } from "../lib/image_set.ts";
import { buildSimpleCnn } from "../lib/model.ts";
import { focalLoss } from "../lib/focal_loss.ts";
import { formatEpochLine } from "../lib/progress.ts";
import { selectEngine } from "../lib/engine.ts";
import { trainModel } from "../lib/train.ts";
import { weightedBinaryCrossEntropy } from "../lib/weighted_loss.ts";

await selectEngine({ backend: "wasm", log: () => {} });

/** 8x8 images: dogs (label 1) bright on the left half, cats bright on the right, plus noise. */
function tinyImageSet(count: number): ImageSet {
  const side = 8;
  const pixels = new Uint8Array(count * side * side * 3);
  const labels = new Uint8Array(count);
  let state = 7;
  const noise = () => (state = (state * 1103515245 + 12345) % 2147483648) % 60;
  for (let image = 0; image < count; image++) {
    labels[image] = image % 4 === 0 ? 1 : 0;
    for (let row = 0; row < side; row++) {
      for (let column = 0; column < side; column++) {
        const bright = (column < side / 2) === (labels[image] === 1);
        for (let channel = 0; channel < 3; channel++) {
          pixels[((image * side + row) * side + column) * 3 + channel] = (bright ? 170 : 40) +
            noise();
        }
      }
    }
  }
  return {
    classNames: ["cats", "dogs"],
    height: side,
    width: side,
    pixels,
    labels,
    paths: Array.from({ length: count }, (_, i) => `image${i}.png`),
  };
}

Deno.test("weighted binary cross-entropy matches a hand-worked case", () => {
  // labels [1, 0], probabilities [0.8, 0.4]:
  // per example −ln 0.8 = 0.2231436, −ln 0.6 = 0.5108256.
  // unweighted mean = 0.3669846; with {0: 1, 1: 10}: (2.231436 + 0.5108256) / 2 = 1.3711308.
  const labels = tf.tensor2d([[1], [0]]);
  const probabilities = tf.tensor2d([[0.8], [0.4]]);
  assertAlmostEquals(
    weightedBinaryCrossEntropy(labels, probabilities).dataSync()[0],
    0.3669846,
    1e-6,
  );
  assertAlmostEquals(
    weightedBinaryCrossEntropy(labels, probabilities, { 0: 1, 1: 10 }).dataSync()[0],
    1.3711308,
    1e-5,
  );
});

Deno.test("trainModel learns a separable task, logs every epoch, and is repeatable per seed", async () => {
  const source = tinyImageSet(160);
  const all = Array.from({ length: 160 }, (_, i) => i);
  const validation = { source, indices: all.slice(120) };
  const run = async () => {
    const model = buildSimpleCnn({ imageSize: 8, seed: 3 });
    const stream = prepareDataset(source, [all.slice(0, 120)], { seed: 5, batchSize: 16 });
    const history = await trainModel(model, stream, {
      epochs: 3,
      validation,
      learningRate: 3e-3,
      progress: "none",
    });
    return { history, final: await evaluate(model, validation) };
  };
  const first = await run();
  const second = await run();
  assertEquals(first.history.length, 3);
  for (const log of first.history) {
    assertEquals(log.valTp! + log.valFp! + log.valTn! + log.valFn!, 40);
    assertEquals(log.lr, 3e-3);
  }
  assert(first.history[2].loss < first.history[0].loss, "training loss should fall");
  assert(first.final.accuracy >= 0.9, `accuracy ${first.final.accuracy}`);
  assertEquals(
    first.history.map((log) => log.valLoss),
    second.history.map((log) => log.valLoss),
  );
});

Deno.test("with EarlyStopping(restoreBestWeights) the trained model scores its best epoch's val_loss", async () => {
  const source = tinyImageSet(96);
  const all = Array.from({ length: 96 }, (_, i) => i);
  // Validation labels flipped for every other image: the more confident the model gets, the
  // worse its validation loss, so the best epoch is an early one and restoring it matters.
  const noisyLabels = source.labels.map((label, i) => i % 2 === 0 ? 1 - label : label);
  const validation = { source: { ...source, labels: noisyLabels }, indices: all.slice(64) };
  const model = buildSimpleCnn({ imageSize: 8, seed: 1 });
  const stopper = new EarlyStopping({ patience: 2, restoreBestWeights: true });
  const history = await trainModel(
    model,
    prepareDataset(source, [all.slice(0, 64)], { seed: 2, batchSize: 16 }),
    { epochs: 8, validation, learningRate: 0.005, callbacks: [stopper], progress: "none" },
  );
  const losses = history.map((log) => log.valLoss!);
  const best = Math.min(...losses);
  assert(stopper.bestEpoch < history.length, `best epoch ${stopper.bestEpoch} is the last`);
  assert(losses[history.length - 1] > best + 0.01, `val losses ${losses}`);
  assertEquals(losses[stopper.bestEpoch - 1], best);
  assertAlmostEquals((await evaluate(model, validation)).loss, best, 1e-5);
});

Deno.test("trainModel rejects class weights for labels a binary model does not have", async () => {
  const source = tinyImageSet(8);
  const stream = prepareDataset(source, [[0, 1, 2, 3]], { seed: 1 });
  await assertRejectsWith(
    () =>
      trainModel(buildSimpleCnn({ imageSize: 8 }), stream, {
        epochs: 1,
        classWeight: { 0: 1, 2: 5 },
        progress: "none",
      }),
    "classWeight has keys 2",
    "{0: 1, 1: 10}",
  );
});

Deno.test("an epoch line reads like Keras's log", () => {
  const line = formatEpochLine({
    epoch: 2,
    loss: 0.51234,
    valLoss: 0.4,
    valTp: 80,
    valFp: 10,
    valTn: 990,
    valFn: 20,
    lr: 3e-4,
    seconds: 11.6,
  }, 10);
  assertEquals(
    line,
    "Epoch 2/10 - 12s - loss: 0.5123 - val_loss: 0.4000 - val_tp: 80 - val_fp: 10 - val_tn: 990 - val_fn: 20 - lr: 3.0e-4",
  );
});

Deno.test("trainModel takes a custom loss (focal loss) and refuses it together with classWeight", async () => {
  const source = tinyImageSet(64);
  const all = Array.from({ length: 64 }, (_, i) => i);
  const stream = () => prepareDataset(source, [all.slice(0, 48)], { seed: 1, batchSize: 16 });
  const validation = { source, indices: all.slice(48) };
  const focal = await trainModel(buildSimpleCnn({ imageSize: 8, seed: 2 }), stream(), {
    epochs: 1,
    validation,
    loss: focalLoss({ gamma: 2 }),
    progress: "none",
  });
  const plain = await trainModel(buildSimpleCnn({ imageSize: 8, seed: 2 }), stream(), {
    epochs: 1,
    validation,
    progress: "none",
  });
  // Same model, data and order: focal loss down-weights easy examples, so its mean is smaller.
  assert(focal[0].loss < plain[0].loss, `focal ${focal[0].loss} vs plain ${plain[0].loss}`);
  await assertRejectsWith(
    () =>
      trainModel(buildSimpleCnn({ imageSize: 8 }), stream(), {
        epochs: 1,
        classWeight: { 0: 1, 1: 10 },
        loss: focalLoss(),
        progress: "none",
      }),
    "either classWeight or a custom loss",
  );
});

Deno.test("buildSimpleCnn sets the output unit's initial bias", () => {
  const bias = Math.log(100 / 1000);
  const model = buildSimpleCnn({ imageSize: 8, outputBias: bias });
  const outputBias = model.getLayer("output").getWeights()[1].dataSync();
  assertAlmostEquals(outputBias[0], bias, 1e-6);
});

Deno.test("trainModel and evaluate never read a tensor synchronously (WebGPU in Deno cannot)", async () => {
  await withoutSyncReads(async () => {
    const source = tinyImageSet(48);
    const all = Array.from({ length: 48 }, (_, i) => i);
    const validation = { source, indices: all.slice(32) };
    const model = buildSimpleCnn({ imageSize: 8, seed: 3 });
    const history = await trainModel(
      model,
      prepareDataset(source, [all.slice(0, 32)], { seed: 5, batchSize: 16 }),
      { epochs: 1, validation, progress: "none" },
    );
    assertEquals(history.length, 1);
    assertEquals((await evaluate(model, validation)).count, 16);
    model.dispose();
  });
});
