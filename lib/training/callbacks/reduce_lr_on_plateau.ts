import type { EpochLog } from "../history.ts";
import { getLearningRate, setLearningRate } from "../learning_rate.ts";
import {
  BestMonitoredValue,
  type MonitoredMetric,
  type TrainingCallback,
  type TrainingContext,
} from "./callback.ts";

/** Options of {@link ReduceLROnPlateau}; the defaults are Keras's. */
export interface ReduceLROnPlateauOptions {
  /** Log field to watch (default "valLoss"). */
  monitor?: MonitoredMetric;
  /** Factor the rate is multiplied by on a plateau (default 0.1). */
  factor?: number;
  /** Epochs without improvement before the rate is reduced (default 10). */
  patience?: number;
  /** Smallest change that counts as an improvement (default 1e-4). */
  minDelta?: number;
  /** Epochs to wait after a reduction before counting again (default 0). */
  cooldown?: number;
  /** Lower bound of the rate (default 0). */
  minLr?: number;
  /** "min", "max" or "auto" (from the monitored name; default). */
  mode?: "min" | "max" | "auto";
}

/**
 * Keras's `ReduceLROnPlateau`: when the monitored value has not improved by
 * `minDelta` for `patience` epochs, multiply the learning rate by `factor`
 * (never below `minLr`), then wait `cooldown` epochs before counting again.
 * The new rate is in force from the next epoch; each epoch's log keeps the
 * rate it trained with, so the history records the schedule.
 */
export class ReduceLROnPlateau implements TrainingCallback {
  readonly monitor: MonitoredMetric;
  readonly factor: number;
  readonly patience: number;
  readonly minDelta: number;
  readonly cooldown: number;
  readonly minLr: number;
  readonly mode: "min" | "max" | "auto";
  #best: BestMonitoredValue;
  #wait = 0;
  #cooldownCounter = 0;

  constructor(options: ReduceLROnPlateauOptions = {}) {
    this.monitor = options.monitor ?? "valLoss";
    this.factor = options.factor ?? 0.1;
    this.patience = options.patience ?? 10;
    this.minDelta = Math.abs(options.minDelta ?? 1e-4);
    this.cooldown = options.cooldown ?? 0;
    this.minLr = options.minLr ?? 0;
    this.mode = options.mode ?? "auto";
    this.#best = new BestMonitoredValue(
      this.monitor,
      this.mode,
      this.minDelta,
      "ReduceLROnPlateau",
    );
    if (!(this.factor > 0 && this.factor < 1)) {
      throw new Error(`ReduceLROnPlateau factor must be in (0, 1), got ${this.factor}.`);
    }
    if (!(this.patience >= 0) || !(this.cooldown >= 0)) {
      throw new Error("ReduceLROnPlateau patience and cooldown must be non-negative.");
    }
  }

  /** Resets the wait, the cooldown and the best value seen. */
  onTrainBegin(): void {
    this.#best.reset();
    this.#wait = 0;
    this.#cooldownCounter = 0;
  }

  /** Counts epochs without improvement and reduces the rate after `patience` of them. */
  onEpochEnd(log: EpochLog, context: TrainingContext): void {
    const improved = this.#best.improves(log);
    if (this.#cooldownCounter > 0) {
      this.#cooldownCounter--;
      this.#wait = 0;
    }
    if (improved) {
      this.#wait = 0;
      return;
    }
    if (this.#cooldownCounter > 0) return;
    this.#wait++;
    if (this.#wait < this.patience) return;
    const oldRate = getLearningRate(context.optimizer);
    if (oldRate > this.minLr) {
      const newRate = Math.max(oldRate * this.factor, this.minLr);
      setLearningRate(context.optimizer, newRate);
      context.notes.push(
        `ReduceLROnPlateau: ${this.monitor} has not improved for ${this.#wait} epochs; ` +
          `learning rate ${oldRate.toExponential(1)} -> ${newRate.toExponential(1)}`,
      );
      this.#cooldownCounter = this.cooldown;
      this.#wait = 0;
    }
  }
}
