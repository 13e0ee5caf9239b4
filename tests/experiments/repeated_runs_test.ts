import { assert, assertEquals, assertRejectsWith } from "../assert.ts";
import { prepareDataset } from "../../lib/data/batches.ts";
import { selectEngine } from "../../lib/engine/select_engine.ts";
import { noiseImageSet } from "../fixtures/noise_images.ts";
import { historiesByCondition, runSeeds } from "../../lib/experiments/repeated_runs.ts";
import { predictProbabilities } from "../../lib/models/predict.ts";

await selectEngine({ backend: "wasm", log: () => {} });

/** 8x8 noise images, every fourth one a dog. */
const tinyImageSet = (count: number) => noiseImageSet(count, 11);

const images = tinyImageSet(24);
const all = [...images.labels.keys()];
const examples = { source: images, indices: all.slice(0, 12) };

Deno.test("runSeeds runs once per seed with that seed, and groups histories by condition", async () => {
  const streamSeeds: number[] = [];
  const results = await runSeeds([3, 1], (seed) => {
    streamSeeds.push(seed);
    return {
      name: "tiny",
      train: prepareDataset(images, [all.slice(12)], { seed, batchSize: 4 }),
      validation: examples,
      test: examples,
      epochs: 2,
      progress: "none",
    };
  });
  assertEquals(results.map((result) => result.seed), [3, 1]);
  assertEquals(streamSeeds, [3, 1]);
  assertEquals(results.map((result) => result.history.length), [2, 2]);
  // Different seeds, different initial weights: different test probabilities.
  assert(results[0].testProbabilities.some((p, i) => p !== results[1].testProbabilities[i]));
  const groups = historiesByCondition([...results, { ...results[0], name: "other" }]);
  assertEquals(groups.map((group) => [group.label, group.histories.length]), [
    ["tiny", 2],
    ["other", 1],
  ]);

  // The test probabilities are the trained model's predictions on the test set.
  assertEquals(
    Array.from(await predictProbabilities(results[0].model, examples)),
    Array.from(results[0].testProbabilities),
  );
  results.forEach((result) => result.model.dispose());
});

Deno.test("runSeeds rejects bad input", async () => {
  const never = () => {
    throw new Error("should not be called");
  };
  await assertRejectsWith(() => runSeeds([], never), "no seeds");
  await assertRejectsWith(() => runSeeds([1, 1], never), "seed 1 appears twice");
  await assertRejectsWith(() => runSeeds([1.5], never), "whole numbers");
});
