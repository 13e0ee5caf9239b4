/**
 * Micro-benchmarks on WebGPU, GPU waited for: the CPU cost of one kernel
 * launch, the upload of one batch (tfjs's uploads and the project's), and
 * each convolution kernel of the series' CNN.
 */
import * as tf from "@tensorflow/tfjs";
import type { WebGPUBackend } from "@tensorflow/tfjs-backend-webgpu";
import {
  conv2dBackpropFilterByChunks,
  registerWebGpuTrainingKernels,
  useStockWebGpuKernels,
} from "../../../lib/engine/webgpu/kernels.ts";
import { useQueuedUploads, useStockUploads } from "../../../lib/engine/webgpu/upload.ts";
import { convLayers, SAME_PADDING, type Shape4D } from "./conv_layers.ts";
import type { Case } from "./options.ts";

/** The middle one of three timings. */
function medianOfThree(timings: number[]): number {
  return timings.sort((a, b) => a - b)[1];
}

/**
 * Milliseconds per launch of a tiny element-wise kernel (4,096 floats, so the
 * GPU's own work is negligible): the CPU cost of one kernel launch in tfjs
 * WebGPU in Deno, which multiplies the launches of a training step.
 */
async function launchOverheadMs(): Promise<number> {
  const launches = 500;
  const timings: number[] = [];
  for (let round = 0; round < 3; round++) {
    let x = tf.add(tf.zeros([4096]), 0);
    await x.data();
    const started = performance.now();
    for (let i = 0; i < launches; i++) {
      const next = tf.add(x, 1);
      x.dispose();
      x = next;
    }
    await x.data();
    timings.push((performance.now() - started) / launches);
    x.dispose();
  }
  return medianOfThree(timings);
}

/** Prints {@link launchOverheadMs}. */
export async function printLaunchCost(): Promise<void> {
  console.log(
    `\nLaunch cost: ${(await launchOverheadMs()).toFixed(3)} ms per kernel ` +
      "(500 element-wise kernels on 4,096 floats in a row, median of 3 rounds)",
  );
}

/**
 * Milliseconds to upload one batch of `size` px images and use it in one
 * element-wise kernel, GPU waited for (median of 3 rounds of 10 uploads), with
 * tfjs's uploads and with lib/engine/webgpu/upload.ts's.
 */
async function uploadMs(size: number, batch: number): Promise<{ stock: number; queued: number }> {
  const shape: Shape4D = [batch, size, size, 3];
  const values = Float32Array.from({ length: batch * size * size * 3 }, (_, i) => (i % 255) / 255);
  const backend = tf.backend() as WebGPUBackend;
  const timeUploads = async (): Promise<number> => {
    const timings: number[] = [];
    for (let round = 0; round < 4; round++) {
      const started = performance.now();
      const outputs: tf.Tensor[] = [];
      for (let i = 0; i < 10; i++) {
        const x = tf.tensor4d(values, shape);
        outputs.push(tf.add(x, 1));
        x.dispose();
      }
      await tf.slice(outputs.at(-1)!, [0, 0, 0, 0], [1, 1, 1, 1]).data();
      tf.dispose(outputs);
      if (round > 0) timings.push((performance.now() - started) / 10);
    }
    return medianOfThree(timings);
  };
  useStockUploads(backend);
  const stock = await timeUploads();
  useQueuedUploads(backend);
  const queued = await timeUploads();
  return { stock, queued };
}

/** Prints {@link uploadMs} for each case. */
export async function printUploadTimes(cases: Case[]): Promise<void> {
  for (const { size, batch } of cases) {
    const { stock, queued } = await uploadMs(size, batch);
    const megabytes = (batch * size * size * 3 * 4) / 1e6;
    console.log(
      `Upload of one ${size}x${size} batch of ${batch} (${
        megabytes.toFixed(1)
      } MB float32) and one ` +
        `kernel using it: tfjs's own ${
          stock.toFixed(2)
        } ms, queued (lib/engine/webgpu/upload.ts) ` +
        `${queued.toFixed(2)} ms`,
    );
  }
}

/** Milliseconds per call of `run`, waiting for the GPU (median of 3 timings of `repeats` calls). */
async function timeKernel(run: () => tf.Tensor, repeats: number): Promise<number> {
  await run().data();
  const timings: number[] = [];
  for (let round = 0; round < 3; round++) {
    const started = performance.now();
    const outputs: tf.Tensor[] = [];
    for (let i = 0; i < repeats; i++) outputs.push(run());
    await outputs.at(-1)!.data();
    timings.push((performance.now() - started) / repeats);
    tf.dispose(outputs);
  }
  return medianOfThree(timings);
}

/**
 * Prints the wall-clock milliseconds of each convolution kernel of the
 * network at `size` px: forward, input gradient, and filter gradient stock
 * and chunked (with 256, 1024 (the registered default) and 4096 rows per
 * chunk). Leaves the project's kernels registered.
 */
export async function printConvolutionKernelTimes({ size, batch }: Case): Promise<void> {
  console.log(
    `\nConvolution kernels at ${size}x${size}, batch ${batch} (ms per call, wall clock, GPU waited for):`,
  );
  console.log(
    "  layer  Conv2D  BackpropInput  Filter(stock)  Filter(chunked 256 / 1024 / 4096 rows)",
  );
  for (const layer of convLayers(size, batch)) {
    const dyShape: Shape4D = [...layer.xShape.slice(0, 3), layer.filterShape[3]] as Shape4D;
    const x = tf.randomNormal(layer.xShape) as tf.Tensor4D;
    const w = tf.randomNormal(layer.filterShape) as tf.Tensor4D;
    const dy = tf.randomNormal(dyShape) as tf.Tensor4D;
    const attrs = { ...SAME_PADDING, filterShape: layer.filterShape };
    const forward = await timeKernel(() => tf.conv2d(x, w, 1, "same"), 5);
    const input = await timeKernel(
      () =>
        tf.engine().runKernel(tf.Conv2DBackpropInput, { dy, filter: w }, {
          ...SAME_PADDING,
          inputShape: layer.xShape,
        }) as tf.Tensor,
      5,
    );
    useStockWebGpuKernels();
    const stockMs = await timeKernel(
      () => tf.engine().runKernel(tf.Conv2DBackpropFilter, { x, dy }, attrs) as tf.Tensor,
      2,
    );
    registerWebGpuTrainingKernels();
    const chunkedMs: number[] = [];
    for (const rowsPerChunk of [256, 1024, 4096]) {
      chunkedMs.push(
        await timeKernel(() => conv2dBackpropFilterByChunks(x, dy, attrs, { rowsPerChunk }), 5),
      );
    }
    console.log(
      `  ${layer.name}  ${forward.toFixed(2)}  ${input.toFixed(2)}  ${stockMs.toFixed(2)}  ${
        chunkedMs.map((ms) => ms.toFixed(2)).join(" / ")
      }`,
    );
    tf.dispose([x, w, dy]);
  }
}
