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
 */
import * as tf from "@tensorflow/tfjs";
import { adam } from "../../lib/training/adam.ts";
import { fileURLToPath } from "node:url";
import { selectEngine } from "../../lib/engine/select_engine.ts";
import { loadImageFolder } from "../../lib/data/image_folder.ts";
import { buildSimpleCnn } from "../../lib/models/simple_cnn.ts";
import { prepareDataset } from "../../lib/data/batches.ts";
import { predictProbabilities } from "../../lib/models/predict.ts";
import {
  conv2dBackpropFilterByChunks,
  registerWebGpuTrainingKernels,
  useStockWebGpuKernels,
} from "../../lib/engine/webgpu/kernels.ts";
import {
  HASHED_DROPOUT,
  hashedDropout,
  hashedDropoutMultipliers,
} from "../../lib/engine/webgpu/dropout.ts";
import { ADAM_MOMENT, ADAM_VALUE } from "../../lib/engine/webgpu/adam.ts";
import { useQueuedUploads, useStockUploads } from "../../lib/engine/webgpu/upload.ts";
import type { WebGPUBackend } from "@tensorflow/tfjs-backend-webgpu";
import { im2col, im2colValues } from "../../lib/engine/webgpu/im2col.ts";
import { weightedBinaryCrossEntropy } from "../../lib/training/weighted_loss.ts";
import { createRandom } from "../../lib/data/random.ts";
import { runEpoch, RunningLoss } from "../../lib/training/running_loss.ts";

/** One throughput case: image side (a multiple of 8) and batch size. */
interface Case {
  size: number;
  batch: number;
}

/** The throughput cases of the issue, as `--cases` writes them. */
const DEFAULT_CASES = "32x32,32x256,128x32";

/** Parses `--cases`, e.g. "32x32,128x32" (image side x batch size). */
function parseCases(text: string): Case[] {
  return text.split(",").map((item) => {
    const match = /^(\d+)x(\d+)$/.exec(item.trim());
    const [size, batch] = match ? [Number(match[1]), Number(match[2])] : [0, 0];
    if (!(size >= 8 && size % 8 === 0 && batch >= 2)) {
      throw new Error(
        `--cases item "${item}" is not SIZExBATCH with SIZE a multiple of 8 and BATCH >= 2, ` +
          `e.g. "${DEFAULT_CASES}".`,
      );
    }
    return { size, batch };
  });
}

interface Options {
  seconds: number;
  allowSoftware: boolean;
  skipTorch: boolean;
  images?: string;
  trainPerClass: number;
  epochs: number;
  seeds: number;
  engine: string;
  cases: Case[];
}

const FLAGS_WITH_VALUES = [
  "--seconds",
  "--images",
  "--train",
  "--epochs",
  "--seeds",
  "--engine",
  "--cases",
];
const SWITCHES = ["--allow-software", "--skip-torch"];

function parseOptions(args: string[]): Options {
  args.forEach((arg, i) => {
    const isValue = i > 0 && FLAGS_WITH_VALUES.includes(args[i - 1]);
    if (!isValue && !FLAGS_WITH_VALUES.includes(arg) && !SWITCHES.includes(arg)) {
      throw new Error(
        `Unknown argument "${arg}". Valid: ${[...FLAGS_WITH_VALUES, ...SWITCHES].join(", ")}.`,
      );
    }
  });
  const value = (flag: string): string | undefined => {
    const at = args.indexOf(flag);
    if (at < 0) return undefined;
    if (at + 1 >= args.length) throw new Error(`${flag} needs a value, e.g. "${flag} 10".`);
    return args[at + 1];
  };
  const positive = (flag: string, fallback: number): number => {
    const raw = value(flag);
    const number = raw === undefined ? fallback : Number(raw);
    if (!(number > 0)) throw new Error(`${flag} needs a positive number, got "${raw}".`);
    return number;
  };
  return {
    seconds: positive("--seconds", 15),
    allowSoftware: args.includes("--allow-software"),
    skipTorch: args.includes("--skip-torch"),
    images: value("--images"),
    trainPerClass: positive("--train", 1000),
    epochs: positive("--epochs", 5),
    seeds: positive("--seeds", 3),
    engine: value("--engine") ?? "webgpu",
    cases: parseCases(value("--cases") ?? DEFAULT_CASES),
  };
}

/** The WebGPU adapter's description, or the reason there is no hardware one. */
async function describeAdapter(): Promise<{ description: string; software: boolean } | string> {
  const gpu = (navigator as Navigator & { gpu?: GPU }).gpu;
  if (gpu === undefined) return "this Deno has no navigator.gpu";
  const adapter = await gpu.requestAdapter({ powerPreference: "high-performance" });
  if (adapter === null) {
    return "navigator.gpu found no adapter (is the Vulkan loader libvulkan.so.1 installed, " +
      "and the NVIDIA driver's Vulkan ICD json in /usr/share/vulkan/icd.d or VK_DRIVER_FILES?)";
  }
  const info = adapter.info as GPUAdapterInfo & { isFallbackAdapter?: boolean };
  const description = [info.vendor, info.architecture, info.device, info.description]
    .filter((part) => part !== "" && part !== undefined).join(" / ");
  const software = info.isFallbackAdapter === true ||
    /llvmpipe|lavapipe|softpipe|swiftshader/i.test(info.description);
  const features = [...adapter.features].includes("timestamp-query")
    ? "timestamp-query supported"
    : "no timestamp-query (kernel times in the profile will read 0)";
  return { description: `${description}; ${features}`, software };
}

/** Calls and CPU milliseconds of `GPUQueue.submit` since the last {@link countSubmits} reset. */
const submits = { calls: 0, ms: 0 };

/**
 * Counts the WebGPU backend's queue submissions and the CPU time they take,
 * to tell a launch-bound step (CPU) from a GPU-bound one.
 */
function countSubmits(): void {
  const queue = (tf.backend() as unknown as { device: GPUDevice }).device.queue;
  const submit = queue.submit.bind(queue);
  queue.submit = (commandBuffers: GPUCommandBuffer[]) => {
    const started = performance.now();
    submit(commandBuffers);
    submits.ms += performance.now() - started;
    submits.calls++;
  };
}

/** Distinct batches a training-loop measurement cycles through, uploaded one per step. */
const BATCH_POOL = 4;

/**
 * The series' CNN (Adam, binary cross-entropy) and `launch`, which queues one
 * training step and returns its loss unread. With `freshBatches` each step
 * uploads its images from a CPU array, as training does; else one batch stays
 * on the GPU.
 */
function makeStep(
  size: number,
  batch: number,
  freshBatches: boolean,
): { launch: () => tf.Scalar; dispose: () => void } {
  const model = buildSimpleCnn({ imageSize: size, seed: 0 });
  const optimizer = adam(1e-3);
  const variables = model.trainableWeights.map((weight) => weight.read() as tf.Variable);
  const shape: Shape4D = [batch, size, size, 3];
  const pool = Array.from({ length: freshBatches ? BATCH_POOL : 1 }, (_, i) => {
    const random = createRandom(1 + i);
    return Float32Array.from({ length: batch * size * size * 3 }, () => random.next());
  });
  const fixedX = freshBatches ? undefined : tf.tensor4d(pool[0], shape);
  const y = tf.cast(tf.randomUniform([batch, 1], 0, 2, "int32", 2), "float32");
  let steps = 0;
  return {
    launch: () => {
      const x = fixedX ?? tf.tensor4d(pool[steps % pool.length], shape);
      steps++;
      const loss = optimizer.minimize(
        () => weightedBinaryCrossEntropy(y, model.apply(x, { training: true }) as tf.Tensor),
        true,
        variables,
      )!;
      if (x !== fixedX) x.dispose();
      return loss;
    },
    dispose: () => {
      tf.dispose([fixedX, y].filter((t) => t !== undefined));
      optimizer.dispose();
      model.dispose();
    },
  };
}

/** Training speed of one case, and where a step's time went. */
interface Throughput {
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
 * ran before lib/training/running_loss.ts, and how the issue's 121 images/s was
 * measured). "training": what `trainModel` does now: each step uploads a
 * fresh batch and losses are read in groups (lib/training/running_loss.ts), the clock
 * stopping when the last loss is read.
 */
async function throughput(
  size: number,
  batch: number,
  seconds: number,
  mode: "every step" | "training",
): Promise<Throughput> {
  const { launch, dispose } = makeStep(size, batch, mode === "training");
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
function describeThroughput(result: Throughput): string {
  return `${result.imagesPerSecond.toFixed(1)} images/s (per step: ${
    result.launchMs.toFixed(1)
  } ms launching, of it ${result.submitMs.toFixed(1)} in ${
    result.submitsPerStep.toFixed(1)
  } submits; ${result.waitMs.toFixed(1)} ms waiting)`;
}

type Shape4D = [number, number, number, number];

/** The three convolutions of the series' CNN at `size` px: input shape and filter shape. */
function convLayers(size: number, batch: number) {
  return [
    { name: "conv1", xShape: [batch, size, size, 3], filterShape: [3, 3, 3, 32] },
    { name: "conv2", xShape: [batch, size / 2, size / 2, 32], filterShape: [3, 3, 32, 64] },
    { name: "conv3", xShape: [batch, size / 4, size / 4, 64], filterShape: [3, 3, 64, 128] },
  ] as { name: string; xShape: Shape4D; filterShape: Shape4D }[];
}

const SAME_PADDING = { strides: 1, pad: "same", dataFormat: "NHWC" } as const;

/** Max |a - b| relative to max |b|. */
function relativeDifference(a: Float32Array, b: Float32Array): number {
  let difference = 0;
  let scale = 0;
  for (let i = 0; i < a.length; i++) {
    difference = Math.max(difference, Math.abs(a[i] - b[i]));
    scale = Math.max(scale, Math.abs(b[i]));
  }
  return difference / (scale || 1);
}

/**
 * The chunked filter gradient on WebGPU against the cpu backend (batch 2) and
 * against the stock WebGPU kernel (batch 32), for each layer at `size` px.
 * Returns false when any differs by more than 1e-4 relative.
 */
async function checkChunkedKernel(size: number): Promise<boolean> {
  let ok = true;
  const gradient = (x: tf.Tensor4D, dy: tf.Tensor4D, filterShape: number[]) =>
    tf.engine().runKernel(tf.Conv2DBackpropFilter, { x, dy }, {
      ...SAME_PADDING,
      filterShape,
    }) as tf.Tensor;
  for (const batch of [2, 32]) {
    for (const layer of convLayers(size, batch)) {
      const dyShape = [...layer.xShape.slice(0, 3), layer.filterShape[3]] as Shape4D;
      const x = tf.randomNormal(layer.xShape, 0, 1, "float32", 3);
      const dy = tf.randomNormal(dyShape, 0, 1, "float32", 4);
      const [xValues, dyValues] = [await x.data(), await dy.data()] as Float32Array[];
      registerWebGpuTrainingKernels();
      const chunked = gradient(x as tf.Tensor4D, dy as tf.Tensor4D, layer.filterShape);
      const chunkedValues = await chunked.data() as Float32Array;
      let reference: Float32Array;
      let against: string;
      if (batch === 2) {
        await tf.setBackend("cpu");
        const cpuResult = tf.tidy(() =>
          gradient(
            tf.tensor4d(xValues, layer.xShape),
            tf.tensor4d(dyValues, dyShape),
            layer.filterShape,
          )
        );
        reference = await cpuResult.data() as Float32Array;
        cpuResult.dispose();
        against = "cpu backend's kernel";
        await tf.setBackend("webgpu");
      } else {
        useStockWebGpuKernels();
        const stockResult = gradient(x as tf.Tensor4D, dy as tf.Tensor4D, layer.filterShape);
        reference = await stockResult.data() as Float32Array;
        stockResult.dispose();
        registerWebGpuTrainingKernels();
        against = "stock webgpu kernel";
      }
      const difference = relativeDifference(chunkedValues, reference);
      if (!(difference <= 1e-4)) ok = false;
      console.log(
        `  ${layer.name} x ${layer.xShape.join("x")}: chunked webgpu vs ${against}: ` +
          `max relative difference ${difference.toExponential(2)} ${
            difference <= 1e-4 ? "ok" : "TOO LARGE"
          }`,
      );
      tf.dispose([x, dy, chunked]);
    }
  }
  return ok;
}

/**
 * The kernels whose results are exact, at the largest case's sizes: hashed
 * dropout (on the first dropout layer's input) and im2col (on the first
 * layer's input) against their JavaScript definitions, element for element.
 * Returns false on any difference.
 */
async function checkExactKernels({ size, batch }: Case): Promise<boolean> {
  const shape: Shape4D = [batch, size / 8, size / 8, 128];
  const size4 = shape.reduce((a, b) => a * b);
  const x = tf.randomUniform(shape, -1, 1, "float32", 5);
  const values = await x.data() as Float32Array;
  const attrs = { rate: 0.15, seed: 12345, call: 7 };
  const dropped = hashedDropout(x, attrs);
  const droppedValues = await dropped.data();
  const multipliers = hashedDropoutMultipliers(size4, attrs);
  let dropoutDifferences = 0;
  for (let i = 0; i < size4; i++) {
    if (droppedValues[i] !== Math.fround(values[i] * multipliers[i])) dropoutDifferences++;
  }
  const image: Shape4D = [Math.min(batch, 4), size, size, 3];
  const images = tf.randomUniform(image, 0, 1, "float32", 6) as tf.Tensor4D;
  const im2colAttrs = {
    filterHeight: 3,
    filterWidth: 3,
    strideHeight: 1,
    strideWidth: 1,
    padTop: 1,
    padLeft: 1,
    outHeight: size,
    outWidth: size,
    firstImage: 0,
    images: image[0],
    rows: image[0] * size * size + 7,
  };
  const patchMatrix = im2col(images, im2colAttrs);
  const patches = await patchMatrix.data();
  const expected = im2colValues(await images.data() as Float32Array, image, im2colAttrs);
  const im2colDifferences = expected.reduce((n, v, i) => n + (v === patches[i] ? 0 : 1), 0);
  for (
    const [name, differences, total] of [
      [`hashed dropout ${shape.join("x")}`, dropoutDifferences, size4],
      [`im2col of ${image.join("x")}`, im2colDifferences, expected.length],
    ] as const
  ) {
    console.log(
      `  ${name} vs its JavaScript definition: ${differences} of ${total} elements differ ${
        differences === 0 ? "ok" : "WRONG"
      }`,
    );
  }
  tf.dispose([x, dropped, images, patchMatrix]);
  return dropoutDifferences === 0 && im2colDifferences === 0;
}

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
    return timings.sort((a, b) => a - b)[1];
  };
  useStockUploads(backend);
  const stock = await timeUploads();
  useQueuedUploads(backend);
  const queued = await timeUploads();
  return { stock, queued };
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
  return timings.sort((a, b) => a - b)[1];
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
  return timings.sort((a, b) => a - b)[1];
}

/**
 * Wall-clock milliseconds of each convolution kernel of the network at `size`
 * px: forward, input gradient, and filter gradient stock and chunked (with
 * 256, 1024 (the registered default) and 4096 rows per chunk).
 */
async function convolutionKernelTimes(
  size: number,
  batch: number,
): Promise<void> {
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

/** Per-kernel profile of one training step: the 15 kernels taking the most time. */
async function profileStep({ size, batch }: Case, label: string): Promise<void> {
  const { launch, dispose } = makeStep(size, batch, false);
  for (let i = 0; i < 2; i++) await launch().data();
  const started = performance.now();
  const profile = await tf.profile(async () => {
    await launch().data();
  });
  const wallMs = performance.now() - started;
  const byName = new Map<string, { calls: number; ms: number }>();
  for (const kernel of profile.kernels) {
    const ms = typeof kernel.kernelTimeMs === "number" ? kernel.kernelTimeMs : 0;
    const entry = byName.get(kernel.name) ?? { calls: 0, ms: 0 };
    entry.calls++;
    entry.ms += ms;
    byName.set(kernel.name, entry);
  }
  const rows = [...byName.entries()].sort((a, b) => b[1].ms - a[1].ms).slice(0, 15);
  const slowest = profile.kernels
    .filter((kernel) => typeof kernel.kernelTimeMs === "number")
    .sort((a, b) => (b.kernelTimeMs as number) - (a.kernelTimeMs as number)).slice(0, 5);
  console.log(
    `\nProfile of one ${size}x${size} batch-${batch} training step, ${label}: ${profile.kernels.length} ` +
      `kernels recorded (GPU time per kernel from timestamp queries; wall time of the profiled step ` +
      `${wallMs.toFixed(0)} ms):`,
  );
  console.log("  kernel                          calls   total ms");
  for (const [name, entry] of rows) {
    console.log(
      `  ${name.padEnd(30)}  ${String(entry.calls).padStart(5)}  ${
        entry.ms.toFixed(2).padStart(9)
      }`,
    );
  }
  console.log("  slowest single calls:");
  for (const kernel of slowest) {
    console.log(
      `    ${kernel.name} inputs ${JSON.stringify(kernel.inputShapes)}: ${
        (kernel.kernelTimeMs as number).toFixed(2)
      } ms`,
    );
  }
  console.log(
    "  (a chunked Conv2DBackpropFilter is listed as the kernels it runs: Im2Col, Slice, " +
      "PadV2, BatchMatMul; Identity and Reshape launch nothing)",
  );
  dispose();
}

/** PyTorch CUDA's images per second for each case, or the reason it could not run. */
async function torchResults(
  seconds: number,
  cases: Case[],
): Promise<Map<string, number> | string> {
  const script = fileURLToPath(new URL("./gpu_bench_torch.py", import.meta.url));
  const python = Deno.env.get("PYTHON") || "python3";
  let output: Deno.CommandOutput;
  try {
    output = await new Deno.Command(python, {
      args: [script, String(seconds), ...cases.map(({ size, batch }) => `${size}x${batch}`)],
      stdout: "piped",
      stderr: "piped",
    }).output();
  } catch (error) {
    return `${python} could not start (${
      (error as Error).message
    }); set PYTHON to an interpreter with torch`;
  }
  const stdout = new TextDecoder().decode(output.stdout);
  const stderr = new TextDecoder().decode(output.stderr).trim();
  if (stdout.trim() !== "") console.log(stdout.trim());
  const results = new Map<string, number>();
  for (
    const match of stdout.matchAll(/torch_cuda size=(\d+) batch=(\d+) images_per_second=([\d.]+)/g)
  ) {
    results.set(`${match[1]}x${match[2]}`, Number(match[3]));
  }
  if (!output.success || results.size === 0) {
    return `${script} failed: ${stderr.split("\n").slice(-3).join(" | ") || "no result lines"}`;
  }
  return results;
}

/**
 * The convergence check: trains the CNN on real images (Adam 1e-3, batch 32)
 * once per seed with the training loop of the library's `trainModel`
 * (lib/training/running_loss.ts's `runEpoch`; no validation, callbacks or progress
 * bar), the same on every engine, and prints each run's epoch
 * losses, test accuracy and training speed, then the accuracies' mean and
 * standard deviation.
 */
async function convergence(options: Options, engine: string): Promise<void> {
  const images = await loadImageFolder(options.images!);
  const byClass = images.classNames.map((_, label) =>
    [...images.labels.keys()].filter((index) => images.labels[index] === label)
  );
  const train = byClass.map((indices) => indices.slice(0, options.trainPerClass));
  const test = byClass.flatMap((indices) =>
    indices.slice(options.trainPerClass, options.trainPerClass + 500)
  );
  if (byClass.some((indices) => indices.length <= options.trainPerClass)) {
    throw new Error(
      `${options.images} has too few images: each class needs more than --train ${options.trainPerClass}.`,
    );
  }
  const accuracies: number[] = [];
  for (let seed = 0; seed < options.seeds; seed++) {
    accuracies.push(await convergenceRun(images, train, test, seed, options.epochs, engine));
  }
  const mean = accuracies.reduce((a, b) => a + b, 0) / accuracies.length;
  const sd = Math.sqrt(
    accuracies.reduce((sum, a) => sum + (a - mean) ** 2, 0) / Math.max(1, accuracies.length - 1),
  );
  console.log(
    `convergence engine=${engine}: test accuracy mean ${mean.toFixed(4)}, sd ${sd.toFixed(4)} ` +
      `over ${accuracies.length} seeds`,
  );
}

/** One training run of the convergence check; returns its test accuracy. */
async function convergenceRun(
  images: Awaited<ReturnType<typeof loadImageFolder>>,
  train: number[][],
  test: number[],
  seed: number,
  epochs: number,
  engine: string,
): Promise<number> {
  const stream = prepareDataset(images, train, { seed, batchSize: 32 });
  const model = buildSimpleCnn({ imageSize: [images.height, images.width], seed });
  const started = performance.now();
  const optimizer = adam(1e-3);
  const variables = model.trainableWeights.map((weight) => weight.read() as tf.Variable);
  const losses: number[] = [];
  for (let epoch = 1; epoch <= epochs; epoch++) {
    losses.push(
      await runEpoch(stream.batches(epoch), (batch) => {
        const loss = optimizer.minimize(
          () =>
            weightedBinaryCrossEntropy(
              batch.y,
              model.apply(batch.x, { training: true }) as tf.Tensor,
            ),
          true,
          variables,
        ) as tf.Scalar;
        tf.dispose([batch.x, batch.y]);
        return { loss, examples: batch.indices.length };
      }, () => Promise.resolve()),
    );
  }
  const trainingSeconds = (performance.now() - started) / 1000;
  const probabilities = await predictProbabilities(model, { source: images, indices: test });
  const correct =
    test.filter((index, row) => (probabilities[row] >= 0.5 ? 1 : 0) === images.labels[index])
      .length;
  console.log(
    `convergence engine=${engine} seed=${seed} images=${images.height}x${images.width} ` +
      `train=${stream.size} test=${test.length} epochs=${epochs}: epoch losses ${
        losses.map((loss) => loss.toFixed(4)).join(" ")
      }, test accuracy ${(correct / test.length).toFixed(4)}; training ${
        trainingSeconds.toFixed(1)
      } s (${(stream.size * epochs / trainingSeconds).toFixed(0)} images/s)`,
  );
  optimizer.dispose();
  model.dispose();
  return correct / test.length;
}

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
const adapter = await describeAdapter();
if (typeof adapter === "string" || (adapter.software && !options.allowSoftware)) {
  console.error(
    `No hardware WebGPU adapter: ${
      typeof adapter === "string" ? adapter : `only the software renderer ${adapter.description}`
    }. This benchmark needs an NVIDIA (or other) GPU with Vulkan; pass --allow-software to ` +
      "run it on a software renderer anyway (very slow).",
  );
  Deno.exit(2);
}
console.log(`WebGPU adapter: ${adapter.description}`);
await selectEngine({ backend: "webgpu" });

console.log("\nThis project's kernels against reference kernels:");
const largest = options.cases.reduce((
  a,
  b,
) => (b.size * b.size * b.batch > a.size * a.size * a.batch ? b : a));
const correct = await checkChunkedKernel(largest.size) && await checkExactKernels(largest);

console.log(
  `\nLaunch cost: ${(await launchOverheadMs()).toFixed(3)} ms per kernel ` +
    "(500 element-wise kernels on 4,096 floats in a row, median of 3 rounds)",
);

registerWebGpuTrainingKernels();
for (const { size, batch } of options.cases) {
  const { stock, queued } = await uploadMs(size, batch);
  const megabytes = (batch * size * size * 3 * 4) / 1e6;
  console.log(
    `Upload of one ${size}x${size} batch of ${batch} (${
      megabytes.toFixed(1)
    } MB float32) and one ` +
      `kernel using it: tfjs's own ${stock.toFixed(2)} ms, queued (lib/engine/webgpu/upload.ts) ` +
      `${queued.toFixed(2)} ms`,
  );
}

countSubmits();
/** The measurements of one case, in the order they run. */
interface CaseResults {
  stockEveryStep: Throughput;
  projectEveryStep: Throughput;
  stockTraining: Throughput;
  projectTraining: Throughput;
}
const tfjs = new Map<string, CaseResults>();
for (const { size, batch } of options.cases) {
  useStockWebGpuKernels();
  const stockEveryStep = await throughput(size, batch, options.seconds, "every step");
  const stockTraining = await throughput(size, batch, options.seconds, "training");
  registerWebGpuTrainingKernels();
  const projectEveryStep = await throughput(size, batch, options.seconds, "every step");
  const projectTraining = await throughput(size, batch, options.seconds, "training");
  tfjs.set(`${size}x${batch}`, {
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

console.log(
  `\nWhat each project kernel adds at ${largest.size}x${largest.size}, batch ${largest.batch} ` +
    "(training loop, all project kernels but one):",
);
for (const [label, leaveOut] of ABLATIONS) {
  const putBack = leaveOut();
  const result = await throughput(largest.size, largest.batch, options.seconds, "training");
  putBack();
  console.log(`  without ${label}: ${describeThroughput(result)}`);
}

const defaultSubmitBatch = tf.env().getNumber("WEBGPU_DEFERRED_SUBMIT_BATCH_SIZE");
console.log(
  `\nKernels per queue submission (tfjs's WEBGPU_DEFERRED_SUBMIT_BATCH_SIZE, default ${defaultSubmitBatch}) ` +
    `at ${largest.size}x${largest.size}, batch ${largest.batch}, training loop:`,
);
for (const kernelsPerSubmit of [5, 50, 200]) {
  tf.env().set("WEBGPU_DEFERRED_SUBMIT_BATCH_SIZE", kernelsPerSubmit);
  const result = await throughput(largest.size, largest.batch, options.seconds, "training");
  console.log(`  ${kernelsPerSubmit}: ${describeThroughput(result)}`);
}
tf.env().set("WEBGPU_DEFERRED_SUBMIT_BATCH_SIZE", defaultSubmitBatch);

for (const { size, batch } of options.cases) {
  await convolutionKernelTimes(size, batch);
}
useStockWebGpuKernels();
await profileStep(largest, "stock tfjs webgpu kernels");
registerWebGpuTrainingKernels();
await profileStep(largest, "this project's kernels");

if (options.images !== undefined) await convergence(options, "webgpu (project kernels)");

const torch = options.skipTorch
  ? "skipped (--skip-torch)"
  : await torchResults(options.seconds, options.cases);
console.log(
  "\n| case | stock kernels, loss read every step | project kernels, loss read every step | " +
    "project kernels, training loop | PyTorch CUDA | training loop / PyTorch |",
);
console.log("| --- | --- | --- | --- | --- | --- |");
for (const { size, batch } of options.cases) {
  const key = `${size}x${batch}`;
  const { stockEveryStep, projectEveryStep, projectTraining } = tfjs.get(key)!;
  const torchRate = typeof torch === "string" ? undefined : torch.get(key);
  const rates = [stockEveryStep, projectEveryStep, projectTraining].map((result) =>
    result.imagesPerSecond.toFixed(0)
  );
  console.log(
    `| ${size}x${size} px, batch ${batch} | ${rates.join(" | ")} | ${
      torchRate?.toFixed(0) ?? "-"
    } | ${
      torchRate === undefined ? "-" : (projectTraining.imagesPerSecond / torchRate).toFixed(3)
    } |`,
  );
}
if (typeof torch === "string") console.log(`PyTorch: ${torch}`);
console.log(`(images/s of training; ${options.seconds} s per measurement)`);
if (!correct) {
  console.error("A project kernel disagreed with its reference (see above).");
  Deno.exit(1);
}
