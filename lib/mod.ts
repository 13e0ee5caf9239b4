/**
 * The library's public API in one import, for notebooks and scripts, grouped
 * by the folder each part lives in. Helpers that only other library files
 * need (input checks, markup escaping, display plumbing) are not exported
 * here; import them from their module.
 *
 * ```ts
 * import { catsDogsFolder, loadImageFolder, runCondition } from "./mod.ts";
 * ```
 */

// Data: image folders, CIFAR-10, MNIST, the insurance table; subsets, resampling, batches, seeded randomness.
export {
  type ArrayDataset,
  arrayDataset,
  countLabels,
  firstExamples,
  mnistDataset,
  splitValidation,
  tableDataset,
  takeExamples,
} from "./data/array_dataset.ts";
export * from "./data/batches.ts";
export * from "./data/cats_dogs.ts";
export * from "./data/coil2000.ts";
export * from "./data/cross_sell.ts";
export * from "./data/image_folder.ts";
export * from "./data/image_set.ts";
export * from "./data/mnist.ts";
export { createRandom, deriveSeed, type Random, shuffled } from "./data/random.ts";
export * from "./data/sampling.ts";
export * from "./data/subsets.ts";
export * from "./data/table_sampling.ts";

// Models: the series' CNN, the MNIST tutorial's CNN, dense nets for tables, pretrained bases with a new head.
export * from "./models/mnist_cnn.ts";
export {
  type Examples,
  type LabeledExamples,
  labelsOf,
  predictProbabilities,
} from "./models/predict.ts";
export * from "./models/simple_cnn.ts";
export * from "./models/tabular_model.ts";
export {
  type CachedFeatures,
  cachedFeatures,
  type FeatureCacheOptions,
  imageSetIdentity,
  modelIdentity,
} from "./models/pretrained/feature_cache.ts";
export {
  defaultCutLayer,
  featureExtractor,
  type FeatureExtractorOptions,
  type FrozenBaseModel,
  type FrozenBaseOptions,
  frozenBaseWithHead,
} from "./models/pretrained/frozen_base.ts";
export { buildHead, type HeadOptions } from "./models/pretrained/head.ts";
export {
  loadPretrainedModel,
  type LoadPretrainedOptions,
} from "./models/pretrained/load_pretrained.ts";
export {
  checkModelFolder,
  modelFolder,
  type ModelFolderOptions,
} from "./models/pretrained/model_folder.ts";

// Training: the epoch loop, losses and class weights, optimizers, callbacks, progress.
export * from "./training/adam.ts";
export {
  type MonitoredMetric,
  type TrainingCallback,
  type TrainingContext,
} from "./training/callbacks/callback.ts";
export * from "./training/callbacks/early_stopping.ts";
export * from "./training/callbacks/reduce_lr_on_plateau.ts";
export * from "./training/class_weight.ts";
export * from "./training/focal_loss.ts";
export * from "./training/history.ts";
export * from "./training/imbalance_strategy.ts";
export * from "./training/learning_rate.ts";
export {
  createProgress,
  type JupyterDisplay,
  type ProgressMode,
  type ProgressReporter,
  type TrainingNote,
} from "./training/progress.ts";
export * from "./training/restored_epoch.ts";
export * from "./training/train.ts";
export * from "./training/weighted_categorical_loss.ts";
export { type ClassWeight, weightedBinaryCrossEntropy } from "./training/weighted_loss.ts";

// Metrics: thresholded scores, ranking metrics, calibration, prevalence and prior shift.
export * from "./metrics/auc.ts";
export * from "./metrics/calibration.ts";
export * from "./metrics/deployment_metrics.ts";
export * from "./metrics/evaluate.ts";
export {
  binaryCrossEntropy,
  type ClassificationMetrics,
  type ConfusionCounts,
  confusionCounts,
  metricsFromCounts,
} from "./metrics/metrics.ts";
export * from "./metrics/per_class_metrics.ts";
export * from "./metrics/prevalence.ts";
export * from "./metrics/prior_shift.ts";
export * from "./metrics/threshold_sweep.ts";

// Statistics: intervals over seeds that count the test set too, trivial rules, paired comparisons.
export * from "./statistics/condition_intervals.ts";
export * from "./statistics/seed_test_interval.ts";
export * from "./statistics/interval_cache.ts";
export * from "./statistics/multi_class_interval.ts";

// Experiments: a condition run over seeds, grids of conditions, stored results, summaries.
export * from "./experiments/experiment.ts";
export * from "./experiments/experiment_grid.ts";
export * from "./experiments/condition_frames.ts";
export * from "./experiments/grid_intervals.ts";
export * from "./experiments/grid_scores.ts";
export * from "./experiments/head_condition.ts";
export * from "./experiments/imbalance_study.ts";
export * from "./experiments/mnist_experiment.ts";
export * from "./experiments/profile.ts";
export * from "./experiments/repeated_runs.ts";
export * from "./experiments/runs_frame.ts";
export * from "./experiments/score_on_sets.ts";
export * from "./experiments/stored_frames.ts";
export * from "./experiments/tabular_experiment.ts";

// Charts and tables shown inline in Jupyter.
export * from "./charts/class_counts.ts";
export {
  Chart,
  chartToPng,
  chartToSvg,
  type Displayable,
  displayChart,
  inJupyter,
  type MimeBundle,
  svgToPng,
  Table,
  table,
  type TableOptions,
} from "./charts/display.ts";
export * from "./charts/image_grid.ts";
export * from "./charts/interval_lines.ts";
export * from "./charts/learning_rate_schedule.ts";
export * from "./charts/loss_band.ts";
export * from "./charts/loss_curve.ts";
export * from "./charts/metric_bars.ts";
export * from "./charts/per_class_recall.ts";
export * from "./charts/precision_recall_curve.ts";
export * from "./charts/reliability_diagram.ts";
export * from "./charts/roc_curve.ts";
export * from "./charts/show_result.ts";
export { confusionMatrix, type ConfusionMatrixOptions } from "./charts/confusion_matrix.ts";

// Engine: which TensorFlow.js backend runs, and why.
export {
  type EngineChoice,
  type EngineName,
  engineNames,
  selectEngine,
  type SelectEngineOptions,
} from "./engine/select_engine.ts";
