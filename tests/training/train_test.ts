import * as tf from "@tensorflow/tfjs";
import { assert, assertAlmostEquals, assertEquals, assertRejectsWith } from "../assert.ts";
import { withoutSyncReads } from "../fixtures/no_sync_reads.ts";
import { arrayDataset } from "../../lib/data/array_dataset.ts";
import { arrayStream, prepareDataset, toTensors } from "../../lib/data/batches.ts";
import { EarlyStopping } from "../../lib/training/callbacks/early_stopping.ts";
import { evaluate } from "../../lib/metrics/evaluate.ts";
import type { ImageSet } from "../../lib/data/image_set.ts";
import { predictProbabilities } from "../../lib/models/predict.ts";
import { buildSimpleCnn } from "../../lib/models/simple_cnn.ts";
import { buildLogisticRegression } from "../../lib/models/tabular_model.ts";
import { focalLoss } from "../../lib/training/focal_loss.ts";
import { selectEngine } from "../../lib/engine/select_engine.ts";
import { trainModel } from "../../lib/training/train.ts";
import { adam } from "../../lib/training/adam.ts";
import type { TrainingCallback } from "../../lib/training/callbacks/callback.ts";
import type { ProgressReporter } from "../../lib/training/progress.ts";
import { clusters, softmaxModel } from "../fixtures/clusters.ts";
import {
  focalByHand,
  linearImageModel,
  weightedBceByHand,
  weightedCategoricalByHand,
} from "../fixtures/first_step.ts";

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

/**
 * One SGD step of trainModel on 24 images as a single unshuffled batch, with
 * `options` (class weights or a loss): the reported loss, the labels, the
 * model's predictions and inputs before the step, and its weights before and after.
 */
async function oneStepOfTrainModel(
  options: { classWeight?: Record<number, number>; loss?: ReturnType<typeof focalLoss> },
) {
  const source = tinyImageSet(24);
  const indices = [...source.labels.keys()];
  const model = linearImageModel(4);
  const batch = toTensors(source, indices);
  const x = Array.from(await batch.x.data());
  const predictions = Array.from(await (model.predict(batch.x) as tf.Tensor).data());
  tf.dispose([batch.x, batch.y]);
  const [kernelBefore, biasBefore] = model.getWeights().map((w) => Array.from(w.dataSync()));
  const optimizer = tf.train.sgd(0.5);
  const history = await trainModel(
    model,
    prepareDataset(source, [indices], { seed: 1, batchSize: indices.length, shuffle: false }),
    { epochs: 1, optimizer, progress: "none", ...options },
  );
  const [kernelAfter, biasAfter] = model.getWeights().map((w) => Array.from(w.dataSync()));
  optimizer.dispose();
  model.dispose();
  return {
    loss: history[0].loss,
    labels: Array.from(source.labels),
    predictions,
    x,
    kernelBefore,
    biasBefore,
    kernelAfter,
    biasAfter,
  };
}

/**
 * The SGD step (learning rate 0.5) of logistic regression worked by hand:
 * weight −= 0.5 · Σᵢ xᵢ · dLoss/dlogitᵢ, given each example's derivative.
 */
function expectedStep(
  step: Awaited<ReturnType<typeof oneStepOfTrainModel>>,
  dLossDLogit: (label: number, p: number) => number,
): { kernel: number[]; bias: number } {
  const n = step.labels.length;
  const features = step.kernelBefore.length;
  const d = step.labels.map((label, i) => dLossDLogit(label, step.predictions[i]) / n);
  const kernel = step.kernelBefore.map((w, j) => {
    let gradient = 0;
    for (let i = 0; i < n; i++) gradient += step.x[i * features + j] * d[i];
    return w - 0.5 * gradient;
  });
  return { kernel, bias: step.biasBefore[0] - 0.5 * d.reduce((a, b) => a + b, 0) };
}

function assertStep(
  step: Awaited<ReturnType<typeof oneStepOfTrainModel>>,
  expected: { kernel: number[]; bias: number },
): void {
  assertAlmostEquals(
    step.biasAfter[0],
    expected.bias,
    1e-5,
    `bias ${step.biasAfter[0]} vs ${expected.bias}`,
  );
  const worst = Math.max(...step.kernelAfter.map((w, j) => Math.abs(w - expected.kernel[j])));
  assert(worst < 1e-5, `a kernel weight is ${worst} off the step worked by hand`);
}

Deno.test("trainModel's first step reports and takes the class-weighted cross-entropy worked by hand", async () => {
  const classWeight = { 0: 0.5, 1: 6 };
  const weighted = await oneStepOfTrainModel({ classWeight });
  const expected = weightedBceByHand(weighted.labels, weighted.predictions, classWeight);
  assertAlmostEquals(weighted.loss, expected, 1e-5, `loss ${weighted.loss} vs ${expected}`);
  // The weights matter here: the unweighted loss is far from the weighted one.
  const plain = weightedBceByHand(weighted.labels, weighted.predictions);
  assert(Math.abs(expected - plain) > 0.3, `weighted ${expected} vs plain ${plain}`);
  // d(w_y · BCE)/dlogit = w_y · (p − y).
  assertStep(weighted, expectedStep(weighted, (y, p) => classWeight[y as 0 | 1] * (p - y)));
  const unweighted = await oneStepOfTrainModel({});
  assertAlmostEquals(unweighted.loss, plain, 1e-5);
  assertStep(unweighted, expectedStep(unweighted, (y, p) => p - y));
});

Deno.test("trainModel's first step reports and takes the focal loss worked by hand", async () => {
  const [alpha, gamma] = [0.25, 2];
  const step = await oneStepOfTrainModel({ loss: focalLoss({ alpha, gamma }) });
  const expected = focalByHand(step.labels, step.predictions, alpha, gamma);
  assertAlmostEquals(step.loss, expected, 1e-5, `loss ${step.loss} vs ${expected}`);
  // γ matters here: the α-weighted cross-entropy alone (γ = 0) is far from it.
  const gammaZero = focalByHand(step.labels, step.predictions, alpha, 0);
  assert(Math.abs(expected - gammaZero) > 0.05, `γ = 2: ${expected}, γ = 0: ${gammaZero}`);
  // dLoss/dlogit = dLoss/dp · p(1 − p), with dLoss/dp from the loss's two branches.
  const dLossDLogit = (y: number, p: number) => {
    const dLossDp = y === 1
      ? alpha * (gamma * (1 - p) ** (gamma - 1) * Math.log(p) - (1 - p) ** gamma / p)
      : -(1 - alpha) * (gamma * p ** (gamma - 1) * Math.log(1 - p) - p ** gamma / (1 - p));
    return dLossDp * p * (1 - p);
  };
  assertStep(step, expectedStep(step, dLossDLogit));
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
  // The task is separable (bright left half = dog): every validation image is classified right,
  // where "always cat" would score tp 0 / fn 10, and the base rate's constant 0.25 a loss of 0.56.
  const { tp, fp, tn, fn, loss } = first.final;
  assertEquals({ tp, fp, tn, fn }, { tp: 10, fp: 0, tn: 30, fn: 0 });
  assert(loss < 0.05, `validation loss ${loss}`);
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

Deno.test("trainModel refuses a custom loss together with classWeight", async () => {
  const source = tinyImageSet(16);
  const stream = prepareDataset(source, [[...source.labels.keys()]], { seed: 1, batchSize: 16 });
  await assertRejectsWith(
    () =>
      trainModel(buildSimpleCnn({ imageSize: 8 }), stream, {
        epochs: 1,
        classWeight: { 0: 1, 1: 10 },
        loss: focalLoss(),
        progress: "none",
      }),
    "either classWeight or a custom loss",
    "its own class weighting (its alpha)",
  );
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

Deno.test("trainModel on arrays: learns separable classes with a softmax, and logs validation accuracy", async () => {
  const data = clusters(300);
  const model = softmaxModel();
  const history = await trainModel(model, arrayStream(data, { batchSize: 16, seed: 1 }), {
    epochs: 15,
    optimizer: tf.train.adam(0.05),
    validation: clusters(60),
    progress: "none",
  });
  assertEquals(history.length, 15);
  assert(history[14].loss < history[0].loss, "the training loss falls");
  assert(history[14].valAccuracy! > 0.95, `validation accuracy ${history[14].valAccuracy}`);
  assertEquals((await predictProbabilities(model, data)).length, 300 * 3);
});

Deno.test("trainModel on arrays: is repeatable for a seed and reshuffles differently for another", async () => {
  const run = async (seed: number) =>
    (await trainModel(softmaxModel(), arrayStream(clusters(90), { batchSize: 8, seed }), {
      epochs: 2,
      optimizer: tf.train.sgd(0.1),
      progress: "none",
    })).map((log) => log.loss);
  const first = await run(1);
  assertEquals(await run(1), first);
  assert((await run(2))[1] !== first[1], "another seed gives another batch order");
});

Deno.test("trainModel on arrays: trains a sigmoid model on binary cross-entropy with class weights", async () => {
  // Class 1 is rare (1 in 10) and overlaps class 0: only the weights make the model call it.
  const count = 400;
  const x = new Float32Array(count);
  const labels = new Uint8Array(count);
  for (let i = 0; i < count; i++) {
    labels[i] = i % 10 === 0 ? 1 : 0;
    x[i] = (labels[i] === 1 ? 0.5 : -0.5) + ((i * 37) % 100) / 50 - 1;
  }
  const data = arrayDataset(x, [1], labels);
  const positivesPredicted = async (classWeight?: Record<number, number>) => {
    const model = buildLogisticRegression({ inputSize: 1, seed: 1 });
    const history = await trainModel(model, arrayStream(data, { seed: 1 }), {
      epochs: 20,
      optimizer: tf.train.adam(0.05),
      classWeight,
      validation: data,
      progress: "none",
    });
    assert(history[0].valAuc !== undefined, "a binary model logs the series' validation metrics");
    return [...await predictProbabilities(model, data)].filter((p) => p > 0.5).length;
  };
  const plain = await positivesPredicted();
  const weighted = await positivesPredicted({ 0: 0.55, 1: 5 });
  assert(weighted > plain + 20, `weighted ${weighted} vs plain ${plain} predicted positives`);
});

/**
 * One SGD step (rate 0.5) of trainModel over the whole dataset as one batch:
 * the reported loss, and the model's predictions and weights before and
 * its weights after. The models here have no dropout, so the batch's order
 * (arrayStream shuffles it) does not change the step.
 */
async function oneStepOnArrays(
  model: tf.LayersModel,
  data: ReturnType<typeof arrayDataset>,
  classWeight?: Record<number, number>,
) {
  const predictions = Array.from(await predictProbabilities(model, data));
  const [kernelBefore, biasBefore] = model.getWeights().map((w) => Array.from(w.dataSync()));
  const optimizer = tf.train.sgd(0.5);
  const history = await trainModel(model, arrayStream(data, { batchSize: data.count, seed: 3 }), {
    epochs: 1,
    optimizer,
    classWeight,
    progress: "none",
  });
  const [kernelAfter, biasAfter] = model.getWeights().map((w) => Array.from(w.dataSync()));
  optimizer.dispose();
  return { loss: history[0].loss, predictions, kernelBefore, biasBefore, kernelAfter, biasAfter };
}

/**
 * The SGD step (rate 0.5) of a one-layer model worked by hand, given each
 * example's derivative of the loss with respect to its logits (`units` per
 * example, already divided by the batch size): weight −= 0.5 · Σᵢ xᵢ dᵢ.
 */
function assertSgdStep(
  step: Awaited<ReturnType<typeof oneStepOnArrays>>,
  x: Float32Array,
  d: number[][],
): void {
  const units = d[0].length;
  const features = x.length / d.length;
  step.kernelAfter.forEach((after, index) => {
    const [feature, unit] = [Math.floor(index / units), index % units];
    const gradient = d.reduce((sum, row, i) => sum + x[i * features + feature] * row[unit], 0);
    assertAlmostEquals(after, step.kernelBefore[index] - 0.5 * gradient, 1e-5, `kernel ${index}`);
  });
  step.biasAfter.forEach((after, unit) => {
    const gradient = d.reduce((sum, row) => sum + row[unit], 0);
    assertAlmostEquals(after, step.biasBefore[unit] - 0.5 * gradient, 1e-5, `bias ${unit}`);
  });
}

Deno.test("trainModel's first step on arrays reports and takes the class-weighted categorical cross-entropy worked by hand", async () => {
  const data = clusters(30);
  const classWeight = { 0: 3, 2: 0.25 };
  const step = await oneStepOnArrays(softmaxModel(), data, classWeight);
  const expected = weightedCategoricalByHand(data.labels, step.predictions, 3, classWeight);
  assertAlmostEquals(step.loss, expected, 1e-5, `loss ${step.loss} vs ${expected}`);
  const plain = weightedCategoricalByHand(data.labels, step.predictions, 3);
  assert(Math.abs(expected - plain) > 0.2, `weighted ${expected} vs plain ${plain}`);
  // d(w_y · −ln p_y)/dlogit_c = w_y · (p_c − [c = y]).
  const d = [...data.labels].map((label, i) =>
    [0, 1, 2].map((c) =>
      ((classWeight as Record<number, number>)[label] ?? 1) *
      (step.predictions[i * 3 + c] - (c === label ? 1 : 0)) / data.count
    )
  );
  assertSgdStep(step, data.x, d);
});

Deno.test("trainModel's first step on arrays reports and takes the class-weighted binary cross-entropy worked by hand", async () => {
  const x = Float32Array.from({ length: 20 }, (_, i) => Math.sin(i * 1.3));
  const labels = Uint8Array.from({ length: 20 }, (_, i) => i % 5 === 0 ? 1 : 0);
  const data = arrayDataset(x, [1], labels);
  const classWeight = { 0: 0.5, 1: 5 };
  const step = await oneStepOnArrays(
    buildLogisticRegression({ inputSize: 1, seed: 2 }),
    data,
    classWeight,
  );
  const expected = weightedBceByHand(labels, step.predictions, classWeight);
  assertAlmostEquals(step.loss, expected, 1e-5, `loss ${step.loss} vs ${expected}`);
  const d = [...labels].map((y, i) => [classWeight[y as 0 | 1] * (step.predictions[i] - y) / 20]);
  assertSgdStep(step, x, d);
});

Deno.test("trainModel names bad options and labels the model cannot output", async () => {
  const options = { epochs: 1, optimizer: tf.train.sgd(0.1), progress: "none" as const };
  const stream = (data: ReturnType<typeof clusters>) => arrayStream(data, { seed: 1 });
  await assertRejectsWith(
    () => trainModel(softmaxModel(), stream(clusters(9)), { ...options, epochs: 0 }),
    "epochs",
  );
  await assertRejectsWith(
    () => trainModel(softmaxModel(2), stream(clusters(9, 3)), options),
    "label at index 2 is 2",
    "0 … 1",
  );
  await assertRejectsWith(
    () =>
      trainModel(
        softmaxModel(),
        stream(arrayDataset(new Float32Array(6), [2], Uint8Array.of(3, 0, 1))),
        options,
      ),
    "training label at index 0 is 3",
    "0 … 2",
  );
  await assertRejectsWith(
    () =>
      trainModel(softmaxModel(), stream(clusters(9)), {
        ...options,
        validation: arrayDataset(new Float32Array(8), [2], Uint8Array.of(0, 1, 2, 4)),
      }),
    "validation label at index 3 is 4",
    "one output per class",
  );
  await assertRejectsWith(
    () =>
      trainModel(
        softmaxModel(),
        stream(arrayDataset(new Float32Array(0), [2], new Uint8Array(0))),
        options,
      ),
    "training stream has no example",
    "a non-empty dataset",
  );
  await assertRejectsWith(
    () =>
      trainModel(softmaxModel(), stream(clusters(9)), {
        ...options,
        classWeight: [1, 2, 3] as unknown as Record<number, number>,
      }),
    "mapping",
  );
  await assertRejectsWith(
    () =>
      trainModel(softmaxModel(), stream(clusters(9)), {
        ...options,
        loss: (labels, probabilities) => tf.losses.logLoss(labels, probabilities) as tf.Scalar,
      }),
    "custom loss is for a model with one sigmoid output",
    "drop the loss option",
  );
});

Deno.test("trainModel and predictProbabilities on arrays never read a tensor synchronously (WebGPU in Deno cannot)", async () => {
  await withoutSyncReads(async () => {
    const data = clusters(30);
    const model = softmaxModel();
    await trainModel(model, arrayStream(data, { seed: 1 }), {
      epochs: 1,
      optimizer: tf.train.adam(0.01),
      validation: data,
      progress: "none",
    });
    assertEquals((await predictProbabilities(model, data)).length, 30 * 3);
  });
});

Deno.test("trainModel calls every callback hook and the given progress reporter, in order, with the run's facts", async () => {
  const events: string[] = [];
  const record = (event: string) => {
    events.push(event);
    return Promise.resolve();
  };
  const reporter: ProgressReporter = {
    trainBegin: (info) => record(`trainBegin ${JSON.stringify(info)}`),
    batchEnd: (epoch, batch, meanLoss) => record(`batchEnd ${epoch} ${batch} ${meanLoss}`),
    epochEnd: (log, notes) => record(`epochEnd ${log.epoch} ${log.loss} ${notes}`),
    trainEnd: (history, notes) => record(`trainEnd ${history.length} ${notes}`),
  };
  const full: TrainingCallback = {
    onTrainBegin: (context) => void events.push(`onTrainBegin notes [${context.notes}]`),
    onEpochEnd: (log, context) => void context.notes.push(`note ${log.epoch}`),
    onTrainEnd: (context) => void context.notes.push("done"),
  };
  // Callbacks with only some hooks are called for those alone.
  const epochOnly: TrainingCallback = {
    onEpochEnd: (log) => void events.push(`epoch ${log.epoch}`),
  };
  const endsOnly: TrainingCallback = {
    onTrainBegin: () => void events.push("begin only"),
    onTrainEnd: () => void events.push("end only"),
  };
  const history = await trainModel(
    softmaxModel(),
    arrayStream(clusters(12), { batchSize: 4, seed: 1 }),
    {
      epochs: 2,
      optimizer: tf.train.sgd(0.1),
      callbacks: [full, epochOnly, endsOnly],
      progress: reporter,
      label: "run B",
    },
  );
  const [first, second] = history.map((log) => log.loss);
  // A fast epoch's losses are read once, at its end: one batchEnd with all 3 batches and their mean.
  assertEquals(events, [
    "onTrainBegin notes []",
    "begin only",
    `trainBegin ${JSON.stringify({ epochs: 2, batchesPerEpoch: 3, label: "run B" })}`,
    `batchEnd 1 3 ${first}`,
    "epoch 1",
    `epochEnd 1 ${first} note 1`,
    `batchEnd 2 3 ${second}`,
    "epoch 2",
    `epochEnd 2 ${second} note 2`,
    "end only",
    "trainEnd 2 done",
  ]);
});

Deno.test("trainModel frees what it makes: batches and its own optimizer; a given optimizer stays usable", async () => {
  const data = clusters(12);
  const model = softmaxModel();
  const before = tf.memory().numTensors;
  await trainModel(model, arrayStream(data, { batchSize: 4, seed: 1 }), {
    epochs: 2,
    progress: "none",
  });
  assertEquals(tf.memory().numTensors, before, "no tensor outlives training with the default Adam");
  // A given optimizer is the caller's: trainModel leaves it whole, so it can train on.
  const optimizer = adam(0.01);
  for (let run = 0; run < 2; run++) {
    await trainModel(model, arrayStream(data, { batchSize: 4, seed: 1 }), {
      epochs: 1,
      optimizer,
      progress: "none",
    });
  }
  assertEquals(optimizer.iterations, 6, "two runs of 3 steps on one optimizer");
  optimizer.dispose();
  model.dispose();
});

Deno.test("trainModel logs each epoch's wall time in seconds", async () => {
  const started = performance.now();
  const history = await trainModel(softmaxModel(), arrayStream(clusters(12), { seed: 1 }), {
    epochs: 2,
    optimizer: tf.train.sgd(0.1),
    progress: "none",
  });
  const elapsed = (performance.now() - started) / 1000;
  const total = history.reduce((sum, log) => sum + log.seconds, 0);
  assert(history.every((log) => log.seconds > 0), `seconds ${history.map((log) => log.seconds)}`);
  assert(total <= elapsed, `epochs took ${total} s of a ${elapsed} s call`);
});
