/**
 * The GPU comparison (scripts/bench/gpu_bench.sh runs it): training throughput of
 * the series' CNN on tfjs WebGPU in Deno, with the webgpu backend's stock
 * kernels and with this project's (lib/engine/webgpu/kernels.ts: chunked filter
 * gradient with an im2col kernel, dropout masks drawn on the GPU, fused Adam),
 * against PyTorch CUDA on the same machine, at 32x32 px (batch 32 and 256) and
 * 128x128 px (batch 32). Each case is measured with the loss read back after
 * every step (as training ran before lib/training/running_loss.ts) and as the training
 * loop runs now (a fresh batch uploaded per step, losses read in groups), each
 * step split into CPU time launching kernels (and submitting them) and time
 * waiting for read-backs; for the largest case it also measures the project's
 * kernels with one left out at a time, and other numbers of kernels per queue
 * submission. Also checks the project's
 * kernels against the cpu backend or their JavaScript definitions, times each
 * convolution kernel, and prints a per-kernel profile of one training step of
 * the largest case. With
 * `--images DIR` it also trains on real images and reports the test accuracy,
 * to compare with the same command under `--engine wasm`.
 *
 * Options: --seconds N (per throughput measurement, default 15),
 * --cases SIZExBATCH,... (default 32x32,32x256,128x32),
 * --allow-software (run on a software WebGPU adapter, for testing the script),
 * --skip-torch, --images DIR [--train N] [--epochs N] [--seeds N] (convergence
 * check, N seeds from 0, default 3),
 * --engine webgpu|wasm|cpu (default webgpu; other engines run only the
 * convergence check).
 *
 * This file runs the sections in order; each lives in scripts/bench/gpu/.
 * It stays the entry point that `deno bundle` takes (README), and resolves
 * gpu_bench_torch.py beside itself, as the bundle does.
 */
import * as tf from "@tensorflow/tfjs";
import { fileURLToPath } from "node:url";
import { selectEngine } from "../../lib/engine/select_engine.ts";
import {
  registerWebGpuTrainingKernels,
  useStockWebGpuKernels,
} from "../../lib/engine/webgpu/kernels.ts";
import { largestCase, parseOptions } from "./gpu/options.ts";
import { requireAdapter } from "./gpu/adapter.ts";
import { checkChunkedKernel, checkExactKernels } from "./gpu/kernel_checks.ts";
import {
  printConvolutionKernelTimes,
  printLaunchCost,
  printUploadTimes,
} from "./gpu/kernel_times.ts";
import { countSubmits } from "./gpu/throughput.ts";
import { measureCases } from "./gpu/cases.ts";
import { printAblations, printSubmitBatches } from "./gpu/variations.ts";
import { profileStep } from "./gpu/step_profile.ts";
import { convergence } from "./gpu/convergence.ts";
import { torchResults } from "./gpu/torch.ts";
import { printComparison } from "./gpu/report.ts";

const options = parseOptions(Deno.args);
console.log(
  `Deno ${Deno.version.deno}, tfjs ${tf.version.tfjs}, ${navigator.hardwareConcurrency} cores`,
);
if (options.engine !== "webgpu") {
  if (options.images === undefined) {
    throw new Error(`--engine ${options.engine} needs --images DIR.`);
  }
  const engine = await selectEngine({ backend: options.engine });
  await convergence(options, engine.backend);
  Deno.exit(0);
}
console.log(`WebGPU adapter: ${await requireAdapter(options.allowSoftware)}`);
await selectEngine({ backend: "webgpu" });

console.log("\nThis project's kernels against reference kernels:");
const largest = largestCase(options.cases);
const correct = await checkChunkedKernel(largest.size) && await checkExactKernels(largest);

await printLaunchCost();
registerWebGpuTrainingKernels();
await printUploadTimes(options.cases);

countSubmits();
const tfjs = await measureCases(options.cases, options.seconds);
await printAblations(largest, options.seconds);
await printSubmitBatches(largest, options.seconds);

for (const item of options.cases) await printConvolutionKernelTimes(item);
useStockWebGpuKernels();
await profileStep(largest, "stock tfjs webgpu kernels");
registerWebGpuTrainingKernels();
await profileStep(largest, "this project's kernels");

if (options.images !== undefined) await convergence(options, "webgpu (project kernels)");

const torch = options.skipTorch ? "skipped (--skip-torch)" : await torchResults(
  fileURLToPath(new URL("./gpu_bench_torch.py", import.meta.url)),
  options.seconds,
  options.cases,
);
printComparison(options.cases, tfjs, torch, options.seconds);
if (!correct) {
  console.error("A project kernel disagreed with its reference (see above).");
  Deno.exit(1);
}
