/**
 * Repeating a condition over several seeds: one run is one draw of the
 * training noise (initial weights, dropout masks, batch order), so a
 * comparison between conditions needs several runs of each.
 */
import { type Condition, type ConditionResult, runCondition } from "./experiment.ts";
import type { LabelledRuns } from "../charts/loss_band.ts";

/**
 * Runs `makeCondition(seed)` once per seed, one after the other, each with a
 * fresh model and a fresh optimizer (runCondition builds both), and returns
 * the results in seed order. `makeCondition` receives the seed so it can seed
 * the training stream too; the run's model seed is always that seed.
 */
export async function runSeeds(
  seeds: readonly number[],
  makeCondition: (seed: number) => Omit<Condition, "seed">,
): Promise<ConditionResult[]> {
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
  const results: ConditionResult[] = [];
  for (const seed of seeds) {
    results.push(await runCondition({ ...makeCondition(seed), seed }));
  }
  return results;
}

/** The runs' histories grouped by condition name (first-seen order), as `lossBand` takes them. */
export function historiesByCondition(results: readonly ConditionResult[]): LabelledRuns[] {
  const groups = new Map<string, LabelledRuns>();
  for (const result of results) {
    const group = groups.get(result.name) ?? { label: result.name, histories: [] };
    groups.set(result.name, group);
    group.histories.push(result.history);
  }
  return [...groups.values()];
}
