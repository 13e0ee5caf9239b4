/**
 * One condition run over several seeds, with everything the runs produced
 * as polars DataFrames: the metrics per run, the history per run and epoch,
 * and the test (and validation) predictions per run and example.
 */
import type pl from "nodejs-polars";
import type { Condition, ConditionResult } from "./experiment.ts";
import { labelsOf } from "../models/predict.ts";
import { runSeeds } from "./repeated_runs.ts";
import { historiesFrame, predictionsFrame, resultsFrame } from "./runs_frame.ts";

/** What {@link runExperiment} returns. */
export interface ExperimentRuns {
  /** The runs in seed order, models included (dispose them when done). */
  results: ConditionResult[];
  /** One row per run: {@link resultsFrame}. */
  frame: pl.DataFrame;
  /** One row per run and epoch: {@link historiesFrame}. */
  histories: pl.DataFrame;
  /** One row per run and test example, with its label: {@link predictionsFrame}. */
  predictions: pl.DataFrame;
  /** The same for the validation set; null when the conditions have none. */
  validationPredictions: pl.DataFrame | null;
}

/**
 * Runs `makeCondition(seed)` once per seed with {@link runSeeds} (fresh
 * model and optimizer per run) and tabulates the runs. For several
 * conditions, call it once per condition and stack the frames with
 * `pl.concat`.
 */
export async function runExperiment(
  makeCondition: (seed: number) => Omit<Condition, "seed">,
  options: { seeds: readonly number[] },
): Promise<ExperimentRuns> {
  const testLabels: Uint8Array[] = [];
  const validationLabels: Uint8Array[] = [];
  const results = await runSeeds(options.seeds, (seed) => {
    const condition = makeCondition(seed);
    testLabels.push(labelsOf(condition.test));
    if (condition.validation) validationLabels.push(labelsOf(condition.validation));
    return condition;
  });
  const everyRunValidated = validationLabels.length === results.length;
  return {
    results,
    frame: resultsFrame(results),
    histories: historiesFrame(results),
    predictions: predictionsFrame(results, testLabels),
    validationPredictions: everyRunValidated
      ? predictionsFrame(results, validationLabels, "validation")
      : null,
  };
}
