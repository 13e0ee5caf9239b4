/**
 * The training loop's throughput at one case with the project's WebGPU path
 * varied: each part left out in turn, and other numbers of kernels per queue
 * submission.
 */
import * as tf from "@tensorflow/tfjs";
import type { WebGPUBackend } from "@tensorflow/tfjs-backend-webgpu";
import { HASHED_DROPOUT } from "../../../lib/engine/webgpu/dropout.ts";
import { ADAM_MOMENT, ADAM_VALUE } from "../../../lib/engine/webgpu/adam.ts";
import { useQueuedUploads, useStockUploads } from "../../../lib/engine/webgpu/upload.ts";
import type { Case } from "./options.ts";
import { describeThroughput, throughput } from "./throughput.ts";

/** Leaves the named project kernels out; returns what puts them back. */
function withoutKernels(...kernelNames: string[]): () => void {
  const removed = kernelNames.map((name) => tf.getKernel(name, "webgpu")!);
  removed.forEach((config) => tf.unregisterKernel(config.kernelName, "webgpu"));
  return () => removed.forEach((config) => tf.registerKernel(config));
}

/**
 * Parts of the project's WebGPU path left out one at a time to see what each
 * adds: those with a fallback when absent (tf.dropout's CPU-made masks,
 * tfjs's Adam, tfjs's own uploads).
 */
const ABLATIONS: [string, () => () => void][] = [
  ["GPU dropout masks (tf.dropout instead)", () => withoutKernels(HASHED_DROPOUT)],
  ["fused Adam (tfjs's Adam instead)", () => withoutKernels(ADAM_MOMENT, ADAM_VALUE)],
  ["queued uploads (tfjs's mapped staging buffers instead)", () => {
    const backend = tf.backend() as WebGPUBackend;
    useStockUploads(backend);
    return () => useQueuedUploads(backend);
  }],
];

/** Prints the training loop's throughput at the case with each of {@link ABLATIONS} left out. */
export async function printAblations({ size, batch }: Case, seconds: number): Promise<void> {
  console.log(
    `\nWhat each project kernel adds at ${size}x${size}, batch ${batch} ` +
      "(training loop, all project kernels but one):",
  );
  for (const [label, leaveOut] of ABLATIONS) {
    const putBack = leaveOut();
    const result = await throughput(size, batch, seconds, "training");
    putBack();
    console.log(`  without ${label}: ${describeThroughput(result)}`);
  }
}

/**
 * Prints the training loop's throughput at `size` x `batch` with 5, 50 and
 * 200 kernels per queue submission, then restores tfjs's setting.
 */
export async function printSubmitBatches({ size, batch }: Case, seconds: number): Promise<void> {
  const defaultSubmitBatch = tf.env().getNumber("WEBGPU_DEFERRED_SUBMIT_BATCH_SIZE");
  console.log(
    `\nKernels per queue submission (tfjs's WEBGPU_DEFERRED_SUBMIT_BATCH_SIZE, default ${defaultSubmitBatch}) ` +
      `at ${size}x${size}, batch ${batch}, training loop:`,
  );
  for (const kernelsPerSubmit of [5, 50, 200]) {
    tf.env().set("WEBGPU_DEFERRED_SUBMIT_BATCH_SIZE", kernelsPerSubmit);
    const result = await throughput(size, batch, seconds, "training");
    console.log(`  ${kernelsPerSubmit}: ${describeThroughput(result)}`);
  }
  tf.env().set("WEBGPU_DEFERRED_SUBMIT_BATCH_SIZE", defaultSubmitBatch);
}
