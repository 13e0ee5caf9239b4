import { assertEquals } from "../assert.ts";
import { prepareDataset } from "../../lib/data/batches.ts";
import { selectEngine } from "../../lib/engine/select_engine.ts";
import { noiseImageSet } from "../fixtures/noise_images.ts";
import { runExperiment } from "../../lib/experiments/run_experiment.ts";

await selectEngine({ backend: "wasm", log: () => {} });

/** 8x8 noise images, every fourth one a dog. */
const tinyImageSet = (count: number) => noiseImageSet(count, 7);

Deno.test("runExperiment trains once per seed and returns the runs, histories and predictions as frames", async () => {
  const images = tinyImageSet(16);
  const all = [...images.labels.keys()];
  const test = { source: images, indices: all.slice(0, 6) }; // labels 1, 0, 0, 0, 1, 0
  const { results, frame, histories, predictions } = await runExperiment((seed) => ({
    name: "tiny",
    train: prepareDataset(images, [all.slice(6)], { seed, batchSize: 5 }),
    validation: test,
    test,
    epochs: 2,
    progress: "none",
  }), { seeds: [4, 9] });
  try {
    assertEquals(results.map((result) => result.seed), [4, 9]);
    assertEquals(frame.getColumn("seed").toArray(), [4, 9]);
    assertEquals(frame.getColumn("epochs").toArray(), [2, 2]);
    assertEquals(frame.getColumn("tp").toArray(), results.map((result) => result.test.tp));
    assertEquals(histories.getColumn("epoch").toArray(), [1, 2, 1, 2]);
    assertEquals(predictions.height, 12);
    assertEquals(predictions.getColumn("label").toArray(), [1, 0, 0, 0, 1, 0, 1, 0, 0, 0, 1, 0]);
    assertEquals(
      predictions.getColumn("probability").toArray(),
      results.flatMap((result) => [...result.testProbabilities]),
    );
  } finally {
    results.forEach((result) => result.model.dispose());
  }
});
