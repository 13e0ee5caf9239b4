/**
 * The library's public API in one import, for notebooks and scripts:
 *
 * ```ts
 * import { loadImageFolder, catsDogsDir, runCondition } from "../lib/mod.ts";
 * ```
 */
export * from "./adam.ts";
export * from "./auc.ts";
export * from "./batches.ts";
export * from "./callbacks/callback.ts";
export * from "./callbacks/early_stopping.ts";
export * from "./callbacks/reduce_lr_on_plateau.ts";
export * from "./class_weight.ts";
export * from "./display.ts";
export * from "./engine.ts";
export * from "./evaluate.ts";
export * from "./experiment.ts";
export * from "./history.ts";
export * from "./image_folder.ts";
export * from "./image_set.ts";
export * from "./learning_rate.ts";
export * from "./metrics.ts";
export * from "./model.ts";
export * from "./predict.ts";
export * from "./profile.ts";
export * from "./progress.ts";
export * from "./random.ts";
export * from "./report.ts";
export * from "./sampling.ts";
export * from "./subsets.ts";
export * from "./train.ts";
export * from "./weighted_loss.ts";
export * from "./plots/class_counts.ts";
export { confusionMatrix, type ConfusionMatrixOptions } from "./plots/confusion_matrix.ts";
export * from "./plots/image_grid.ts";
export * from "./plots/learning_rate_schedule.ts";
export * from "./plots/loss_band.ts";
export * from "./plots/loss_curve.ts";
export * from "./plots/metric_bars.ts";
export * from "./plots/precision_recall_curve.ts";
export * from "./plots/roc_curve.ts";
export * from "./cats_dogs.ts";
export * from "./run_summary.ts";
export * from "./prevalence.ts";
export * from "./repeated_runs.ts";
export * from "./score_on_sets.ts";
export * from "./mnist.ts";
export * from "./coil2000.ts";
export * from "./table_sampling.ts";
export * from "./array_dataset.ts";
export * from "./array_training.ts";
export * from "./weighted_categorical_loss.ts";
export * from "./per_class_metrics.ts";
export * from "./mnist_model.ts";
export * from "./mnist_experiment.ts";
export * from "./tabular_model.ts";
export * from "./tabular_experiment.ts";
export * from "./plots/per_class_recall.ts";
export * from "./bootstrap.ts";
export * from "./threshold_sweep.ts";
export * from "./calibration.ts";
export * from "./focal_loss.ts";
export * from "./prior_shift.ts";
export * from "./runs_frame.ts";
export * from "./run_experiment.ts";
export * from "./experiment_grid.ts";
export * from "./imbalance_strategy.ts";
export * from "./stored_frames.ts";
export * from "./deployment_metrics.ts";
export * from "./plots/reliability_diagram.ts";
export * from "./plots/interval_lines.ts";
export * from "./run_intervals.ts";
export * from "./imbalance_study.ts";
export * from "./grid_scores.ts";

// Pretrained models: loading, a frozen base with a new head, features computed once.
export {
  type CachedFeatures,
  cachedFeatures,
  type FeatureCacheOptions,
  imageSetIdentity,
  modelIdentity,
} from "./pretrained/feature_cache.ts";
export {
  defaultCutLayer,
  featureExtractor,
  type FeatureExtractorOptions,
  type FrozenBaseModel,
  type FrozenBaseOptions,
  frozenBaseWithHead,
} from "./pretrained/frozen_base.ts";
export { buildHead, type HeadOptions } from "./pretrained/head.ts";
export { loadPretrainedModel, type LoadPretrainedOptions } from "./pretrained/load_pretrained.ts";
export {
  checkModelFolder,
  modelFolder,
  type ModelFolderOptions,
} from "./pretrained/model_folder.ts";
