/**
 * Repeating a condition over several seeds: one run is one draw of the
 * training noise (initial weights, dropout masks, batch order), so a
 * comparison between conditions needs several runs of each.
 */
import type { Evaluation } from "../metrics/evaluate.ts";
import { type Condition, type ConditionResult, runCondition } from "./experiment.ts";
import type { LabeledRuns } from "../charts/loss_band.ts";
import { type ConditionRecipe, loadRecipe, runInWorkers } from "./parallel_runs.ts";

export type { ConditionRecipe } from "./parallel_runs.ts";

/** Options of {@link runSeeds}. */
export interface RunSeedsOptions {
  /**
   * How many runs go side by side (default 1: one after the other, in this
   * thread). More than 1 needs a {@link ConditionRecipe}: each run then goes to
   * one of that many worker threads (at most one per seed), each on the wasm
   * engine with one thread whatever engine this thread uses, so on a machine
   * with n free cores, n workers do the most runs per hour. The results are the
   * same as one after another on wasm, bit for bit; each one's model is
   * rebuilt in this thread from its topology and trained weights (state
   * outside the weights, such as a dropout layer's step count, starts over).
   * A run whose condition's progress is not "none" prints one line when it ends.
   */
  workers?: number;
}

/**
 * The library's one way to run a condition over seeds: runs
 * `makeCondition(seed)` once per seed, one after the other, each with a
 * fresh model and a fresh optimizer (`runCondition` builds both), and
 * returns the results in seed order. The seed is given once per run, here:
 * `makeCondition` receives it to seed the training stream (the batch order,
 * and any resampling), and the run's model is built from the same seed
 * (initial weights, and dropout masks, which derive from the seed and the
 * step). So seed j of two conditions gives paired runs.
 *
 * The condition is a function of the seed, or a {@link ConditionRecipe}
 * (a module's exported function and its JSON arguments) that worker threads
 * can rebuild: with `{ workers: n }` the runs then go n side by side
 * (see `RunSeedsOptions.workers`), e.g. `runSeeds(seeds, { module:
 * import.meta.url, export: "weightedCnn", args: { weight: 10 } }, { workers: 2 })`.
 *
 * ```ts
 * import assert from "node:assert/strict";
 * import * as tf from "@tensorflow/tfjs";
 * import { arrayDataset } from "../data/array_dataset.ts";
 * import { arrayStream } from "../data/batches.ts";
 * import { disposeModels } from "./experiment.ts";
 * import { runSeeds } from "./repeated_runs.ts";
 *
 * const data = arrayDataset(new Float32Array([-2, -1, 1, 2]), [1], Uint8Array.of(0, 0, 1, 1));
 * const results = await runSeeds([1, 2, 3], (seed) => ({
 *   name: "logistic regression",
 *   model: (modelSeed) => tf.sequential({
 *     layers: [tf.layers.dense({ inputShape: [1], units: 1, activation: "sigmoid", kernelInitializer: tf.initializers.glorotUniform({ seed: modelSeed }) })],
 *   }),
 *   train: arrayStream(data, { batchSize: 2, seed }),
 *   test: data,
 *   epochs: 2,
 *   progress: "none",
 * }));
 * assert.deepEqual(results.map((result) => result.seed), [1, 2, 3]);
 * disposeModels(results);
 * ```
 */
export async function runSeeds<S = Evaluation>(
  seeds: readonly number[],
  makeCondition: ((seed: number) => Omit<Condition<S>, "seed">) | ConditionRecipe,
  options: RunSeedsOptions = {},
): Promise<ConditionResult<S>[]> {
  if (seeds.length === 0) {
    throw new Error("runSeeds: no seeds; pass e.g. [1, 2, 3] (one run per seed).");
  }
  seeds.forEach((seed, index) => {
    if (!Number.isInteger(seed)) {
      throw new Error(`runSeeds: seeds[${index}] is ${seed}; seeds are whole numbers.`);
    }
    if (seeds.indexOf(seed) !== index) {
      throw new Error(`runSeeds: seed ${seed} appears twice; repeated seeds repeat the same run.`);
    }
  });
  const workers = options.workers ?? 1;
  if (!(Number.isInteger(workers) && workers >= 1)) {
    throw new Error(
      `runSeeds: workers is ${workers}; give a whole number ≥ 1: 1 runs the seeds one after ` +
        "another, more runs them side by side (e.g. navigator.hardwareConcurrency).",
    );
  }
  if (typeof makeCondition === "function" && workers > 1) {
    throw new Error(
      `runSeeds: workers: ${workers} needs a recipe, since a function cannot be sent to a ` +
        "worker. Fix: export the function from a module as (seed, args) => condition and pass " +
        '{ module: import.meta.url, export: "itsName", args }, or leave workers at 1.',
    );
  }
  const recipe = typeof makeCondition === "function"
    ? undefined
    : await loadRecipe<S>(makeCondition);
  if (recipe && workers > 1) return await runInWorkers(seeds, recipe, workers);
  const make = recipe?.make ?? makeCondition as (seed: number) => Omit<Condition<S>, "seed">;
  const results: ConditionResult<S>[] = [];
  for (const seed of seeds) {
    results.push(await runCondition<S>({ ...await make(seed), seed }));
  }
  return results;
}

/** The runs' histories grouped by condition name (first-seen order), as `lossBand` takes them. */
export function historiesByCondition<S>(
  results: readonly ConditionResult<S>[],
): LabeledRuns[] {
  const groups = new Map<string, LabeledRuns>();
  for (const result of results) {
    const group = groups.get(result.name) ?? { label: result.name, histories: [] };
    groups.set(result.name, group);
    group.histories.push(result.history);
  }
  return [...groups.values()];
}
