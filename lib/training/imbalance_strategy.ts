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

/** The training stream (and class weight) of one strategy, from {@link trainingForStrategy}. */
export interface StrategyTraining {
  /** The batches to train on. */
  train: TrainingStream;
  /** The class weight to train with, for "balanced weights". */
  classWeight?: ClassWeight;
}

/**
 * The training data of `strategy` for one run: `byClass` holds the index
 * lists of each class (label order, e.g. `[cats, dogs]`). "nothing" trains
 * on them as they are; "balanced weights" too, with scikit-learn's
 * "balanced" class weights (n / (classes × count)); "oversampling" repeats
 * random minority examples and "undersampling" drops random majority
 * examples until the classes are even. `seed` fixes the resampling and the
 * batch order.
 */
export function trainingForStrategy(
  source: ImageSet,
  byClass: readonly (readonly number[])[],
  strategy: ImbalanceStrategy,
  seed: number,
  options: { batchSize?: number } = {},
): StrategyTraining {
  const stream = (parts: readonly (readonly number[])[]) =>
    prepareDataset(source, parts, { seed, batchSize: options.batchSize });
  switch (strategy) {
    case "nothing":
      return { train: stream(byClass) };
    case "balanced weights": {
      const labels = byClass.flatMap((indices, label) => indices.map(() => label));
      const classes = byClass.map((_, label) => label);
      return {
        train: stream(byClass),
        classWeight: computeClassWeight(labels, "balanced", classes),
      };
    }
    case "oversampling":
      return { train: stream(randomOversample(byClass, seed)) };
    case "undersampling":
      return { train: stream(randomUndersample(byClass, seed)) };
    default:
      throw new Error(
        `trainingForStrategy: unknown strategy "${strategy}"; use one of ` +
          `${imbalanceStrategies.map((name) => `"${name}"`).join(", ")}.`,
      );
  }
}
