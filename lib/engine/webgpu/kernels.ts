/**
 * A faster `Conv2DBackpropFilter` for the tfjs `webgpu` backend (4.22.0).
 *
 * The stock WebGPU kernel runs one GPU thread per filter weight, and each
 * thread loops over the whole batch and image: for the series' first layer at
 * 128x128 px and batch 32 that is 864 threads of 524,288 steps each, which
 * leaves a big GPU almost idle and made training 100 times slower than PyTorch.
 *
 * Here the filter gradient is a matrix product, `im2col(x)ᵀ · dy`, whose long
 * shared dimension (batch x output rows x output columns) is cut into chunks:
 * one batched product gives a partial gradient per chunk, in parallel, and a
 * product with a row of ones sums them. The patch matrix comes from one
 * im2col kernel (lib/engine/webgpu/im2col.ts); the rest are stock tfjs ops, so the same code
 * runs, and is tested against the stock kernel, on the `cpu` backend.
 */
import * as tf from "@tensorflow/tfjs";
import { borrowTensor4D } from "../wasm/borrow_tensor.ts";
import { im2col } from "./im2col.ts";
import { webGpuHashedDropoutConfig } from "./dropout.ts";
import { webGpuAdamMomentConfig, webGpuAdamValueConfig } from "./adam.ts";
import { useQueuedUploads, useStockUploads } from "./upload.ts";
import type { WebGPUBackend } from "@tensorflow/tfjs-backend-webgpu";
import {
  channelsLast,
  channelsLastConvInfo,
  type Conv2DBackpropFilterAttrs,
} from "../conv2d_gradient_attrs.ts";

/** How the filter gradient's work is cut up (the defaults suit an NVIDIA H200 and the series' CNN). */
export interface ChunkSizes {
  /** Rows of the shared dimension summed by one product of the batched product (default 1024). */
  rowsPerChunk?: number;
  /**
   * Most float32 elements of the im2col matrix built at once (default 16 Mi = 64 MiB, half of
   * WebGPU's default 128 MiB binding limit); larger batches are processed a block of images at a time.
   */
  maxPatchElements?: number;
}

/**
 * Gradient of `conv2d(x, filter)` with respect to `filter`, given `x` and the
 * output gradient `dy`, computed as chunked matrix products; returns a tensor
 * of shape `attrs.filterShape`. Tests pass small `sizes` to exercise the zero
 * padding of the last chunk and the image blocks.
 */
export function conv2dBackpropFilterByChunks(
  x: tf.Tensor4D,
  dy: tf.Tensor4D,
  attrs: Conv2DBackpropFilterAttrs,
  sizes: ChunkSizes = {},
): tf.Tensor4D {
  const rowsPerChunk = sizes.rowsPerChunk ?? 1024;
  const maxPatchElements = sizes.maxPatchElements ?? 16 * 1024 * 1024;
  for (const [name, value] of Object.entries({ rowsPerChunk, maxPatchElements })) {
    if (!(Number.isInteger(value) && value > 0)) {
      throw new Error(`${name} must be a whole number above 0, got ${value}.`);
    }
  }
  return tf.tidy(() => {
    const xNhwc = channelsLast(x, attrs);
    const dyNhwc = channelsLast(dy, attrs);
    const [filterHeight, filterWidth, inChannels, outChannels] = attrs.filterShape;
    const info = channelsLastConvInfo(xNhwc.shape, attrs.filterShape, attrs);
    const [batch] = xNhwc.shape;
    const [, outHeight, outWidth] = dyNhwc.shape;
    const tapLength = filterHeight * filterWidth * inChannels;

    /** The gradient's contribution of `images` images from `first`, as a [tapLength, outChannels] matrix. */
    const blockGradient = (first: number, images: number): tf.Tensor2D => {
      const rows = images * outHeight * outWidth;
      const chunkRows = Math.min(rowsPerChunk, rows);
      const chunks = Math.ceil(rows / chunkRows);
      // The input patch under each filter tap, zero rows rounding up to whole chunks.
      const patches = im2col(xNhwc as tf.Tensor4D, {
        filterHeight,
        filterWidth,
        strideHeight: info.strideHeight,
        strideWidth: info.strideWidth,
        padTop: info.padInfo.top,
        padLeft: info.padInfo.left,
        outHeight,
        outWidth,
        firstImage: first,
        images,
        rows: chunks * chunkRows,
      });
      const blockDy = images === batch
        ? dyNhwc
        : tf.slice(dyNhwc, [first, 0, 0, 0], [images, -1, -1, -1]);
      const gradients = blockDy.reshape([rows, outChannels]) as tf.Tensor2D;
      const paddedGradients = chunks * chunkRows === rows
        ? gradients
        : tf.pad(gradients, [[0, chunks * chunkRows - rows], [0, 0]]);
      const partial = tf.matMul(
        patches.reshape([chunks, chunkRows, tapLength]) as tf.Tensor3D,
        paddedGradients.reshape([chunks, chunkRows, outChannels]) as tf.Tensor3D,
        true,
        false,
      );
      if (chunks === 1) return partial.reshape([tapLength, outChannels]) as tf.Tensor2D;
      // The sum over chunks as a product with a row of ones: tfjs's Sum over a leading axis
      // transposes and then runs one workgroup per output element, hundreds of times slower.
      return tf.matMul(tf.ones([1, chunks]), partial.reshape([chunks, tapLength * outChannels]))
        .reshape([tapLength, outChannels]) as tf.Tensor2D;
    };

    const imagesPerBlock = Math.max(
      1,
      Math.floor(maxPatchElements / (outHeight * outWidth * tapLength)),
    );
    const blocks: tf.Tensor2D[] = [];
    for (let first = 0; first < batch; first += imagesPerBlock) {
      blocks.push(blockGradient(first, Math.min(imagesPerBlock, batch - first)));
    }
    return (blocks.length === 1 ? blocks[0] : tf.addN(blocks)).reshape(attrs.filterShape);
  });
}

/** Kernel registration of {@link conv2dBackpropFilterByChunks} on the `webgpu` backend. */
export const webGpuConv2dBackpropFilterConfig: tf.KernelConfig = {
  kernelName: tf.Conv2DBackpropFilter,
  backendName: "webgpu",
  kernelFunc: ({ inputs, attrs, backend }) => {
    const { x, dy } = inputs as { x: tf.TensorInfo; dy: tf.TensorInfo };
    return tf.tidy(() =>
      conv2dBackpropFilterByChunks(
        borrowTensor4D(x, backend as tf.KernelBackend),
        borrowTensor4D(dy, backend as tf.KernelBackend),
        attrs as unknown as Conv2DBackpropFilterAttrs,
      )
    );
  },
};

/** This project's `webgpu` kernels, in registration order. */
const projectKernels = [
  webGpuConv2dBackpropFilterConfig,
  webGpuHashedDropoutConfig,
  webGpuAdamMomentConfig,
  webGpuAdamValueConfig,
];

/** tfjs's own kernels that {@link registerWebGpuTrainingKernels} replaced, by kernel name. */
const replacedKernels = new Map<string, tf.KernelConfig>();

/** The `webgpu` backend if tfjs has initialised one (never starts one). */
function initialisedWebGpuBackend(): WebGPUBackend | undefined {
  const registry = (tf.engine() as unknown as { registry: Record<string, tf.KernelBackend> })
    .registry;
  return registry.webgpu as WebGPUBackend | undefined;
}

/**
 * Registers this project's `webgpu` training kernels: the chunked
 * matrix-product `Conv2DBackpropFilter` in place of the stock one, hashed
 * dropout (lib/engine/webgpu/dropout.ts) and fused Adam (lib/engine/webgpu/adam.ts), and,
 * once the backend is initialised, its uploads through `queue.writeBuffer`
 * (lib/engine/webgpu/upload.ts). Safe to call any number of times, before and after
 * the backend is initialised (call it again after, for the uploads; the
 * backend's package must be imported first, or its own registration would
 * replace these kernels).
 */
export function registerWebGpuTrainingKernels(): void {
  const backend = initialisedWebGpuBackend();
  if (backend !== undefined) useQueuedUploads(backend);
  for (const config of projectKernels) {
    const registered = tf.getKernel(config.kernelName, config.backendName);
    if (registered?.kernelFunc === config.kernelFunc) continue;
    if (registered !== undefined) {
      replacedKernels.set(config.kernelName, registered);
      tf.unregisterKernel(config.kernelName, config.backendName);
    }
    tf.registerKernel(config);
  }
}

/**
 * Undoes {@link registerWebGpuTrainingKernels}: tfjs's own `webgpu` kernels
 * and uploads again, `tf.dropout` masks made on the CPU and tfjs's Adam, so
 * the GPU benchmark can measure what this project's kernels gain.
 */
export function useStockWebGpuKernels(): void {
  const backend = initialisedWebGpuBackend();
  if (backend !== undefined) useStockUploads(backend);
  for (const config of projectKernels) {
    if (tf.getKernel(config.kernelName, config.backendName)?.kernelFunc !== config.kernelFunc) {
      continue;
    }
    tf.unregisterKernel(config.kernelName, config.backendName);
    const stock = replacedKernels.get(config.kernelName);
    if (stock !== undefined) tf.registerKernel(stock);
  }
}
