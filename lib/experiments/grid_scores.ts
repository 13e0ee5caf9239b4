/**
 * Scores every run of an experiment grid from its stored predictions: the
 * test metrics at the condition's deployment prevalence at threshold 0.5,
 * and at the threshold chosen on the validation set. Everything is
 * recomputed from the predictions, so changing how runs are scored needs
 * no retraining.
 */
import pl from "nodejs-polars";
import {
  bestThresholdAtPrevalence,
  metricsAtPrevalence,
  scoreAtPrevalence,
  thresholdSweepAtPrevalence,
} from "../metrics/deployment_metrics.ts";
import type { GridFrames } from "./experiment_grid.ts";
import { confusionCounts } from "../metrics/metrics.ts";
import { seedMeanInterval } from "../statistics/condition_intervals.ts";

/** A grid point's row of the `conditions` frame: `condition` and its settings. */
export type ConditionRow = Record<string, string | number>;

/** Options of {@link scoreGridRuns}. */
export interface ScoreGridOptions {
  /** The deployment share of positives of a condition, e.g. 1 / (1 + catsPerDog). */
  prevalence: (condition: ConditionRow) => number;
  /**
   * Changes a run's probabilities before scoring (validation and test
   * alike), e.g. a prior-shift correction; default none.
   */
  transform?: (probabilities: Float64Array, condition: ConditionRow) => ArrayLike<number>;
}

/** The labels and probabilities of one run and set. */
export interface RunPredictions {
  labels: Float64Array;
  probabilities: Float64Array;
}

/** Each predictions frame split into its runs once, on first use (frames are immutable). */
const runsByFrame = new WeakMap<pl.DataFrame, Map<string, RunPredictions>>();

/**
 * The predictions of the run (`condition`, `seed`) in a predictions frame, in
 * example order. The frame is split into its runs on the first call and the
 * split is kept, so reading every run of a 320-run grid costs one pass.
 */
export function runPredictions(
  predictions: pl.DataFrame,
  condition: string,
  seed: number,
): RunPredictions {
  let runs = runsByFrame.get(predictions);
  if (runs === undefined) {
    runs = new Map();
    const sorted = predictions.sort(["condition", "seed", "example"]);
    const conditions = sorted.getColumn("condition").toArray() as string[];
    const seeds = sorted.getColumn("seed").toArray() as number[];
    const labels = Float64Array.from(sorted.getColumn("label").toArray() as number[]);
    const probabilities = Float64Array.from(sorted.getColumn("probability").toArray() as number[]);
    let start = 0;
    for (let row = 1; row <= conditions.length; row++) {
      if (
        row === conditions.length || conditions[row] !== conditions[start] ||
        seeds[row] !== seeds[start]
      ) {
        runs.set(`${conditions[start]}\u0000${seeds[start]}`, {
          labels: labels.slice(start, row),
          probabilities: probabilities.slice(start, row),
        });
        start = row;
      }
    }
    runsByFrame.set(predictions, runs);
  }
  const run = runs.get(`${condition}\u0000${seed}`);
  if (run === undefined) {
    throw new Error(
      `runPredictions: no predictions for "${condition}", seed ${seed}; ` +
        "check the name and seed against the runs frame.",
    );
  }
  // Copies, so a caller that changes them cannot change what the next caller reads.
  return { labels: run.labels.slice(), probabilities: run.probabilities.slice() };
}

/**
 * One row per run: the condition's settings, `seed`, `prevalence`, then at
 * threshold 0.5 `precision`, `recall`, `f1`, `specificity`, `accuracy`,
 * `rocAuc`, `prAuc`, `brier`, `ece` (all at the prevalence), and
 * `tunedThreshold` (the F1-best threshold on the validation set, at the
 * prevalence) with the test's `tunedPrecision`, `tunedRecall`, `tunedF1` there.
 */
export function scoreGridRuns(frames: GridFrames, options: ScoreGridOptions): pl.DataFrame {
  const rows = gridRuns(frames).map(({ condition, seed, settings }) => {
    const prevalence = options.prevalence(settings);
    const prepare = (set: RunPredictions) => ({
      labels: set.labels,
      probabilities: options.transform
        ? options.transform(set.probabilities, settings)
        : set.probabilities,
    });
    const test = prepare(runPredictions(frames.testPredictions, condition, seed));
    const validation = prepare(runPredictions(frames.validationPredictions, condition, seed));
    const tuned = bestThresholdAtPrevalence(
      validation.labels,
      validation.probabilities,
      prevalence,
    );
    const tunedTest = metricsAtPrevalence(
      confusionCounts(test.labels, test.probabilities, tuned.threshold),
      prevalence,
    );
    const { threshold: _, ...score } = scoreAtPrevalence(
      test.labels,
      test.probabilities,
      prevalence,
    );
    return {
      ...settings,
      seed,
      ...score,
      tunedThreshold: tuned.threshold,
      tunedPrecision: tunedTest.precision,
      tunedRecall: tunedTest.recall,
      tunedF1: tunedTest.f1,
    };
  });
  return pl.readRecords(rows);
}

/** One point of {@link thresholdCurves}: a measure's mean over seeds at one threshold. */
export interface ThresholdCurvePoint {
  /** The condition's settings plus `threshold`. */
  settings: Record<string, string | number>;
  /** "precision", "recall" or "f1". */
  metric: string;
  /** Mean over the seeds; NaN where the measure is undefined on some seed. */
  estimate: number;
  /** Ends of the seed-to-seed 95 % interval (t over seeds; the test set's noise is not in it). */
  low: number;
  high: number;
  /** Seeds on which the measure is undefined (precision when nothing is flagged). */
  undefinedSeeds: number;
}

/**
 * Precision, recall and F1 of the named conditions at every threshold
 * (default 0, 0.01, …, 1) on the test set at each condition's prevalence:
 * the mean over seeds with a seed-to-seed interval. Precision where a seed
 * flags nothing is undefined, and the point is NaN (left out of charts)
 * rather than 0.
 */
export function thresholdCurves(
  frames: GridFrames,
  options: { conditions: readonly string[]; prevalence: (condition: ConditionRow) => number },
): ThresholdCurvePoint[] {
  const runs = gridRuns(frames).filter((run) => options.conditions.includes(run.condition));
  if (runs.length === 0) {
    throw new Error(
      `thresholdCurves: none of ${options.conditions.join(", ")} is in the runs; check the names.`,
    );
  }
  return options.conditions.flatMap((condition) => {
    const ofCondition = runs.filter((run) => run.condition === condition);
    if (ofCondition.length === 0) return [];
    const settings = ofCondition[0].settings;
    const sweeps = ofCondition.map((run) => {
      const { labels, probabilities } = runPredictions(frames.testPredictions, condition, run.seed);
      return thresholdSweepAtPrevalence(labels, probabilities, options.prevalence(settings))
        .map((row) => ({
          ...row,
          precision: probabilities.some((p) => p > row.threshold) ? row.precision : NaN,
        }));
    });
    return sweeps[0].flatMap((row, t) =>
      (["precision", "recall", "f1"] as const).map((metric) => {
        const values = sweeps.map((sweep) => sweep[t][metric]);
        const undefinedSeeds = values.filter((value) => !Number.isFinite(value)).length;
        const interval = undefinedSeeds === 0 && values.length > 1
          ? seedMeanInterval(values)
          : { estimate: NaN, low: NaN, high: NaN };
        return {
          settings: { ...settings, threshold: row.threshold },
          metric,
          estimate: interval.estimate,
          low: interval.low,
          high: interval.high,
          undefinedSeeds,
        };
      })
    );
  });
}

/** The grid's runs in the runs frame's order, each with its condition's settings row. */
function gridRuns(
  frames: GridFrames,
): { condition: string; seed: number; settings: ConditionRow }[] {
  const settings = new Map(
    (frames.conditions.toRecords() as ConditionRow[]).map((row) => [String(row.condition), row]),
  );
  const runs = frames.runs.select("condition", "seed").toRecords() as {
    condition: string;
    seed: number;
  }[];
  return runs.map(({ condition, seed }) => {
    const row = settings.get(condition);
    if (!row) throw new Error(`the run "${condition}" has no row in the conditions frame.`);
    return { condition, seed, settings: row };
  });
}
