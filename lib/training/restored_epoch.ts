/**
 * How EarlyStopping(restoreBestWeights) came to keep the epoch it kept: the
 * epoch with the lowest validation loss, the learning rate in force then,
 * and how much that epoch lowered the best loss so far. EarlyStopping counts
 * any decrease as progress (min delta 0, Keras's default) while
 * ReduceLROnPlateau needs 1e-4 (its default), so decreases smaller than that
 * keep training going while the rate is cut again and again: the restored
 * epoch can then lie where the loss crept down at a rate near zero.
 */
import type { History } from "./history.ts";

/** The epoch EarlyStopping restores and what made it the best. */
export interface RestoredEpoch {
  /** The first epoch with the lowest validation loss (what EarlyStopping with min delta 0 keeps). */
  epoch: number;
  /** The learning rate in force during that epoch. */
  learningRate: number;
  /** How much it lowered the best validation loss of the epochs before (undefined for epoch 1). */
  gain: number | undefined;
  /** Epochs that set a new best by less than `minDelta`: progress for EarlyStopping, none for ReduceLROnPlateau. */
  smallGains: number;
}

/**
 * The restored epoch of a run with validation loss, with `minDelta` the
 * threshold ReduceLROnPlateau uses (default 1e-4).
 *
 * @example
 * ```ts
 * import { restoredEpoch } from "./restored_epoch.ts";
 * const history = [0.7, 0.6, 0.59995, 0.62].map((valLoss, i) => ({
 *   epoch: i + 1, loss: 0.5, lr: i < 2 ? 1e-3 : 1e-4, valLoss, seconds: 1,
 * }));
 * const restored = restoredEpoch(history);
 * if (restored.epoch !== 3 || restored.smallGains !== 1 || restored.learningRate !== 1e-4) {
 *   throw new Error(JSON.stringify(restored));
 * }
 * ```
 */
export function restoredEpoch(
  history: History,
  options: { minDelta?: number } = {},
): RestoredEpoch {
  const minDelta = options.minDelta ?? 1e-4;
  if (history.length === 0) throw new Error("restoredEpoch: the history is empty.");
  let best = Infinity;
  let found: RestoredEpoch | undefined;
  let smallGains = 0;
  history.forEach((log, index) => {
    if (log.valLoss === undefined) {
      throw new Error(
        `restoredEpoch: epoch ${log.epoch} has no validation loss; train with a validation set.`,
      );
    }
    if (log.valLoss < best) {
      const gain = index === 0 ? undefined : best - log.valLoss;
      if (gain !== undefined && gain < minDelta) smallGains++;
      best = log.valLoss;
      found = { epoch: log.epoch, learningRate: log.lr, gain, smallGains: 0 };
    }
  });
  return { ...found!, smallGains };
}
