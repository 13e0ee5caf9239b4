/**
 * The throughput of every case with tfjs's stock WebGPU kernels and with this
 * project's, each measured with the loss read every step and as the training
 * loop runs.
 */
import {
  registerWebGpuTrainingKernels,
  useStockWebGpuKernels,
} from "../../../lib/engine/webgpu/kernels.ts";
import type { Case } from "./options.ts";
import { describeThroughput, type Throughput, throughput } from "./throughput.ts";

/** The measurements of one case, in the order they run. */
export interface CaseResults {
  stockEveryStep: Throughput;
  projectEveryStep: Throughput;
  stockTraining: Throughput;
  projectTraining: Throughput;
}

/** Measures and prints each case; returns the results by "SIZExBATCH". */
export async function measureCases(
  cases: Case[],
  seconds: number,
): Promise<Map<string, CaseResults>> {
  const results = new Map<string, CaseResults>();
  for (const { size, batch } of cases) {
    useStockWebGpuKernels();
    const stockEveryStep = await throughput(size, batch, seconds, "every step");
    const stockTraining = await throughput(size, batch, seconds, "training");
    registerWebGpuTrainingKernels();
    const projectEveryStep = await throughput(size, batch, seconds, "every step");
    const projectTraining = await throughput(size, batch, seconds, "training");
    results.set(`${size}x${batch}`, {
      stockEveryStep,
      projectEveryStep,
      stockTraining,
      projectTraining,
    });
    console.log(`\ntfjs webgpu ${size}x${size} batch ${batch}:`);
    for (
      const [label, result] of [
        ["stock kernels, loss read every step", stockEveryStep],
        ["stock kernels, training loop", stockTraining],
        ["project kernels, loss read every step", projectEveryStep],
        ["project kernels, training loop", projectTraining],
      ] as const
    ) {
      console.log(`  ${label}: ${describeThroughput(result)}`);
    }
  }
  return results;
}
