/**
 * Runs a notebook holds in memory, as the frames of an experiment grid, so
 * that one summarizer (`gridIntervals`, `gridComparisons`) serves every
 * study: a grid stored as Parquet, and a handful of conditions run in the
 * notebook itself.
 */
import pl from "nodejs-polars";
import type { GridFrames } from "./experiment_grid.ts";

/** One condition: its name and its runs, one per seed, each with its test probabilities. */
export interface ConditionRuns {
  /** The condition's name, unique among the conditions. */
  name: string;
  /** Its runs; `testProbabilities[i]` scores test example i. */
  runs: readonly { seed: number; testProbabilities: ArrayLike<number> }[];
}

/**
 * The frames of `conditions`, all scored on one test set with `testLabels`:
 * `conditions` (one row each, `condition` only), `runs` (`condition`,
 * `seed`) and `testPredictions`; no histories and no validation predictions,
 * so the metrics at a tuned threshold are not available from them.
 *
 * @example
 * ```ts
 * import { conditionFrames } from "./condition_frames.ts";
 * import { gridIntervals } from "./grid_intervals.ts";
 * const labels = [1, 0, 1, 0, 1, 0, 1, 0];
 * const run = (seed: number) => ({
 *   seed,
 *   testProbabilities: labels.map((label, i) => 0.3 + 0.4 * label + 0.01 * ((i * seed) % 5)),
 * });
 * const frames = conditionFrames([{ name: "model", runs: [run(1), run(2), run(3)] }], labels);
 * const [auc] = gridIntervals(frames, ["model"], ["rocAuc"], { seed: 1 });
 * if (auc.estimate !== 1) throw new Error(`ROC AUC ${auc.estimate}`);
 * ```
 */
export function conditionFrames(
  conditions: readonly ConditionRuns[],
  testLabels: ArrayLike<number>,
): GridFrames {
  if (conditions.length === 0) {
    throw new Error("conditionFrames: no conditions; pass [{ name, runs: [...] }, ...].");
  }
  const names = conditions.map((condition) => condition.name);
  const repeated = names.find((name, index) => names.indexOf(name) !== index);
  if (repeated !== undefined) {
    throw new Error(`conditionFrames: the name "${repeated}" is used twice; names must be unique.`);
  }
  const rows = { condition: [] as string[], seed: [] as number[] };
  const predictions = {
    condition: [] as string[],
    seed: [] as number[],
    example: [] as number[],
    probability: [] as number[],
    label: [] as number[],
  };
  for (const { name, runs } of conditions) {
    if (runs.length === 0) {
      throw new Error(`conditionFrames: "${name}" has no runs; give it at least one.`);
    }
    for (const { seed, testProbabilities } of runs) {
      if (testProbabilities.length !== testLabels.length) {
        throw new Error(
          `conditionFrames: "${name}", seed ${seed} has ${testProbabilities.length} test ` +
            `probabilities for ${testLabels.length} labels; score every run on the same test set.`,
        );
      }
      rows.condition.push(name);
      rows.seed.push(seed);
      for (let example = 0; example < testLabels.length; example++) {
        predictions.condition.push(name);
        predictions.seed.push(seed);
        predictions.example.push(example);
        predictions.probability.push(testProbabilities[example]);
        predictions.label.push(testLabels[example]);
      }
    }
  }
  const frame = (columns: Record<string, (string | number)[]>) =>
    pl.DataFrame(
      Object.entries(columns).map(([name, values]) =>
        pl.Series(
          name,
          values,
          name === "condition" ? pl.Utf8 : name === "probability" ? pl.Float64 : pl.Int64,
        )
      ),
    );
  return {
    conditions: pl.DataFrame({ condition: names }),
    runs: frame(rows),
    histories: pl.DataFrame({}),
    testPredictions: frame(predictions),
    validationPredictions: frame({
      condition: [],
      seed: [],
      example: [],
      probability: [],
      label: [],
    }),
  };
}
