/**
 * A grid of conditions, each run over the same seeds, with everything the
 * runs produced stacked into polars DataFrames: one study of a notebook is
 * one call, and its results can be stored and re-plotted without training.
 */
import pl from "nodejs-polars";
import { type Condition, disposeModels } from "./experiment.ts";
import { runSeeds } from "./repeated_runs.ts";
import { historiesFrame, predictionsFrame, resultsFrame } from "./runs_frame.ts";

/** A grid point: its unique name plus the settings it varies (stored as columns). */
export type GridPoint = { name: string } & Record<string, string | number>;

/** The frames of {@link runExperimentGrid}; every frame has the `condition` and `seed` columns. */
export type GridFrames = {
  /** One row per grid point: `condition` (its name) and its settings. */
  conditions: pl.DataFrame;
  /** One row per run: `resultsFrame`. */
  runs: pl.DataFrame;
  /** One row per run and epoch: `historiesFrame`. */
  histories: pl.DataFrame;
  /** One row per run and test example, with its label. */
  testPredictions: pl.DataFrame;
  /** One row per run and validation example, with its label. */
  validationPredictions: pl.DataFrame;
};

/**
 * Runs every grid point over `seeds` with `runSeeds` (`makeCondition(point, seed)` builds
 * each run; the condition's name is the point's), disposing each model once
 * its predictions are taken, prints a line per grid point, and stacks the
 * frames. Every condition needs a
 * validation set, so a threshold can be chosen without the test set.
 */
export async function runExperimentGrid<P extends GridPoint>(
  points: readonly P[],
  makeCondition: (point: P, seed: number) => Omit<Condition, "seed" | "name">,
  options: { seeds: readonly number[] },
): Promise<GridFrames> {
  if (points.length === 0) {
    throw new Error("runExperimentGrid: no grid points; pass at least one { name, ... }.");
  }
  const names = points.map((point) => point.name);
  const repeated = names.find((name, index) => names.indexOf(name) !== index);
  if (repeated !== undefined) {
    throw new Error(
      `runExperimentGrid: the name "${repeated}" is used twice; names must be unique.`,
    );
  }
  const parts: Omit<GridFrames, "conditions">[] = [];
  const started = performance.now();
  for (const [position, point] of points.entries()) {
    const results = await runSeeds(
      options.seeds,
      (seed) => ({ ...makeCondition(point, seed), name: point.name }),
    );
    disposeModels(results);
    const meanAuc = results.reduce((sum, result) => sum + result.test.auc, 0) / results.length;
    console.log(
      `[${position + 1}/${points.length}] ${point.name}: ${results.length} runs, ` +
        `test ROC AUC ${meanAuc.toFixed(3)} on average; ` +
        `${((performance.now() - started) / 60000).toFixed(1)} min so far.`,
    );
    if (results.some((result) => !result.validationLabels)) {
      throw new Error(
        `runExperimentGrid: "${point.name}" has no validation set; give every condition one.`,
      );
    }
    parts.push({
      runs: resultsFrame(results),
      histories: historiesFrame(results),
      testPredictions: predictionsFrame(results),
      validationPredictions: predictionsFrame(results, "validation"),
    });
  }
  const stack = (key: keyof Omit<GridFrames, "conditions">) =>
    pl.concat(parts.map((part) => part[key]), { how: "vertical" });
  return {
    conditions: pl.readRecords(
      points.map(({ name, ...settings }) => ({ condition: name, ...settings })),
    ),
    runs: stack("runs"),
    histories: stack("histories"),
    testPredictions: stack("testPredictions"),
    validationPredictions: stack("validationPredictions"),
  };
}
