/**
 * `Conv2DBackpropFilter` for the tfjs `wasm` backend, which ships without it
 * (so no convolutional network can train on wasm out of the box).
 *
 * The filter gradient is one matrix product (im2col): row (i, j, c) of the
 * patch matrix holds input channel c at filter offset (i, j) for every output
 * position, and multiplying it by the output gradient (positions x output
 * channels) sums over batch and positions at once. That runs on wasm's
 * XNNPACK matrix product (through the BatchMatMul wrapper). Measured on the
 * series' CNN it is twice as fast as the equivalent convolution (input and
 * gradient with batch and channel axes swapped) for the 3-channel first layer
 * and as fast for the others.
 */
import * as tf from "@tensorflow/tfjs";
import { borrowTensor4D } from "./borrow_tensor.ts";

type Conv2DBackpropFilterAttrs = {
  strides: [number, number] | number;
  pad: "valid" | "same" | number | tf.backend_util.ExplicitPadding;
  dataFormat: "NHWC" | "NCHW";
  dimRoundingMode?: "floor" | "round" | "ceil";
  filterShape: [number, number, number, number];
};

/**
 * Gradient of `conv2d(x, filter)` with respect to `filter`, given `x` and the
 * output gradient `dy`; returns a tensor of shape `filterShape`.
 */
export function conv2dBackpropFilter(
  x: tf.Tensor4D,
  dy: tf.Tensor4D,
  attrs: Conv2DBackpropFilterAttrs,
): tf.Tensor4D {
  return tf.tidy(() => {
    const channelsFirst = attrs.dataFormat === "NCHW";
    const xNhwc = channelsFirst ? tf.transpose(x, [0, 2, 3, 1]) : x;
    const dyNhwc = channelsFirst ? tf.transpose(dy, [0, 2, 3, 1]) : dy;
    const [filterHeight, filterWidth, inChannels, outChannels] = attrs.filterShape;
    const convInfo = tf.backend_util.computeConv2DInfo(
      xNhwc.shape,
      attrs.filterShape,
      attrs.strides,
      1,
      attrs.pad,
      attrs.dimRoundingMode,
      false,
      "channelsLast",
    );
    const { top, left } = convInfo.padInfo;
    const [, inHeight, inWidth] = xNhwc.shape;
    const [, outHeight, outWidth] = dyNhwc.shape;
    // Rows/columns the forward pass read: beyond the input they were zeros.
    const neededHeight = (outHeight - 1) * convInfo.strideHeight + filterHeight;
    const neededWidth = (outWidth - 1) * convInfo.strideWidth + filterWidth;
    const xPadded = tf.pad(xNhwc, [
      [0, 0],
      [top, Math.max(0, neededHeight - inHeight - top)],
      [left, Math.max(0, neededWidth - inWidth - left)],
      [0, 0],
    ]);
    const { strideHeight, strideWidth } = convInfo;
    const batch = xNhwc.shape[0];
    const positions = batch * outHeight * outWidth;
    const inputByChannel = tf.transpose(xPadded, [3, 0, 1, 2]);
    const patchRows: tf.Tensor[] = [];
    for (let row = 0; row < filterHeight; row++) {
      for (let column = 0; column < filterWidth; column++) {
        const window = strideHeight === 1 && strideWidth === 1
          ? tf.slice(inputByChannel, [0, 0, row, column], [
            inChannels,
            batch,
            outHeight,
            outWidth,
          ])
          : tf.stridedSlice(inputByChannel, [0, 0, row, column], [
            inChannels,
            batch,
            row + (outHeight - 1) * strideHeight + 1,
            column + (outWidth - 1) * strideWidth + 1,
          ], [1, 1, strideHeight, strideWidth]);
        patchRows.push(tf.reshape(window, [inChannels, positions]));
      }
    }
    const patches = tf.concat(patchRows, 0);
    const gradient = tf.matMul(patches, tf.reshape(dyNhwc, [positions, outChannels]));
    return tf.reshape(gradient, attrs.filterShape);
  });
}

/** Kernel registration for `Conv2DBackpropFilter` on the `wasm` backend. */
export const conv2dBackpropFilterConfig: tf.KernelConfig = {
  kernelName: tf.Conv2DBackpropFilter,
  backendName: "wasm",
  kernelFunc: ({ inputs, attrs, backend }) => {
    const { x, dy } = inputs as { x: tf.TensorInfo; dy: tf.TensorInfo };
    return tf.tidy(() =>
      conv2dBackpropFilter(
        borrowTensor4D(x, backend as tf.KernelBackend),
        borrowTensor4D(dy, backend as tf.KernelBackend),
        attrs as unknown as Conv2DBackpropFilterAttrs,
      )
    );
  },
};
