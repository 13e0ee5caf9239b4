/**
 * Repeated runs as polars DataFrames, one row per run, per run and epoch, or
 * per run and test example, so that notebooks group, filter and aggregate
 * them with polars instead of loops. Counts are Int64 columns; metrics
 * that a run did not record (e.g. validation fields without a validation
 * set) are null.
 */
import pl from "nodejs-polars";
import type { Evaluation } from "../metrics/evaluate.ts";
import type { ConditionResult } from "./experiment.ts";
import type { EpochLog } from "../training/history.ts";

/** The test metrics of {@link resultsFrame}, in column order; counts are whole numbers. */
const testColumns: readonly { key: keyof Evaluation; whole: boolean }[] = [
  { key: "loss", whole: false },
  { key: "accuracy", whole: false },
  { key: "precision", whole: false },
  { key: "recall", whole: false },
  { key: "f1", whole: false },
  { key: "specificity", whole: false },
  { key: "balancedAccuracy", whole: false },
  { key: "auc", whole: false },
  { key: "prAuc", whole: false },
  { key: "tp", whole: true },
  { key: "fp", whole: true },
  { key: "tn", whole: true },
  { key: "fn", whole: true },
  { key: "count", whole: true },
  { key: "prevalence", whole: false },
  { key: "threshold", whole: false },
];

/** The epoch-log fields of {@link historiesFrame} after condition, seed and epoch. */
const epochColumns: readonly { key: keyof EpochLog; whole: boolean }[] = [
  { key: "loss", whole: false },
  { key: "lr", whole: false },
  { key: "valLoss", whole: false },
  { key: "valTp", whole: true },
  { key: "valFp", whole: true },
  { key: "valTn", whole: true },
  { key: "valFn", whole: true },
  { key: "valAccuracy", whole: false },
  { key: "valPrecision", whole: false },
  { key: "valRecall", whole: false },
  { key: "valAuc", whole: false },
  { key: "seconds", whole: false },
];

/**
 * One row per run: `condition`, `seed`, `epochs` (epochs run), `bestEpoch`
 * (lowest validation loss; null without validation), `seconds`, then the
 * test metrics at threshold 0.5 (loss, accuracy, precision, recall, f1,
 * specificity, balancedAccuracy, auc, prAuc, tp, fp, tn, fn, count,
 * prevalence, threshold).
 */
export function resultsFrame(results: readonly ConditionResult[]): pl.DataFrame {
  checkResults(results, "resultsFrame");
  return pl.DataFrame([
    pl.Series("condition", results.map((result) => result.name), pl.Utf8),
    pl.Series("seed", results.map((result) => result.seed), pl.Int64),
    pl.Series("epochs", results.map((result) => result.history.length), pl.Int64),
    pl.Series("bestEpoch", results.map((result) => bestEpoch(result.history)), pl.Int64),
    pl.Series("seconds", results.map((result) => result.seconds), pl.Float64),
    ...testColumns.map(({ key, whole }) =>
      pl.Series(
        key,
        results.map((result) => result.test[key]),
        whole ? pl.Int64 : pl.Float64,
      )
    ),
  ]);
}

/**
 * One row per run and epoch: `condition`, `seed`, `epoch`, then the epoch
 * log (loss, lr, valLoss, valTp, valFp, valTn, valFn, valAccuracy,
 * valPrecision, valRecall, valAuc, seconds), for loss curves and
 * epoch-by-epoch comparisons across seeds.
 */
export function historiesFrame(results: readonly ConditionResult[]): pl.DataFrame {
  checkResults(results, "historiesFrame");
  const rows = results.flatMap((result) =>
    result.history.map((log) => ({ condition: result.name, seed: result.seed, log }))
  );
  return pl.DataFrame([
    pl.Series("condition", rows.map((row) => row.condition), pl.Utf8),
    pl.Series("seed", rows.map((row) => row.seed), pl.Int64),
    pl.Series("epoch", rows.map((row) => row.log.epoch), pl.Int64),
    ...epochColumns.map(({ key, whole }) =>
      pl.Series(key, rows.map((row) => row.log[key] ?? null), whole ? pl.Int64 : pl.Float64)
    ),
  ]);
}

/** Which set's probabilities {@link predictionsFrame} tabulates. */
export type PredictionSet = "test" | "validation";

/**
 * One row per run and example of `set` (default the test set): `condition`,
 * `seed`, `example` (the position in the set), `probability` and `label`,
 * for threshold sweeps, calibration and curves over every run at once.
 */
export function predictionsFrame(
  results: readonly ConditionResult[],
  set: PredictionSet = "test",
): pl.DataFrame {
  checkResults(results, "predictionsFrame");
  const sets = results.map((result, run) => {
    const probabilities = set === "test"
      ? result.testProbabilities
      : result.validationProbabilities;
    const labels = set === "test" ? result.testLabels : result.validationLabels;
    if (!probabilities || !labels) {
      throw new Error(
        `predictionsFrame: run ${run} ("${result.name}", seed ${result.seed}) has no ${set} ` +
          "predictions: give its condition a validation set.",
      );
    }
    return { probabilities, labels };
  });
  const repeat = <T>(value: (result: ConditionResult) => T): T[] =>
    results.flatMap((result, run) => Array(sets[run].probabilities.length).fill(value(result)));
  return pl.DataFrame([
    pl.Series("condition", repeat((result) => result.name), pl.Utf8),
    pl.Series("seed", repeat((result) => result.seed), pl.Int64),
    pl.Series("example", sets.flatMap(({ probabilities }) => [...probabilities.keys()]), pl.Int64),
    pl.Series("probability", sets.flatMap(({ probabilities }) => [...probabilities]), pl.Float64),
    pl.Series("label", sets.flatMap(({ labels }) => Array.from(labels)), pl.Int64),
  ]);
}

/** The epoch with the lowest validation loss (the first on a tie), or null without validation. */
function bestEpoch(history: readonly EpochLog[]): number | null {
  let best: EpochLog | null = null;
  for (const log of history) {
    if (log.valLoss !== undefined && (best === null || log.valLoss < best.valLoss!)) best = log;
  }
  return best?.epoch ?? null;
}

function checkResults(results: readonly ConditionResult[], caller: string): void {
  if (results.length === 0) {
    throw new Error(`${caller}: no results; pass the runs of runSeeds.`);
  }
}
