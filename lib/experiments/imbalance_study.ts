/**
 * The conventions of the imbalance study that notebooks 07 (which trains
 * and plots it) and 08 (which states its findings) share: each condition's
 * deployment share of dogs, the prior-shift correction of the strategies
 * that train as if the classes were even, and the prior-shift table.
 */
import pl from "nodejs-polars";
import type { GridFrames } from "./experiment_grid.ts";
import { type ConditionRow, scoreGridRuns } from "./grid_scores.ts";
import {
  formatGridInterval,
  type GridIntervalOptions,
  gridIntervals,
  type GridMetric,
} from "./grid_intervals.ts";
import { imbalanceStrategies } from "../training/imbalance_strategy.ts";
import { correctForPrior } from "../metrics/prior_shift.ts";

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
 * Moves the probabilities of the strategies trained as balanced from a base
 * rate of 0.5 to the condition's share of dogs (`correctForPrior`); other
 * conditions' probabilities are returned as they are. A `transform` for
 * `gridIntervals`.
 *
 * @example
 * ```ts
 * import { priorCorrection } from "./imbalance_study.ts";
 * const condition = { strategy: "undersampling", catsPerDog: 10 };
 * const p = priorCorrection(Float64Array.of(0.5), condition)[0];
 * if (Math.abs(p - 1 / 11) > 1e-12) throw new Error(`corrected to ${p}`);
 * ```
 */
export function priorCorrection(
  probabilities: Float64Array,
  condition: ConditionRow,
): ArrayLike<number> {
  return strategiesTrainedAsBalanced.includes(String(condition.strategy))
    ? correctForPrior(probabilities, {
      trainPrevalence: 0.5,
      targetPrevalence: studyPrevalence(condition),
    })
    : probabilities;
}

/** The name of the imbalance sweep's grid point of `strategy` at 1:`catsPerDog`. */
export function sweepCondition(catsPerDog: number, strategy: string): string {
  return `imbalance: 1:${catsPerDog}, ${strategy}`;
}

/**
 * A grid point's name without the imbalance sweep's prefix, for tables and
 * sentences ("1:10, nothing" for "imbalance: 1:10, nothing"); other names
 * (e.g. "weight: 1:10, dog weight 25") keep their study.
 *
 * @example
 * ```ts
 * import { conditionLabel, sweepCondition } from "./imbalance_study.ts";
 * if (conditionLabel(sweepCondition(10, "nothing")) !== "1:10, nothing") throw new Error();
 * ```
 */
export function conditionLabel(name: string): string {
  return name.replace(/^imbalance: /, "");
}

/**
 * One row per ratio in `ratios` and imbalance strategy: calibration (ECE,
 * Brier) before and after the prior-shift correction, precision at 0.5 and
 * recall at 0.5 after it, and the precision at the validation-tuned
 * threshold without the correction (being monotone, it would change that
 * only for test scores between the two validation scores the threshold lies
 * between), each as "mean [95 % interval]" over the seeds, counting seed
 * and test-set noise.
 */
export function priorShiftRows(
  frames: GridFrames,
  ratios: readonly number[],
  options: Pick<GridIntervalOptions, "seed" | "resamples" | "cache">,
): Record<string, string>[] {
  return ratios.flatMap((catsPerDog) =>
    imbalanceStrategies.map((strategy) => {
      const names = [sweepCondition(catsPerDog, strategy)];
      const cell = (metric: GridMetric, corrected: boolean) => {
        const [interval] = gridIntervals(frames, names, [metric], {
          ...options,
          prevalence: studyPrevalence,
          transform: corrected ? priorCorrection : undefined,
        });
        return formatGridInterval(interval);
      };
      return {
        ratio: `1:${catsPerDog}`,
        strategy,
        ECE: cell("ece", false),
        "ECE, corrected": cell("ece", true),
        Brier: cell("brier", false),
        "Brier, corrected": cell("brier", true),
        "precision at 0.5": cell("precision", false),
        "recall at 0.5, corrected": cell("recall", true),
        "precision, tuned threshold": cell("tunedPrecision", false),
      };
    })
  );
}

/** The thresholds chosen on validation (F1-best at the share of dogs) for a condition, in seed order. */
export function chosenThresholds(scores: pl.DataFrame, condition: string): number[] {
  const runs = scores.filter(pl.col("condition").eq(pl.lit(condition))).sort("seed");
  if (runs.height === 0) {
    throw new Error(`chosenThresholds: no runs of "${condition}"; check the name.`);
  }
  return runs.getColumn("tunedThreshold").toArray() as number[];
}
