import { assert, assertAlmostEquals, assertEquals, assertRejectsWith } from "../assert.ts";
import { arrayDataset } from "../../lib/data/array_dataset.ts";
import { arrayStream, prepareDataset, toTensors } from "../../lib/data/batches.ts";
import { selectEngine } from "../../lib/engine/select_engine.ts";
import { runExperimentGrid } from "../../lib/experiments/experiment_grid.ts";
import { buildSimpleCnn } from "../../lib/models/simple_cnn.ts";
import { buildLogisticRegression } from "../../lib/models/tabular_model.ts";
import { noiseImageSet } from "../fixtures/noise_images.ts";
import { trainingModeOutputs, weightedBceByHand } from "../fixtures/first_step.ts";
import * as tf from "@tensorflow/tfjs";
import pl from "nodejs-polars";

await selectEngine({ backend: "wasm", log: () => {} });

/** 8x8 noise images, every fourth one a dog. */
const images = noiseImageSet(24, 7);
const all = [...images.labels.keys()];

Deno.test("runExperimentGrid runs every point over the seeds and stacks the frames", async () => {
  const tensorsBefore = tf.memory().numTensors;
  const test = { source: images, indices: all.slice(0, 6) };
  const validation = { source: images, indices: all.slice(6, 10) };
  const points = [
    { name: "a", weight: 1 },
    { name: "b", weight: 3 },
  ];
  const frames = await runExperimentGrid(points, (point, seed) => ({
    // One unshuffled batch, so the first step's loss can be worked out below.
    train: prepareDataset(images, [all.slice(10)], { seed, batchSize: 14, shuffle: false }),
    classWeight: { 0: 1, 1: point.weight },
    validation,
    validateEachEpoch: false,
    test,
    epochs: 2,
    progress: "none",
  }), { seeds: [1, 2] });
  assertEquals(frames.conditions.getColumn("condition").toArray(), ["a", "b"]);
  assertEquals(frames.conditions.getColumn("weight").toArray(), [1, 3]);
  assertEquals(frames.runs.getColumn("condition").toArray(), ["a", "a", "b", "b"]);
  assertEquals(frames.runs.getColumn("seed").toArray(), [1, 2, 1, 2]);
  assertEquals(frames.histories.height, 8);
  // No per-epoch validation was asked for.
  assertEquals(frames.histories.getColumn("valLoss").nullCount(), 8);
  assertEquals(frames.testPredictions.height, 4 * 6);
  assertEquals(frames.validationPredictions.height, 4 * 4);
  assertEquals(
    frames.validationPredictions.getColumn("label").toArray().slice(0, 4),
    validation.indices.map((index) => images.labels[index]),
  );
  // Each point's class weight reached training: each run's first loss is the cross-entropy
  // weighted by it, worked out from the training-mode predictions of a twin of the run's model.
  const firstLosses = frames.histories.filter(pl.col("epoch").eq(1)).getColumn("loss")
    .toArray() as number[];
  const batch = toTensors(images, all.slice(10));
  const labels = Array.from(await batch.y.data());
  const runs = [["a", 1, 1], ["a", 2, 1], ["b", 1, 3], ["b", 2, 3]] as const;
  for (const [position, [name, seed, weight]] of runs.entries()) {
    const twin = buildSimpleCnn({ imageSize: 8, seed });
    const expected = weightedBceByHand(labels, await trainingModeOutputs(twin, batch.x), {
      0: 1,
      1: weight,
    });
    twin.dispose();
    assertAlmostEquals(firstLosses[position], expected, 1e-5, `${name}, seed ${seed}`);
  }
  tf.dispose([batch.x, batch.y]);
  // ... and trained other models: the same seed scores the test images differently.
  const scores = frames.testPredictions.getColumn("probability").toArray() as number[];
  assert(
    scores.slice(0, 6).some((score, example) => Math.abs(score - scores[12 + example]) > 1e-3),
    "class weights 1 and 3 gave the same test scores",
  );
  // The models were disposed.
  assertEquals(tf.memory().numTensors, tensorsBefore);
});

Deno.test("runExperimentGrid refuses repeated names and conditions without validation", async () => {
  const test = { source: images, indices: all.slice(0, 6) };
  const make = () => ({
    train: prepareDataset(images, [all.slice(10)], { seed: 1 }),
    test,
    epochs: 1,
    progress: "none" as const,
  });
  await assertRejectsWith(
    () => runExperimentGrid([{ name: "x" }, { name: "x" }], make, { seeds: [1] }),
    '"x" is used twice',
  );
  await assertRejectsWith(
    () => runExperimentGrid([{ name: "x" }], make, { seeds: [1] }),
    "has no validation set",
  );
  await assertRejectsWith(() => runExperimentGrid([], make, { seeds: [1] }), "no grid points");
});

/** Logistic regression on four points: a grid run that takes milliseconds. */
function pointsCondition(seed: number, withValidation = true) {
  const data = arrayDataset(new Float32Array([-2, 1, -1, 2]), [1], Uint8Array.of(0, 0, 1, 1));
  return {
    model: (modelSeed: number) => buildLogisticRegression({ inputSize: 1, seed: modelSeed }),
    train: arrayStream(data, { batchSize: 2, seed }),
    test: data,
    ...(withValidation ? { validation: data } : {}),
    epochs: 1,
    progress: "none" as const,
  };
}

Deno.test("runExperimentGrid prints each point's position, runs and mean test ROC AUC", async () => {
  const lines: string[] = [];
  const log = console.log;
  console.log = (line: string) => lines.push(line);
  // A clock far from 0, so the elapsed time is only right as a difference of two readings.
  const realNow = performance.now.bind(performance);
  performance.now = () => realNow() + 1e7;
  const started = performance.now();
  let frames;
  let minutes;
  try {
    frames = await runExperimentGrid(
      [{ name: "p" }, { name: "q" }],
      (_point, seed) => pointsCondition(seed),
      { seeds: [1, 2, 3] },
    );
  } finally {
    minutes = (performance.now() - started) / 60000;
    console.log = log;
    performance.now = realNow;
  }
  const aucs = frames.runs.getColumn("auc").toArray() as number[];
  const mean = (values: number[]) => values.reduce((sum, value) => sum + value, 0) / values.length;
  // The seeds give different AUCs, so a sum or a wrong divisor shows.
  assert(new Set(aucs.slice(0, 3)).size > 1, `AUCs ${aucs}`);
  assertEquals(lines.length, 2);
  lines.forEach((line, point) => {
    const name = ["p", "q"][point];
    const auc = mean(aucs.slice(3 * point, 3 * point + 3)).toFixed(3);
    const prefix = `[${point + 1}/2] ${name}: 3 runs, test ROC AUC ${auc} on average; `;
    assert(line.startsWith(prefix), `"${line}" does not start with "${prefix}"`);
    const match = line.slice(prefix.length).match(/^(\d+\.\d) min so far\.$/);
    assert(match !== null, `"${line}" lacks the minutes so far`);
    assert(Number(match[1]) <= minutes + 0.05, `${match[1]} min of ${minutes}`);
  });
});

Deno.test("runExperimentGrid refuses a point where only some seeds have a validation set", async () => {
  await assertRejectsWith(
    () =>
      runExperimentGrid([{ name: "half" }], (_point, seed) => pointsCondition(seed, seed === 1), {
        seeds: [1, 2],
      }),
    'runExperimentGrid: "half" has no validation set; give every condition one.',
  );
});
