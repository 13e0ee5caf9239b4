/**
 * The four ways of training on an unbalanced image set that the series and
 * its peers compare: change nothing, weight the classes in the loss, or
 * resample the training list until the classes are even.
 */
import { prepareDataset, type TrainingStream } from "../data/batches.ts";
import { computeClassWeight } from "./class_weight.ts";
import type { ImageSet } from "../data/image_set.ts";
import { randomOversample, randomUndersample } from "../data/sampling.ts";
import type { ClassWeight } from "./weighted_loss.ts";

/** How the training set's imbalance is handled. */
export type ImbalanceStrategy =
  | "nothing"
  | "balanced weights"
  | "oversampling"
  | "undersampling";

/** Every strategy, in the order the notebooks show them. */
export const imbalanceStrategies: readonly ImbalanceStrategy[] = [
  "nothing",
  "balanced weights",
  "oversampling",
  "undersampling",
];

/** The training examples (and class weight) of one strategy, from {@link strategyExamples}. */
export interface StrategyExamples {
  /** The index lists of each class to train on (label order), resampled where the strategy resamples. */
  parts: number[][];
  /** The class weight to train with, for "balanced weights". */
  classWeight?: ClassWeight;
}

/**
 * The training examples of `strategy` for one run: `byClass` holds the index
 * lists of each class (label order, e.g. `[cats, dogs]`). "nothing" keeps
 * them as they are; "balanced weights" too, with scikit-learn's "balanced"
 * class weights (n / (classes × count)); "oversampling" repeats random
 * minority examples and "undersampling" drops random majority examples until
 * the classes are even. `seed` fixes the resampling. The same lists serve
 * images (`trainingForStrategy`) and cached features (`takeExamples`).
 *
 * @example
 * ```ts
 * import { strategyExamples } from "./imbalance_strategy.ts";
 * const cats = [0, 1, 2, 3, 4, 5];
 * const dogs = [6, 7];
 * const { parts } = strategyExamples([cats, dogs], "oversampling", 1);
 * if (parts[1].length !== 6) throw new Error(`oversampled to ${parts[1].length} dogs`);
 * const { classWeight } = strategyExamples([cats, dogs], "balanced weights", 1);
 * if (classWeight?.[1] !== 2) throw new Error(`dog weight ${classWeight?.[1]}`);
 * ```
 */
export function strategyExamples(
  byClass: readonly (readonly number[])[],
  strategy: ImbalanceStrategy,
  seed: number,
): StrategyExamples {
  switch (strategy) {
    case "nothing":
      return { parts: byClass.map((indices) => [...indices]) };
    case "balanced weights": {
      const labels = byClass.flatMap((indices, label) => indices.map(() => label));
      const classes = byClass.map((_, label) => label);
      return {
        parts: byClass.map((indices) => [...indices]),
        classWeight: computeClassWeight(labels, "balanced", classes),
      };
    }
    case "oversampling":
      return { parts: randomOversample(byClass, seed).map((indices) => [...indices]) };
    case "undersampling":
      return { parts: randomUndersample(byClass, seed).map((indices) => [...indices]) };
    default:
      throw new Error(
        `strategyExamples: unknown strategy "${strategy}"; use one of ` +
          `${imbalanceStrategies.map((name) => `"${name}"`).join(", ")}.`,
      );
  }
}

/** The training stream (and class weight) of one strategy, from {@link trainingForStrategy}. */
export interface StrategyTraining {
  /** The batches to train on. */
  train: TrainingStream;
  /** The class weight to train with, for "balanced weights". */
  classWeight?: ClassWeight;
}

/**
 * The training stream of `strategy` for one run of the series' CNN: the
 * images of {@link strategyExamples} in a batch order fixed by `seed` (which
 * also fixes the resampling).
 */
export function trainingForStrategy(
  source: ImageSet,
  byClass: readonly (readonly number[])[],
  strategy: ImbalanceStrategy,
  seed: number,
  options: { batchSize?: number } = {},
): StrategyTraining {
  const { parts, classWeight } = strategyExamples(byClass, strategy, seed);
  const train = prepareDataset(source, parts, { seed, batchSize: options.batchSize });
  return classWeight === undefined ? { train } : { train, classWeight };
}
