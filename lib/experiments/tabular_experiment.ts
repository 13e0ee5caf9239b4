/**
 * One run of the imbalanced-table study: resample (or weight) the training
 * table, train a dense network or logistic regression on it, score it on the
 * evaluation rows with threshold and ranking metrics; and the summary of
 * many such runs (mean ± sd over seeds) for the notebook's table and chart.
 */
import { adam } from "../training/adam.ts";
import type pl from "nodejs-polars";
import { type ArrayDataset, countLabels, tableDataset } from "../data/array_dataset.ts";
import { arrayStream } from "../data/batches.ts";
import { predictProbabilities } from "../models/predict.ts";
import { trainModel } from "../training/train.ts";
import { computeClassWeight } from "../training/class_weight.ts";
import {
  COIL2000_TARGET,
  featuresAndTarget,
  standardize,
  type Standardizer,
} from "../data/coil2000.ts";
import { type Evaluation, scorePredictions } from "../metrics/evaluate.ts";
import type { History } from "../training/history.ts";
import type { MetricRow } from "../charts/metric_bars.ts";
import { oversampleMinority, undersampleMajority } from "../data/table_sampling.ts";
import { buildDenseNet, buildLogisticRegression } from "../models/tabular_model.ts";

/** What is done about the imbalance before or during training. */
export type TabularStrategy = "nothing" | "undersampling" | "oversampling" | "class weights";

/** The four strategies the insurance article compares, in its order. */
export const TABULAR_STRATEGIES: readonly TabularStrategy[] = [
  "nothing",
  "undersampling",
  "oversampling",
  "class weights",
];

/** The two models: the article's small dense network and logistic regression as a yardstick. */
export type TabularModelKind = "dense net" | "logistic regression";

/** The metrics a tabular run is judged on (threshold 0.5 for the first three). */
export const TABULAR_METRICS = ["precision", "recall", "f1", "auc", "prAuc"] as const;

/** One training run of the study. */
export interface TabularCondition {
  /** What to do about the imbalance. */
  strategy: TabularStrategy;
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

/** What one run produced. */
export interface TabularResult {
  strategy: TabularStrategy;
  model: TabularModelKind;
  seed: number;
  /** Negative and positive rows the model trained on. */
  trainCounts: { negatives: number; positives: number };
  /** Class weights used (only for the "class weights" strategy). */
  classWeight?: Record<number, number>;
  /** Evaluation-set metrics at threshold 0.5, plus ROC AUC and PR AUC. */
  test: Evaluation;
  /** P(positive) for each evaluation row. */
  testProbabilities: Float32Array;
  /** One record per epoch. */
  history: History;
  /** Wall-clock seconds of resampling, training and scoring. */
  seconds: number;
}

/**
 * The training table a strategy trains on: random undersampling of the
 * majority or random oversampling of the minority (seeded polars sampling),
 * or the table unchanged ("nothing", "class weights").
 */
export function strategyTable(
  train: pl.DataFrame,
  strategy: TabularStrategy,
  seed: number,
  target: string = COIL2000_TARGET,
): pl.DataFrame {
  switch (strategy) {
    case "undersampling":
      return undersampleMajority(train, target, seed);
    case "oversampling":
      return oversampleMinority(train, target, seed);
    case "nothing":
    case "class weights":
      return train;
    default:
      throw new Error(
        `Unknown strategy "${strategy}"; use one of ${TABULAR_STRATEGIES.join(", ")}.`,
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
 * Runs one condition: builds the training table for the strategy, trains
 * the model with Adam on (class-weighted, for "class weights": scikit-learn's
 * 'balanced' mapping) binary cross-entropy, and scores the evaluation rows.
 */
export async function runTabularCondition(condition: TabularCondition): Promise<TabularResult> {
  const started = performance.now();
  const target = condition.target ?? COIL2000_TARGET;
  const table = strategyTable(condition.train, condition.strategy, condition.seed, target);
  const data = standardizedDataset(table, condition.standardizer, target);
  const [negatives, positives] = countLabels(data.labels, 2);
  const classWeight = condition.strategy === "class weights"
    ? computeClassWeight(data.labels, "balanced", [0, 1])
    : undefined;
  const inputSize = data.exampleShape[0];
  const model = condition.model === "dense net"
    ? buildDenseNet({ inputSize, seed: condition.seed })
    : condition.model === "logistic regression"
    ? buildLogisticRegression({ inputSize, seed: condition.seed })
    : undefined;
  if (!model) {
    throw new Error(
      `Unknown model "${condition.model}"; use "dense net" or "logistic regression".`,
    );
  }
  const optimizer = adam(condition.learningRate ?? 1e-3);
  try {
    const stream = arrayStream(data, { batchSize: condition.batchSize ?? 32, seed: condition.seed });
    const history = await trainModel(model, stream, {
      epochs: condition.epochs,
      optimizer,
      classWeight,
      progress: "none",
    });
    const testProbabilities = await predictProbabilities(model, condition.evaluation);
    return {
      strategy: condition.strategy,
      model: condition.model,
      seed: condition.seed,
      trainCounts: { negatives, positives },
      ...(classWeight ? { classWeight } : {}),
      test: scorePredictions(condition.evaluation.labels, testProbabilities),
      testProbabilities,
      history,
      seconds: (performance.now() - started) / 1000,
    };
  } finally {
    optimizer.dispose();
    model.dispose();
  }
}

function mean(values: readonly number[]): number {
  return values.reduce((sum, value) => sum + value, 0) / values.length;
}

/** Sample standard deviation (n − 1); 0 for a single value. */
function sd(values: readonly number[]): number {
  if (values.length < 2) return 0;
  const m = mean(values);
  return Math.sqrt(values.reduce((sum, value) => sum + (value - m) ** 2, 0) / (values.length - 1));
}

/** Results grouped by (model, strategy), in first-seen order. */
function groupRuns(results: readonly TabularResult[]): TabularResult[][] {
  const groups = new Map<string, TabularResult[]>();
  for (const result of results) {
    const key = `${result.model}\u0000${result.strategy}`;
    groups.set(key, [...(groups.get(key) ?? []), result]);
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
    throw new Error("summarizeTabularRuns: no results; pass what runTabularCondition returned.");
  }
  return groupRuns(results).map((runs) => {
    const { model, strategy, trainCounts } = runs[0];
    const row: Record<string, string | number> = {
      model,
      strategy,
      "train rows (0/1)": `${trainCounts.negatives} / ${trainCounts.positives}`,
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
  const runsOfModel = groupRuns(results.filter((result) => result.model === model));
  if (runsOfModel.length === 0) {
    throw new Error(`tabularMetricRows: no result for model "${model}".`);
  }
  return runsOfModel.flatMap((runs) =>
    TABULAR_METRICS.map((metric) => {
      const values = runs.map((run) => run.test[metric]);
      return {
        condition: runs[0].strategy,
        metric: metric === "prAuc" ? "PR AUC" : metric === "auc" ? "ROC AUC" : metric,
        value: mean(values),
        ...(runs.length > 1 ? { sd: sd(values) } : {}),
      };
    })
  );
}
