import type * as tf from "@tensorflow/tfjs";
import type { EpochLog } from "../history.ts";

/** What a callback may read and change while a model trains. */
export interface TrainingContext {
  /** The model being trained. */
  readonly model: tf.LayersModel;
  /** The optimizer applying the updates (its learning rate may be changed). */
  readonly optimizer: tf.Optimizer;
  /** Set to true to end training after the current epoch, like Keras's `model.stop_training`. */
  stopTraining: boolean;
  /** Lines a callback wants shown under the epoch's log line (e.g. "learning rate reduced"). */
  readonly notes: string[];
}

/**
 * A hook into the training loop with Keras's callback semantics: called once
 * before the first epoch, after every epoch with that epoch's log, and once
 * at the end.
 */
export interface TrainingCallback {
  /** Resets the callback's state; called before the first epoch. */
  onTrainBegin?(context: TrainingContext): void;
  /** Sees the finished epoch's log; may change the learning rate or stop training. */
  onEpochEnd?(log: EpochLog, context: TrainingContext): void;
  /** Called once after the last epoch (e.g. to restore the best weights). */
  onTrainEnd?(context: TrainingContext): void;
}

/** Log fields a callback can monitor: every numeric field of an epoch log. */
export type MonitoredMetric = {
  [K in keyof EpochLog]-?: EpochLog[K] extends number | undefined ? K : never;
}[keyof EpochLog];

/** Reads a monitored value from an epoch log, with an error naming the available fields when it is absent. */
export function monitoredValue(log: EpochLog, monitor: MonitoredMetric, who: string): number {
  const value = log[monitor];
  if (typeof value !== "number" || Number.isNaN(value)) {
    const available = Object.entries(log).filter(([, v]) => typeof v === "number").map(([k]) => k);
    throw new Error(
      `${who} monitors "${monitor}", which epoch ${log.epoch} did not log. ` +
        `Available: ${available.join(", ")}. Pass validation data to train for val* metrics.`,
    );
  }
  return value;
}

/** Whether `mode` means lower is better: "auto" infers it from the name, like Keras (accuracy, precision, recall, auc: higher is better). */
export function lowerIsBetter(monitor: MonitoredMetric, mode: "min" | "max" | "auto"): boolean {
  if (mode !== "auto") return mode === "min";
  return !/accuracy|precision|recall|auc|tp|tn/i.test(monitor);
}

/**
 * The best value of a monitored log field so far, and Keras's test of an
 * improvement on it (a change by more than `minDelta` in the better direction):
 * the bookkeeping EarlyStopping and ReduceLROnPlateau share.
 */
export class BestMonitoredValue {
  #best = Infinity;
  #sign = 1;

  /** `who` names the callback in the error for a value the log lacks. */
  constructor(
    readonly monitor: MonitoredMetric,
    readonly mode: "min" | "max" | "auto",
    readonly minDelta: number,
    readonly who: string,
  ) {}

  /** Forgets the best value and settles which direction is better; call before training. */
  reset(): void {
    this.#sign = lowerIsBetter(this.monitor, this.mode) ? 1 : -1;
    this.#best = Infinity;
  }

  /** Whether the epoch's value improves on the best; if it does, it becomes the best. */
  improves(log: EpochLog): boolean {
    // Compare signed values, so "lower is better" holds in both modes.
    const current = this.#sign * monitoredValue(log, this.monitor, this.who);
    if (current < this.#best - this.minDelta) {
      this.#best = current;
      return true;
    }
    return false;
  }
}
