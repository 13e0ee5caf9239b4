/**
 * One run of the imbalanced-table study: resample (or weight) the training
 * table, train a dense network or logistic regression on it, score it on the
 * evaluation rows with threshold and ranking metrics; and the summary of
 * many such runs (mean ± sd over seeds) for the notebook's table and chart.
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
import type { MetricRow } from "../charts/metric_bars.ts";
import { oversampleMinority, undersampleMajority } from "../data/table_sampling.ts";
import { buildDenseNet, buildLogisticRegression } from "../models/tabular_model.ts";
import type { Condition, ConditionResult } from "./experiment.ts";
import { imbalanceStrategies, type ImbalanceStrategy } from "../training/imbalance_strategy.ts";

/** The two models: the article's small dense network and logistic regression as a yardstick. */
export type TabularModelKind = "dense net" | "logistic regression";

/** The metrics a tabular run is judged on (threshold 0.5 for the first three). */
export const TABULAR_METRICS = ["precision", "recall", "f1", "auc", "prAuc"] as const;

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

function mean(values: readonly number[]): number {
  return values.reduce((sum, value) => sum + value, 0) / values.length;
}

/** Sample standard deviation (n − 1); 0 for a single value. */
function sd(values: readonly number[]): number {
  if (values.length < 2) return 0;
  const m = mean(values);
  return Math.sqrt(values.reduce((sum, value) => sum + (value - m) ** 2, 0) / (values.length - 1));
}

/** Results grouped by condition name (model and strategy), in first-seen order. */
function groupRuns(results: readonly TabularResult[]): TabularResult[][] {
  const groups = new Map<string, TabularResult[]>();
  for (const result of results) {
    groups.set(result.name, [...(groups.get(result.name) ?? []), result]);
  }
  return [...groups.values()];
}

/**
 * One row per (model, strategy): training rows, then each metric as
 * "mean ± sd" over the seeds run (3 decimals), for the notebook's table.
 */
export function summarizeTabularRuns(
  results: readonly TabularResult[],
): Record<string, string | number>[] {
  if (results.length === 0) {
    throw new Error("summarizeTabularRuns: no results; pass what runSeeds returned.");
  }
  return groupRuns(results).map((runs) => {
    const { settings, trainClassCounts } = runs[0];
    const row: Record<string, string | number> = {
      model: settings.model,
      strategy: settings.strategy,
      "train rows (0/1)": `${trainClassCounts[0] ?? 0} / ${trainClassCounts[1] ?? 0}`,
      runs: runs.length,
    };
    for (const metric of TABULAR_METRICS) {
      const values = runs.map((run) => run.test[metric]);
      row[metric === "prAuc" ? "PR AUC" : metric === "auc" ? "ROC AUC" : metric] = runs.length > 1
        ? `${mean(values).toFixed(3)} ± ${sd(values).toFixed(3)}`
        : mean(values).toFixed(3);
    }
    return row;
  });
}

/** `metricBars` rows for one model: each strategy's mean of each metric, with its sd over seeds. */
export function tabularMetricRows(
  results: readonly TabularResult[],
  model: TabularModelKind,
): MetricRow[] {
  const runsOfModel = groupRuns(results.filter((result) => result.settings.model === model));
  if (runsOfModel.length === 0) {
    throw new Error(`tabularMetricRows: no result for model "${model}".`);
  }
  return runsOfModel.flatMap((runs) =>
    TABULAR_METRICS.map((metric) => {
      const values = runs.map((run) => run.test[metric]);
      return {
        condition: String(runs[0].settings.strategy),
        metric: metric === "prAuc" ? "PR AUC" : metric === "auc" ? "ROC AUC" : metric,
        value: mean(values),
        ...(runs.length > 1 ? { sd: sd(values) } : {}),
      };
    })
  );
}
