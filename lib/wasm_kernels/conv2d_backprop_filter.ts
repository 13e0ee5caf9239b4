/**
 * `Conv2DBackpropFilter` for the tfjs `wasm` backend, which ships without it
 * (so no convolutional network can train on wasm out of the box).
 *
 * The filter gradient is one matrix product (im2col): row (i, j, c) of the
 * patch matrix holds input channel c at filter offset (i, j) for every output
 * position, and multiplying it by the output gradient (positions x output
 * channels) sums over batch and positions at once. The patch matrix is written
 * in one pass on the wasm heap (wasm's Slice kernel took four times longer to
 * cut it out); the product runs on XNNPACK (through the BatchMatMul wrapper).
 */
import * as tf from "@tensorflow/tfjs";
import { borrowTensor4D } from "./borrow_tensor.ts";
import { writeHeapTensor } from "./wasm_heap.ts";

type Conv2DBackpropFilterAttrs = {
  strides: [number, number] | number;
  pad: "valid" | "same" | number | tf.backend_util.ExplicitPadding;
  dataFormat: "NHWC" | "NCHW";
  dimRoundingMode?: "floor" | "round" | "ceil";
  filterShape: [number, number, number, number];
};

/**
 * Writes the patch matrix of NHWC input `x` for the convolution `info`:
 * shape [filterHeight * filterWidth * inChannels, batch * outHeight * outWidth],
 * zeros where a filter tap falls in the padding.
 */
export function writePatchMatrix(
  patches: Float32Array,
  x: Float32Array,
  info: tf.backend_util.Conv2DInfo,
): void {
  const { batchSize, inHeight, inWidth, inChannels, outHeight, outWidth } = info;
  const { strideHeight, strideWidth, filterHeight, filterWidth } = info;
  const { top, left } = info.padInfo;
  const positions = batchSize * outHeight * outWidth;
  const columnStep = strideWidth * inChannels;
  patches.fill(0);
  for (let b = 0; b < batchSize; b++) {
    for (let outRow = 0; outRow < outHeight; outRow++) {
      const firstPosition = (b * outHeight + outRow) * outWidth;
      for (let i = 0; i < filterHeight; i++) {
        const row = outRow * strideHeight + i - top;
        if (row < 0 || row >= inHeight) continue;
        const rowAt = (b * inHeight + row) * inWidth * inChannels;
        for (let j = 0; j < filterWidth; j++) {
          // Output columns whose tap (i, j) lands inside the input row.
          const firstColumn = Math.max(0, Math.ceil((left - j) / strideWidth));
          const endColumn = Math.min(
            outWidth,
            Math.floor((inWidth - 1 + left - j) / strideWidth) + 1,
          );
          const sourceAt = rowAt + (firstColumn * strideWidth + j - left) * inChannels;
          for (let c = 0; c < inChannels; c++) {
            const targetAt = ((i * filterWidth + j) * inChannels + c) * positions + firstPosition;
            for (
              let column = firstColumn, source = sourceAt + c;
              column < endColumn;
              column++, source += columnStep
            ) {
              patches[targetAt + column] = x[source];
            }
          }
        }
      }
    }
  }
}

/**
 * Gradient of `conv2d(x, filter)` with respect to `filter`, given `x` and the
 * output gradient `dy` on the wasm `backend`; returns a tensor of shape
 * `filterShape`.
 */
export function conv2dBackpropFilter(
  x: tf.Tensor4D,
  dy: tf.Tensor4D,
  attrs: Conv2DBackpropFilterAttrs,
  backend: tf.KernelBackend,
): tf.Tensor4D {
  return tf.tidy(() => {
    const channelsFirst = attrs.dataFormat === "NCHW";
    const xNhwc = channelsFirst ? tf.transpose(x, [0, 2, 3, 1]) : x;
    const dyNhwc = channelsFirst ? tf.transpose(dy, [0, 2, 3, 1]) : dy;
    const info = tf.backend_util.computeConv2DInfo(
      xNhwc.shape,
      attrs.filterShape,
      attrs.strides,
      1,
      attrs.pad,
      attrs.dimRoundingMode,
      false,
      "channelsLast",
    );
    const [filterHeight, filterWidth, inChannels, outChannels] = attrs.filterShape;
    const positions = info.batchSize * info.outHeight * info.outWidth;
    const patches = writeHeapTensor(
      backend,
      [filterHeight * filterWidth * inChannels, positions],
      [xNhwc],
      (output, input) => writePatchMatrix(output, input, info),
    );
    const gradient = tf.matMul(
      patches as tf.Tensor2D,
      tf.reshape(dyNhwc, [positions, outChannels]),
    );
    return tf.reshape(gradient, attrs.filterShape);
  });
}

/** Kernel registration for `Conv2DBackpropFilter` on the `wasm` backend. */
export const conv2dBackpropFilterConfig: tf.KernelConfig = {
  kernelName: tf.Conv2DBackpropFilter,
  backendName: "wasm",
  kernelFunc: ({ inputs, attrs, backend }) => {
    const { x, dy } = inputs as { x: tf.TensorInfo; dy: tf.TensorInfo };
    const kernelBackend = backend as tf.KernelBackend;
    return tf.tidy(() =>
      conv2dBackpropFilter(
        borrowTensor4D(x, kernelBackend),
        borrowTensor4D(dy, kernelBackend),
        attrs as unknown as Conv2DBackpropFilterAttrs,
        kernelBackend,
      )
    );
  },
};
