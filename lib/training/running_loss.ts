/**
 * The running mean of an epoch's batch losses, read back from the engine a
 * group of batches at a time instead of once per batch.
 *
 * Why: on WebGPU in Deno (2.9), every read-back waits for the GPU to finish
 * all queued work and then sleeps a fixed 10 ms (its `mapAsync` polls that
 * way), so reading each batch's loss added at least 10 ms to every training
 * step and kept the CPU from queueing the next batch while the GPU worked.
 * Here the loss scalars stay on the device and are read together, at most
 * about twice a second: one read per group (lib/engine/read_back.ts). The mean is
 * the same float64 sum, in batch order, of the same float32 losses as reading
 * them one by one, so results do not change on any engine.
 */
import * as tf from "@tensorflow/tfjs";
import { readAllAndDispose } from "../engine/read_back.ts";

/** Default milliseconds between reads: the live progress bar's own update interval. */
const DEFAULT_READ_EVERY_MS = 500;

/** Batch losses not read yet, with each batch's example count. */
interface PendingLoss {
  loss: tf.Scalar;
  examples: number;
}

/** See the module comment: collects batch losses, reads them in groups. */
export class RunningLoss {
  #pending: PendingLoss[] = [];
  #sum = 0;
  #examples = 0;
  #batches = 0;
  #lastRead = performance.now();

  /** `readEveryMs`: how long {@link readIfDue} lets losses wait on the device (0: read every batch). */
  constructor(readonly readEveryMs = DEFAULT_READ_EVERY_MS) {
    if (!(readEveryMs >= 0)) {
      throw new Error(`readEveryMs must be a number ≥ 0, got ${readEveryMs}.`);
    }
  }

  /** Keeps one batch's loss (a scalar; this object disposes it) and its number of examples. */
  add(loss: tf.Scalar, examples: number): void {
    if (loss.size !== 1) {
      throw new Error(`A batch loss must be a scalar, got shape [${loss.shape}].`);
    }
    if (!(Number.isInteger(examples) && examples > 0)) {
      throw new Error(`A batch's example count must be a whole number > 0, got ${examples}.`);
    }
    this.#pending.push({ loss, examples });
  }

  /**
   * Reads the kept losses if `readEveryMs` has passed since the last read;
   * returns whether it read (and {@link mean} moved on).
   */
  async readIfDue(): Promise<boolean> {
    if (this.#pending.length === 0) return false;
    if (performance.now() - this.#lastRead < this.readEveryMs) return false;
    await this.read();
    return true;
  }

  /** Reads every kept loss now (one read for all of them) and adds them to the mean. */
  async read(): Promise<void> {
    const pending = this.#pending;
    this.#pending = [];
    if (pending.length > 0) {
      const values = await readAllAndDispose(pending.map(({ loss }) => loss));
      pending.forEach(({ examples }, i) => {
        this.#sum += values[i] * examples;
        this.#examples += examples;
      });
      this.#batches += pending.length;
    }
    this.#lastRead = performance.now();
  }

  /** Mean loss per example over the batches read so far (NaN before the first read). */
  get mean(): number {
    return this.#sum / this.#examples;
  }

  /** How many batches' losses have been read. */
  get batchesRead(): number {
    return this.#batches;
  }

  /** Frees the losses not read yet (after an error, so no tensor outlives the epoch). */
  dispose(): void {
    tf.dispose(this.#pending.map(({ loss }) => loss));
    this.#pending = [];
  }
}

/** What one training step gives {@link runEpoch}: its loss (a scalar) and its number of examples. */
export interface BatchLoss {
  loss: tf.Scalar;
  examples: number;
}

/**
 * One epoch of training steps with their losses read in groups: `step` runs
 * for each batch, `onRead` sees the number of batches read so far and their
 * mean loss after every read (for a progress bar), and the result is the
 * epoch's mean loss per example. `readEveryMs` as for {@link RunningLoss}.
 */
export async function runEpoch<Batch>(
  batches: Iterable<Batch>,
  step: (batch: Batch) => BatchLoss,
  onRead: (batchesRead: number, meanLoss: number) => Promise<void>,
  readEveryMs?: number,
): Promise<number> {
  const losses = new RunningLoss(readEveryMs);
  try {
    for (const batch of batches) {
      const { loss, examples } = step(batch);
      losses.add(loss, examples);
      if (await losses.readIfDue()) await onRead(losses.batchesRead, losses.mean);
    }
    await losses.read();
  } finally {
    losses.dispose();
  }
  await onRead(losses.batchesRead, losses.mean);
  return losses.mean;
}
