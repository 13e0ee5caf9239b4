/**
 * The record of one training run, one entry per epoch, in the shape Keras's
 * `History.history` has once transposed: easy to tabulate and to plot.
 */
export interface EpochLog {
  /** 1-based epoch number. */
  epoch: number;
  /** Mean training loss over the epoch (class-weighted when weights were given). */
  loss: number;
  /** Learning rate in force during the epoch. */
  lr: number;
  /** Validation loss (unweighted binary cross-entropy), when validation data was given. */
  valLoss?: number;
  /** Validation true positives at threshold 0.5. */
  valTp?: number;
  /** Validation false positives at threshold 0.5. */
  valFp?: number;
  /** Validation true negatives at threshold 0.5. */
  valTn?: number;
  /** Validation false negatives at threshold 0.5. */
  valFn?: number;
  /** Validation accuracy at threshold 0.5. */
  valAccuracy?: number;
  /** Validation precision at threshold 0.5 (0 when nothing is predicted positive). */
  valPrecision?: number;
  /** Validation recall at threshold 0.5 (0 when there is no positive example). */
  valRecall?: number;
  /** Validation ROC AUC. */
  valAuc?: number;
  /** Wall-clock seconds the epoch took, validation included. */
  seconds: number;
}

/** All epochs of one run, in order. */
export type History = EpochLog[];
