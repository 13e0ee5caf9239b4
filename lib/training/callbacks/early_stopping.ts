import * as tf from "@tensorflow/tfjs";
import type { EpochLog } from "../history.ts";
import {
  BestMonitoredValue,
  type MonitoredMetric,
  type TrainingCallback,
  type TrainingContext,
} from "./callback.ts";

/** Options of {@link EarlyStopping}; the defaults are Keras's. */
export interface EarlyStoppingOptions {
  /** Log field to watch (default "valLoss"). */
  monitor?: MonitoredMetric;
  /** Smallest change that counts as an improvement (default 0). */
  minDelta?: number;
  /** Epochs without improvement before training stops (default 0). */
  patience?: number;
  /** "min", "max" or "auto" (from the monitored name; default). */
  mode?: "min" | "max" | "auto";
  /** At the end of training, put back the weights of the best epoch (default false). */
  restoreBestWeights?: boolean;
}

/**
 * Keras's `EarlyStopping`: stop when the monitored value has not improved by
 * `minDelta` for `patience` epochs. With `restoreBestWeights`, the model ends
 * training holding the weights of its best epoch, whether training stopped
 * early or ran all its epochs (Keras 3's behaviour; Keras 2 restored only on
 * an early stop).
 */
export class EarlyStopping implements TrainingCallback {
  readonly monitor: MonitoredMetric;
  readonly minDelta: number;
  readonly patience: number;
  readonly mode: "min" | "max" | "auto";
  readonly restoreBestWeights: boolean;
  /** Epoch (1-based) whose value was best; 0 before training. */
  bestEpoch = 0;
  /** Epoch (1-based) after which training was stopped; 0 if it ran to the end. */
  stoppedEpoch = 0;
  #best: BestMonitoredValue;
  #wait = 0;
  #bestWeights: tf.Tensor[] | null = null;

  constructor(options: EarlyStoppingOptions = {}) {
    this.monitor = options.monitor ?? "valLoss";
    this.minDelta = Math.abs(options.minDelta ?? 0);
    this.patience = options.patience ?? 0;
    this.mode = options.mode ?? "auto";
    this.restoreBestWeights = options.restoreBestWeights ?? false;
    this.#best = new BestMonitoredValue(this.monitor, this.mode, this.minDelta, "EarlyStopping");
    if (!(this.patience >= 0)) {
      throw new Error(`EarlyStopping patience must be non-negative, got ${this.patience}.`);
    }
  }

  /** Resets the wait and the best value, and frees weights kept from an earlier run. */
  onTrainBegin(): void {
    this.#best.reset();
    this.#wait = 0;
    this.bestEpoch = 0;
    this.stoppedEpoch = 0;
    this.#disposeBestWeights();
  }

  /** Keeps the best epoch's weights and stops training after `patience` epochs without improvement. */
  onEpochEnd(log: EpochLog, context: TrainingContext): void {
    const improved = this.#best.improves(log);
    this.#wait++;
    if (improved) {
      this.bestEpoch = log.epoch;
      this.#wait = 0;
      if (this.restoreBestWeights) {
        this.#disposeBestWeights();
        this.#bestWeights = context.model.getWeights().map((weight) => weight.clone());
      }
      return;
    }
    if (this.#wait >= this.patience && log.epoch > 1) {
      this.stoppedEpoch = log.epoch;
      context.stopTraining = true;
      context.notes.push(
        `EarlyStopping: ${this.monitor} has not improved for ${this.#wait} epochs ` +
          `(best: epoch ${this.bestEpoch}); stopping.`,
      );
    }
  }

  /** Puts the best epoch's weights back into the model when asked to. */
  onTrainEnd(context: TrainingContext): void {
    if (this.restoreBestWeights && this.#bestWeights) {
      context.model.setWeights(this.#bestWeights);
      context.notes.push(`EarlyStopping: restored the weights of epoch ${this.bestEpoch}.`);
    }
    this.#disposeBestWeights();
  }

  #disposeBestWeights(): void {
    this.#bestWeights?.forEach((weight) => weight.dispose());
    this.#bestWeights = null;
  }
}
