/**
 * Repeating a condition over several seeds: one run is one draw of the
 * training noise (initial weights, dropout masks, batch order), so a
 * comparison between conditions needs several runs of each.
 */
import type { Evaluation } from "../metrics/evaluate.ts";
import { type Condition, type ConditionResult, runCondition } from "./experiment.ts";
import type { LabeledRuns } from "../charts/loss_band.ts";

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
  makeCondition: (seed: number) => Omit<Condition<S>, "seed">,
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
  const results: ConditionResult<S>[] = [];
  for (const seed of seeds) {
    results.push(await runCondition<S>({ ...makeCondition(seed), seed }));
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
