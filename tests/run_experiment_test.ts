import { assertEquals } from "./assert.ts";
import { prepareDataset } from "../lib/batches.ts";
import { selectEngine } from "../lib/engine.ts";
import type { ImageSet } from "../lib/image_set.ts";
import { runExperiment } from "../lib/run_experiment.ts";

await selectEngine({ backend: "wasm", log: () => {} });

/** 8x8 images, every fourth one a dog (label 1), with seeded noise. */
function tinyImageSet(count: number): ImageSet {
  const side = 8;
  const pixels = new Uint8Array(count * side * side * 3);
  let state = 7;
  for (let position = 0; position < pixels.length; position++) {
    state = (state * 1103515245 + 12345) % 2147483648;
    pixels[position] = state % 256;
  }
  return {
    classNames: ["cats", "dogs"],
    height: side,
    width: side,
    pixels,
    labels: Uint8Array.from({ length: count }, (_, image) => image % 4 === 0 ? 1 : 0),
    paths: Array.from({ length: count }, (_, image) => `image${image}.png`),
  };
}

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
