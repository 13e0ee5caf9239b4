/**
 * Timing one training configuration on WebGPU: images per second of the
 * series' CNN on random batches, with each step split into CPU time launching
 * kernels (and submitting them) and time waiting for read-backs.
 */
import * as tf from "@tensorflow/tfjs";
import { RunningLoss } from "../../../lib/training/running_loss.ts";
import { syntheticTraining } from "../synthetic_training.ts";

/** Calls and CPU milliseconds of `GPUQueue.submit` since the last {@link throughput} began. */
const submits = { calls: 0, ms: 0 };

/**
 * Counts the WebGPU backend's queue submissions and the CPU time they take,
 * to tell a launch-bound step (CPU) from a GPU-bound one. Call once, after
 * the webgpu backend is set and before the first {@link throughput}.
 */
export function countSubmits(): void {
  const queue = (tf.backend() as unknown as { device: GPUDevice }).device.queue;
  const submit = queue.submit.bind(queue);
  queue.submit = (commandBuffers: GPUCommandBuffer[]) => {
    const started = performance.now();
    submit(commandBuffers);
    submits.ms += performance.now() - started;
    submits.calls++;
  };
}

/** Training speed of one case, and where a step's time went. */
export interface Throughput {
  imagesPerSecond: number;
  /** Mean milliseconds of CPU time queueing a step's kernels. */
  launchMs: number;
  /** Mean milliseconds per step waiting for loss read-backs (the GPU finishing, and Deno's polling). */
  waitMs: number;
  /** Mean CPU milliseconds per step inside `GPUQueue.submit`, and submissions per step. */
  submitMs: number;
  submitsPerStep: number;
}

/**
 * Training speed after 3 warm-up steps. "every step": the loss of each step
 * is read before the next starts, on one batch kept on the GPU (how training
 * ran before lib/training/running_loss.ts, and how the 121 images/s was
 * measured). "training": what `trainModel` does now: each step uploads a
 * fresh batch and losses are read in groups (lib/training/running_loss.ts), the clock
 * stopping when the last loss is read.
 */
export async function throughput(
  size: number,
  batch: number,
  seconds: number,
  mode: "every step" | "training",
): Promise<Throughput> {
  const { launch, dispose } = syntheticTraining(size, batch, {
    freshBatches: mode === "training",
  });
  for (let i = 0; i < 3; i++) await launch().data();
  const losses = new RunningLoss(mode === "training" ? undefined : 0);
  let steps = 0;
  let launchMs = 0;
  let waitMs = 0;
  submits.calls = submits.ms = 0;
  const started = performance.now();
  while (performance.now() - started < seconds * 1000) {
    const launchStarted = performance.now();
    losses.add(launch(), batch);
    const launched = performance.now();
    await losses.readIfDue();
    launchMs += launched - launchStarted;
    waitMs += performance.now() - launched;
    steps++;
  }
  const lastRead = performance.now();
  await losses.read();
  waitMs += performance.now() - lastRead;
  const elapsed = (performance.now() - started) / 1000;
  dispose();
  return {
    imagesPerSecond: (steps * batch) / elapsed,
    launchMs: launchMs / steps,
    waitMs: waitMs / steps,
    submitMs: submits.ms / steps,
    submitsPerStep: submits.calls / steps,
  };
}

/** "139.8 images/s (per step: 190.0 ms launching, of it 2.1 in 8.0 submits; 39.0 ms waiting)". */
export function describeThroughput(result: Throughput): string {
  return `${result.imagesPerSecond.toFixed(1)} images/s (per step: ${
    result.launchMs.toFixed(1)
  } ms launching, of it ${result.submitMs.toFixed(1)} in ${
    result.submitsPerStep.toFixed(1)
  } submits; ${result.waitMs.toFixed(1)} ms waiting)`;
}
