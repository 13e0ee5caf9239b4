/**
 * `Conv2DBackpropFilter` for the tfjs `wasm` backend, which ships without it
 * (so no convolutional network can train on wasm out of the box).
 *
 * The filter gradient of a stride-`s` convolution is itself a convolution:
 * swap the batch and channel axes of the (padded) input and of the output
 * gradient, then convolve the first with the second used as a filter dilated
 * by `s`. That runs on wasm's XNNPACK `Conv2D` kernel instead of a JS loop.
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
    const inputAsBatchOfChannels = tf.transpose(xPadded, [3, 1, 2, 0]);
    const outputGradAsFilter = tf.transpose(dyNhwc, [1, 2, 0, 3]);
    const gradient = tf.conv2d(
      inputAsBatchOfChannels,
      outputGradAsFilter,
      1,
      "valid",
      "NHWC",
      [convInfo.strideHeight, convInfo.strideWidth],
    );
    const cropped = tf.slice(gradient, [0, 0, 0, 0], [
      inChannels,
      filterHeight,
      filterWidth,
      outChannels,
    ]);
    return tf.transpose(cropped, [1, 2, 0, 3]);
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
