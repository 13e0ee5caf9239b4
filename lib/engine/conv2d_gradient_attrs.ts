/**
 * The attributes tfjs passes to the `Conv2DBackpropFilter` and
 * `Conv2DBackpropInput` kernels, and what they mean for a channels-last (NHWC)
 * computation: this project's gradient kernels (wasm and WebGPU) all work in
 * NHWC and read the convolution's geometry the same way.
 */
import * as tf from "@tensorflow/tfjs";

/** The attributes both conv2d gradient kernels receive. */
export interface Conv2DGradientAttrs {
  strides: [number, number] | number;
  pad: "valid" | "same" | number | tf.backend_util.ExplicitPadding;
  dataFormat: "NHWC" | "NCHW";
  dimRoundingMode?: "floor" | "round" | "ceil";
}

/** The attributes tfjs passes to a `Conv2DBackpropFilter` kernel. */
export interface Conv2DBackpropFilterAttrs extends Conv2DGradientAttrs {
  filterShape: [number, number, number, number];
}

/** The attributes tfjs passes to a `Conv2DBackpropInput` kernel. */
export interface Conv2DBackpropInputAttrs extends Conv2DGradientAttrs {
  inputShape: [number, number, number, number];
}

/** `x` in NHWC order: transposed from NCHW when `attrs.dataFormat` says so, else `x` itself. */
export function channelsLast(x: tf.Tensor4D, attrs: Conv2DGradientAttrs): tf.Tensor4D {
  return attrs.dataFormat === "NCHW" ? tf.transpose(x, [0, 2, 3, 1]) : x;
}

/**
 * tfjs's geometry (output size, strides, padding) of the convolution of an
 * NHWC input of `inputShape` with a filter of `filterShape` under `attrs`.
 */
export function channelsLastConvInfo(
  inputShape: [number, number, number, number],
  filterShape: [number, number, number, number],
  attrs: Conv2DGradientAttrs,
): tf.backend_util.Conv2DInfo {
  return tf.backend_util.computeConv2DInfo(
    inputShape,
    filterShape,
    attrs.strides,
    1,
    attrs.pad,
    attrs.dimRoundingMode,
    false,
    "channelsLast",
  );
}
