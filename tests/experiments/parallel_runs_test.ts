/** runSeeds with a recipe: side by side in workers, the same results as one after another. */
import { assert, assertEquals, assertRejectsWith } from "../assert.ts";
import { selectEngine } from "../../lib/engine/select_engine.ts";
import type { ConditionResult } from "../../lib/experiments/experiment.ts";
import { type ConditionRecipe, runSeeds } from "../../lib/experiments/repeated_runs.ts";
import { loadRecipe } from "../../lib/experiments/parallel_runs.ts";
import { type TinyCnnArgs, tinyCnnCondition } from "../fixtures/recipe_conditions.ts";

await selectEngine({ backend: "wasm", wasmThreads: 1, log: () => {} });

const conditions = new URL("../fixtures/recipe_conditions.ts", import.meta.url).href;
const args: TinyCnnArgs = { images: 12, epochs: 2 };
const recipe: ConditionRecipe = { module: conditions, export: "tinyCnnCondition", args };

/**
 * A run's small outputs (everything but timings, arrays and the model), and
 * its arrays (probabilities, labels, each weight) as bytes; disposes its model.
 */
function fingerprint(result: ConditionResult) {
  const {
    model,
    seconds: _seconds,
    history,
    testProbabilities,
    testLabels,
    validationProbabilities,
    validationLabels,
    ...rest
  } = result;
  const arrays: Record<string, Uint8Array> = {
    testProbabilities: bytes(testProbabilities),
    testLabels: bytes(testLabels),
    validationProbabilities: bytes(validationProbabilities!),
    validationLabels: bytes(validationLabels!),
  };
  model.getWeights().forEach((weight, i) => {
    arrays[`weight ${i} ${weight.shape}`] = bytes(weight.dataSync() as Float32Array);
  });
  model.dispose();
  return {
    small: { ...rest, history: history.map(({ seconds: _epochSeconds, ...epoch }) => epoch) },
    arrays,
  };
}

function bytes(array: Float32Array | Uint8Array): Uint8Array {
  return new Uint8Array(array.buffer, array.byteOffset, array.byteLength);
}

/**
 * Throws unless two lists of runs' fingerprints are equal, bit for bit,
 * naming the first array and byte that differ (a deep-equality diff of
 * arrays this size would take gigabytes).
 */
function assertSameRuns(
  actual: ReturnType<typeof fingerprint>[],
  expected: ReturnType<typeof fingerprint>[],
  what: string,
): void {
  assertEquals(actual.length, expected.length);
  actual.forEach((run, index) => {
    assertEquals(run.small, expected[index].small, `${what}: run ${index} differs`);
    assertEquals(Object.keys(run.arrays), Object.keys(expected[index].arrays));
    for (const [name, values] of Object.entries(run.arrays)) {
      const other = expected[index].arrays[name];
      const at = values.findIndex((byte, i) => byte !== other[i]);
      assert(
        values.length === other.length && at < 0,
        `${what}: run ${index}'s ${name} differs (lengths ${values.length} and ${other.length}, ` +
          `first differing byte ${at})`,
      );
    }
  });
}

Deno.test("a recipe run in 2 workers equals it run serially and the plain function, bit for bit", async () => {
  const seeds = [5, 1, 2];
  const parallel = await runSeeds(seeds, recipe, { workers: 2 });
  assertEquals(parallel.map((result) => result.seed), seeds);
  assert(parallel.every((result) => result.seconds > 0 && result.history.length === 2));
  assertEquals(parallel[0].testLabels.length, 12);
  assertEquals(parallel[0].validationProbabilities?.length, 12);
  const inWorkers = parallel.map(fingerprint);
  const serial = (await runSeeds(seeds, recipe, { workers: 1 })).map(fingerprint);
  const plain = (await runSeeds(seeds, (seed) => tinyCnnCondition(seed, args))).map(fingerprint);
  // The runs differ from seed to seed, so equal lists are not equal by accident.
  assert(inWorkers[0].small.history[0].loss !== inWorkers[1].small.history[0].loss);
  assertEquals(inWorkers[0].small.settings, { images: 12 });
  assertSameRuns(inWorkers, serial, "2 workers vs serial");
  assertSameRuns(serial, plain, "recipe vs function");
});

Deno.test("a run that fails in a worker rejects naming its seed and the worker's message", async () => {
  await assertRejectsWith(
    () => runSeeds([1, 2, 3], { ...recipe, export: "failingForSeed2" }, { workers: 2 }),
    "the run of seed 2 failed in worker",
    "no images for this seed",
  );
});

Deno.test("bad workers options and recipes are errors naming the fix", async () => {
  await assertRejectsWith(
    () => runSeeds([1], recipe, { workers: 0 }),
    "workers is 0",
    "whole number ≥ 1",
  );
  await assertRejectsWith(
    () => runSeeds([1, 2], (seed) => tinyCnnCondition(seed, args), { workers: 2 }),
    "workers: 2 needs a recipe",
    "export the function from a module",
  );
  await assertRejectsWith(
    () => runSeeds([1, 2], { ...recipe, export: "missing" }, { workers: 2 }),
    'exports no function named "missing"',
    "tinyCnnCondition",
    "Fix: export it from that module",
  );
  await assertRejectsWith(
    () => loadRecipe({ ...recipe, module: "./recipe_conditions.ts" }),
    "is not an absolute URL",
    "import.meta.url",
  );
  await assertRejectsWith(
    () => loadRecipe({ ...recipe, module: new URL("./no_such_module.ts", conditions).href }),
    "cannot import recipe.module",
  );
  await assertRejectsWith(
    () => loadRecipe({ ...recipe, args: { pixels: new Float32Array(2) } }),
    "change when sent to a worker as JSON",
  );
  await assertRejectsWith(
    () => loadRecipe({ ...recipe, args: { big: 1n } }),
    "cannot be written as JSON",
  );
});
