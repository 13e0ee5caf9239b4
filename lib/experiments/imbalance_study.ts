/**
 * The conventions of the imbalance study that notebooks 07 (which trains
 * and plots it) and 08 (which states its findings) share: each condition's
 * deployment share of dogs, the prior-shift correction of the strategies
 * that train as if the classes were even, the weight sweep's runs, the
 * paired gain of tuning the threshold, and the prior-shift table.
 */
import pl from "nodejs-polars";
import { type PairedDifference, pairedDifference } from "../statistics/bootstrap.ts";
import type { GridFrames } from "./experiment_grid.ts";
import { type ConditionRow, scoreGridRuns } from "./grid_scores.ts";
import { imbalanceStrategies } from "../training/imbalance_strategy.ts";
import { correctForPrior } from "../metrics/prior_shift.ts";
import { formatInterval, summarizeRuns } from "../statistics/run_intervals.ts";

/** The strategies whose training data (or loss) treat dogs as half the data. */
export const strategiesTrainedAsBalanced: readonly string[] = [
  "balanced weights",
  "oversampling",
  "undersampling",
];

/** A condition's deployment share of dogs: that of its training ratio, 1 / (1 + catsPerDog). */
export function studyPrevalence(condition: ConditionRow): number {
  const catsPerDog = Number(condition.catsPerDog);
  if (!(catsPerDog > 0)) {
    throw new Error(
      `studyPrevalence: catsPerDog is ${condition.catsPerDog}; every condition needs a ratio > 0.`,
    );
  }
  return 1 / (1 + catsPerDog);
}

/** Every run scored at its condition's share of dogs (`scoreGridRuns`). */
export function studyScores(frames: GridFrames): pl.DataFrame {
  return scoreGridRuns(frames, { prevalence: studyPrevalence });
}

/**
 * Every run scored after moving the probabilities of the strategies trained
 * as balanced from a base rate of 0.5 to the condition's share of dogs
 * (`correctForPrior`); the other runs are scored unchanged.
 */
export function priorCorrectedScores(frames: GridFrames): pl.DataFrame {
  return scoreGridRuns(frames, {
    prevalence: studyPrevalence,
    transform: (probabilities, condition) =>
      strategiesTrainedAsBalanced.includes(String(condition.strategy))
        ? correctForPrior(probabilities, {
          trainPrevalence: 0.5,
          targetPrevalence: studyPrevalence(condition),
        })
        : probabilities,
  });
}

/**
 * The weight sweep's runs at 1:10 plus the imbalance sweep's "nothing" at
 * 1:10 as dog weight 1, with `dogWeight` filled in for all of them.
 */
export function weightSweepRuns(scores: pl.DataFrame): pl.DataFrame {
  const nothingAtTen = pl.col("study").eq(pl.lit("imbalance"))
    .and(pl.col("catsPerDog").eq(10))
    .and(pl.col("strategy").eq(pl.lit("nothing")));
  return scores.filter(pl.col("study").eq(pl.lit("weight")).or(nothingAtTen))
    .withColumn(
      pl.when(pl.col("dogWeight").eq(0)).then(pl.lit(1)).otherwise(pl.col("dogWeight"))
        .alias("dogWeight"),
    );
}

/**
 * The paired gain in test F1 from the threshold tuned on validation over
 * threshold 0.5, across the seeds of the imbalance sweep's run of
 * `strategy` at `catsPerDog`, with both mean F1s and the chosen thresholds
 * in seed order.
 */
export function thresholdGain(
  scores: pl.DataFrame,
  strategy: string,
  catsPerDog: number,
): PairedDifference & { fixedF1: number; tunedF1: number; thresholds: number[] } {
  const runs = scores.filter(
    pl.col("study").eq(pl.lit("imbalance"))
      .and(pl.col("strategy").eq(pl.lit(strategy)))
      .and(pl.col("catsPerDog").eq(catsPerDog)),
  ).sort("seed");
  if (runs.height === 0) {
    throw new Error(
      `thresholdGain: no imbalance-sweep runs of "${strategy}" at 1:${catsPerDog}; check both.`,
    );
  }
  const column = (name: string) => runs.getColumn(name).toArray() as number[];
  const mean = (values: number[]) => values.reduce((sum, value) => sum + value, 0) / values.length;
  return {
    ...pairedDifference(column("tunedF1"), column("f1"), { seed: 1 }),
    fixedF1: mean(column("f1")),
    tunedF1: mean(column("tunedF1")),
    thresholds: column("tunedThreshold"),
  };
}

/**
 * One row per ratio in `ratios` and imbalance strategy: calibration (ECE,
 * Brier) before and after the prior-shift correction, precision at 0.5 and
 * recall at 0.5 after it, and the precision at the validation-tuned
 * threshold (which the monotone correction leaves as it is), each as
 * "mean [95 % interval]" over the seeds.
 */
export function priorShiftRows(
  scores: pl.DataFrame,
  corrected: pl.DataFrame,
  ratios: readonly number[],
): Record<string, string>[] {
  return ratios.flatMap((catsPerDog) =>
    imbalanceStrategies.map((strategy) => {
      const cell = (frame: pl.DataFrame, metric: string) => {
        const runs = frame.filter(
          pl.col("study").eq(pl.lit("imbalance"))
            .and(pl.col("catsPerDog").eq(catsPerDog))
            .and(pl.col("strategy").eq(pl.lit(strategy))),
        );
        const [row] = summarizeRuns(runs, { by: ["strategy"], metrics: [metric] }).toRecords();
        return formatInterval(Number(row.mean), Number(row.low), Number(row.high));
      };
      return {
        ratio: `1:${catsPerDog}`,
        strategy,
        ECE: cell(scores, "ece"),
        "ECE, corrected": cell(corrected, "ece"),
        Brier: cell(scores, "brier"),
        "Brier, corrected": cell(corrected, "brier"),
        "precision at 0.5": cell(scores, "precision"),
        "recall at 0.5, corrected": cell(corrected, "recall"),
        "precision, tuned threshold": cell(scores, "tunedPrecision"),
      };
    })
  );
}
