import { assert, assertAlmostEquals, assertEquals, assertRejectsWith } from "../assert.ts";
import { prepareDataset } from "../../lib/data/batches.ts";
import { selectEngine } from "../../lib/engine/select_engine.ts";
import { noiseImageSet } from "../fixtures/noise_images.ts";
import { buildSimpleCnn } from "../../lib/models/simple_cnn.ts";
import { historiesByCondition, runSeeds } from "../../lib/experiments/repeated_runs.ts";
import { scoreOnSets } from "../../lib/experiments/score_on_sets.ts";

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

  // The same model on two sets: each scored on its own examples.
  const scores = await scoreOnSets(results[0].model, {
    first: examples,
    second: { source: images, indices: all.slice(12) },
  });
  assertEquals(scores.map((score) => [score.set, score.labels.length]), [["first", 12], [
    "second",
    12,
  ]]);
  assertEquals(Array.from(scores[0].probabilities), Array.from(results[0].testProbabilities));
  assertAlmostEquals(scores[0].evaluation.prevalence, 3 / 12, 1e-12);
  results.forEach((result) => result.model.dispose());
});

Deno.test("runSeeds and scoreOnSets reject bad input", async () => {
  const never = () => {
    throw new Error("should not be called");
  };
  await assertRejectsWith(() => runSeeds([], never), "no seeds");
  await assertRejectsWith(() => runSeeds([1, 1], never), "seed 1 appears twice");
  await assertRejectsWith(() => runSeeds([1.5], never), "whole numbers");
  const model = buildSimpleCnn({ imageSize: [8, 8], seed: 1 });
  await assertRejectsWith(() => scoreOnSets(model, {}), "no test sets");
  await assertRejectsWith(
    () => scoreOnSets(model, { empty: { source: images, indices: [] } }),
    'test set "empty" is empty',
  );
  model.dispose();
});
