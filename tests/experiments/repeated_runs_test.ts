import { assert, assertEquals, assertRejectsWith } from "../assert.ts";
import { prepareDataset } from "../../lib/data/batches.ts";
import { selectEngine } from "../../lib/engine/select_engine.ts";
import { noiseImageSet } from "../fixtures/noise_images.ts";
import { historiesByCondition, runSeeds } from "../../lib/experiments/repeated_runs.ts";
import { predictProbabilities } from "../../lib/models/predict.ts";
import { disposeModels } from "../../lib/experiments/experiment.ts";
import { builtSeeds } from "../fixtures/counted_conditions.ts";

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

Deno.test("runSeeds: workers must be a whole number ≥ 1, and more than 1 needs a recipe", async () => {
  const never = () => {
    throw new Error("should not be called");
  };
  for (const workers of [0, 1.5, -2]) {
    await assertRejectsWith(
      () => runSeeds([1], never, { workers }),
      `runSeeds: workers is ${workers}; give a whole number ≥ 1`,
      "more runs them side by side",
    );
  }
  await assertRejectsWith(
    () => runSeeds([1, 2], never, { workers: 2 }),
    "runSeeds: workers: 2 needs a recipe, since a function cannot be sent to a worker",
    "Fix: export the function from a module",
    '{ module: import.meta.url, export: "itsName", args }, or leave workers at 1',
  );
  await assertRejectsWith(() => runSeeds([2.5], never), "seeds[0] is 2.5; seeds are whole numbers");
});

Deno.test("runSeeds: a recipe runs in this thread with one worker, in worker threads with more", async () => {
  const recipe = {
    module: new URL("../fixtures/counted_conditions.ts", import.meta.url).href,
    export: "countedLogistic",
    args: { epochs: 1 },
  };
  builtSeeds.length = 0;
  const here = await runSeeds([4, 7], recipe);
  assertEquals(builtSeeds, [4, 7]);
  const inWorkers = await runSeeds([4, 7], recipe, { workers: 2 });
  // Built in the workers' own copies of the module, not in this thread's.
  assertEquals(builtSeeds, [4, 7]);
  assertEquals(inWorkers.map((result) => result.seed), [4, 7]);
  assertEquals(
    inWorkers.map((result) => [...result.testProbabilities]),
    here.map((result) => [...result.testProbabilities]),
  );
  disposeModels([...here, ...inWorkers]);
});
