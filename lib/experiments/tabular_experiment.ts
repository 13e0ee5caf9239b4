/**
 * One run of the imbalanced-table study: resample (or weight) the training
 * table, train a dense network or logistic regression on it, score it on the
 * evaluation rows with threshold and ranking metrics.
 */
import type * as tf from "@tensorflow/tfjs";
import type pl from "nodejs-polars";
import { type ArrayDataset, tableDataset } from "../data/array_dataset.ts";
import { arrayStream } from "../data/batches.ts";
import { computeClassWeight } from "../training/class_weight.ts";
import {
  COIL2000_TARGET,
  featuresAndTarget,
  standardize,
  type Standardizer,
} from "../data/coil2000.ts";
import { oversampleMinority, undersampleMajority } from "../data/table_sampling.ts";
import { buildDenseNet, buildLogisticRegression } from "../models/tabular_model.ts";
import type { Condition, ConditionResult } from "./experiment.ts";
import { imbalanceStrategies, type ImbalanceStrategy } from "../training/imbalance_strategy.ts";

/** The two models: the article's small dense network and logistic regression as a yardstick. */
export type TabularModelKind = "dense net" | "logistic regression";

/** One condition of the study, for {@link tabularCondition}. */
export interface TabularConditionOptions {
  /** What to do about the imbalance. */
  strategy: ImbalanceStrategy;
  /** Which model to train. */
  model: TabularModelKind;
  /** Seed of the resampling, initial weights, dropout and batch order. */
  seed: number;
  /** The training table, target column included (resampled here as `strategy` says). */
  train: pl.DataFrame;
  /** The scored rows, standardised with `standardizer` (see {@link standardizedDataset}). */
  evaluation: ArrayDataset;
  /** Fitted on the original training rows; applied to every training table. */
  standardizer: Standardizer;
  /** Number of epochs. */
  epochs: number;
  /** Rows per step (default 32, Keras's). */
  batchSize?: number;
  /** Adam's learning rate (default 1e-3, Keras's). */
  learningRate?: number;
  /** The 0/1 target column (default CARAVAN). */
  target?: string;
}

/**
 * The training table a strategy trains on: random undersampling of the
 * majority or random oversampling of the minority (seeded polars sampling),
 * or the table unchanged ("nothing", "balanced weights").
 */
export function strategyTable(
  train: pl.DataFrame,
  strategy: ImbalanceStrategy,
  seed: number,
  target: string = COIL2000_TARGET,
): pl.DataFrame {
  switch (strategy) {
    case "undersampling":
      return undersampleMajority(train, target, seed);
    case "oversampling":
      return oversampleMinority(train, target, seed);
    case "nothing":
    case "balanced weights":
      return train;
    default:
      throw new Error(
        `Unknown strategy "${strategy}"; use one of ${imbalanceStrategies.join(", ")}.`,
      );
  }
}

/** A table's features standardised with a fitted standardizer, and its 0/1 target, as a dataset. */
export function standardizedDataset(
  table: pl.DataFrame,
  standardizer: Standardizer,
  target: string = COIL2000_TARGET,
): ArrayDataset {
  const raw = featuresAndTarget(table, target);
  return tableDataset({ ...raw, x: standardize(raw.x, standardizer) });
}

/**
 * One condition of the study for `runCondition` / `runSeeds`: the training
 * table resampled as `strategy` says (seeded), standardised, in a batch order
 * derived from `seed`; the model freshly built from `seed`; Adam on
 * binary cross-entropy, class-weighted for "balanced weights" (scikit-learn's
 * 'balanced' mapping); the evaluation rows scored. Its name is
 * "<model>, <strategy>" and its settings `{ model, strategy }`.
 */
export function tabularCondition(options: TabularConditionOptions): Condition {
  const target = options.target ?? COIL2000_TARGET;
  const table = strategyTable(options.train, options.strategy, options.seed, target);
  const data = standardizedDataset(table, options.standardizer, target);
  const inputSize = data.exampleShape[0];
  const builders: Record<TabularModelKind, (seed: number) => tf.LayersModel> = {
    "dense net": (seed) => buildDenseNet({ inputSize, seed }),
    "logistic regression": (seed) => buildLogisticRegression({ inputSize, seed }),
  };
  const model = builders[options.model];
  if (!model) {
    throw new Error(`Unknown model "${options.model}"; use "dense net" or "logistic regression".`);
  }
  return {
    name: `${options.model}, ${options.strategy}`,
    settings: { model: options.model, strategy: options.strategy },
    seed: options.seed,
    model,
    train: arrayStream(data, { batchSize: options.batchSize ?? 32, seed: options.seed }),
    test: options.evaluation,
    epochs: options.epochs,
    learningRate: options.learningRate,
    classWeight: options.strategy === "balanced weights"
      ? computeClassWeight(data.labels, "balanced", [0, 1])
      : undefined,
    progress: "none",
  };
}

/** A run of the study: the model kind and strategy are in its settings. */
export type TabularResult = ConditionResult;
