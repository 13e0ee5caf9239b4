import { assert, assertEquals, assertRejectsWith } from "../../assert.ts";
import { arrayDataset } from "../../../lib/data/array_dataset.ts";
import { EarlyStopping } from "../../../lib/training/callbacks/early_stopping.ts";
import { ReduceLROnPlateau } from "../../../lib/training/callbacks/reduce_lr_on_plateau.ts";
import { selectEngine } from "../../../lib/engine/select_engine.ts";
import { runHead, runHeadSeeds } from "../../../lib/models/pretrained/head_training.ts";
import { createRandom } from "../../../lib/data/random.ts";

await selectEngine({ backend: "wasm", log: () => {} });

/** Feature vectors of length 6 whose first value tells the class, plus noise; `dogShare` of them dogs. */
function features(count: number, seed: number, dogShare = 0.5) {
  const random = createRandom(seed);
  const labels = Uint8Array.from({ length: count }, () => (random.next() < dogShare ? 1 : 0));
  const x = new Float32Array(count * 6);
  labels.forEach((label, i) => {
    for (let k = 0; k < 6; k++) x[i * 6 + k] = random.next() + (k === 0 ? 1.5 * label : 0);
  });
  return arrayDataset(x, [6], labels);
}

Deno.test("runHead learns a separable problem and logs the validation set every epoch", async () => {
  const { history } = await runHead(features(200, 1), {
    epochs: 8,
    seed: 1,
    hiddenUnits: [8],
    learningRate: 1e-2,
    validation: features(100, 2),
    test: features(20, 10),
  });
  assertEquals(history.length, 8);
  assert(history[7].loss < history[0].loss, "the training loss falls");
  assert(history[7].valAuc! > 0.9, `validation AUC ${history[7].valAuc}`);
  assertEquals(history[0].valTp! + history[0].valFn! + history[0].valTn! + history[0].valFp!, 100);
});

Deno.test("callbacks see each epoch: EarlyStopping stops and ReduceLROnPlateau lowers the rate", async () => {
  // Validation labels unrelated to the features: the validation loss soon stops improving.
  const noise = features(60, 3);
  const shuffledLabels = arrayDataset(noise.x, [6], noise.labels.map((_, i) => i % 2));
  const { history } = await runHead(features(200, 4), {
    epochs: 60,
    seed: 2,
    hiddenUnits: [8],
    learningRate: 1e-2,
    validation: shuffledLabels,
    test: features(20, 10),
    callbacks: () => [new ReduceLROnPlateau({ patience: 2 }), new EarlyStopping({ patience: 5 })],
  });
  assert(history.length < 60, `stopped early, after ${history.length} epochs`);
  assert(history.at(-1)!.lr < 1e-2, `the rate was cut: ${history.at(-1)!.lr}`);
});

Deno.test("runHead: one seed gives the same scores twice, another seed other scores", async () => {
  const train = features(200, 5);
  const test = features(80, 6);
  const options = (seed: number) => ({ seed, epochs: 3, hiddenUnits: [8], test });
  const [a, b] = await runHeadSeeds([1, 1], () => train, options);
  const [c] = await runHeadSeeds([2], () => train, options);
  assertEquals([...a.testScores], [...b.testScores]);
  assert([...a.testScores].some((score, i) => score !== c.testScores[i]), "seed 2 differs");
  assertEquals(a.test.count, 80);
  assertEquals(a.seed, 1);
  assert(a.seconds > 0);
});

Deno.test("class weights move the decision towards the weighted class", async () => {
  const train = features(300, 7, 0.1);
  const test = features(200, 8, 0.1);
  const common = { seed: 1, epochs: 5, hiddenUnits: [8], test };
  const plain = await runHead(train, common);
  const weighted = await runHead(train, { ...common, classWeight: { 0: 1, 1: 25 } });
  assert(
    weighted.test.tp + weighted.test.fp > plain.test.tp + plain.test.fp,
    `weight 25 flags more: ${weighted.test.tp + weighted.test.fp} vs ` +
      `${plain.test.tp + plain.test.fp}`,
  );
});

Deno.test("runHead refuses bad settings with the setting named", async () => {
  const data = features(10, 9);
  const common = { seed: 1, hiddenUnits: [4], test: data };
  await assertRejectsWith(() => runHead(data, { ...common, epochs: 0 }), "epochs");
  await assertRejectsWith(
    () => runHead(data, { ...common, epochs: 1, batchSize: 0 }),
    "batch size must be a whole number",
  );
  const threeClasses = arrayDataset(data.x, [6], data.labels.map((_, i) => i % 3));
  await assertRejectsWith(
    () => runHead(threeClasses, { ...common, epochs: 1 }),
    "the model's classes are 0 … 1",
  );
});
