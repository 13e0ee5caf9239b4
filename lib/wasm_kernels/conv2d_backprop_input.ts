/**
 * `Conv2DBackpropInput` for the tfjs `wasm` backend, replacing its own kernel:
 * that one is a plain C++ loop, single-threaded and without SIMD, and took
 * about two thirds of a training step of the series' CNN.
 *
 * The input gradient of a stride-`s` convolution is itself a convolution: the
 * output gradient, dilated by `s` (zeros between its rows and columns) and
 * padded by the filter size minus the forward padding, convolved with the
 * filter turned by 180 degrees and with its in/out channel axes swapped. That
 * runs on wasm's XNNPACK `Conv2D` kernel (SIMD, threaded when threads are on).
 */
import * as tf from "@tensorflow/tfjs";
import { borrowTensor4D } from "./borrow_tensor.ts";

type Conv2DBackpropInputAttrs = {
  strides: [number, number] | number;
  pad: "valid" | "same" | number | tf.backend_util.ExplicitPadding;
  dataFormat: "NHWC" | "NCHW";
  dimRoundingMode?: "floor" | "round" | "ceil";
  inputShape: [number, number, number, number];
};

/** `x` with `stride - 1` zero rows (axis 1) or columns (axis 2) inserted between neighbours. */
function dilate(x: tf.Tensor4D, axis: 1 | 2, stride: number): tf.Tensor4D {
  if (stride === 1) return x;
  const [batch, height, width, channels] = x.shape;
  const spread = axis === 1
    ? [batch, height, 1, width, channels]
    : [batch, height, width, 1, channels];
  const padding: Array<[number, number]> = [[0, 0], [0, 0], [0, 0], [0, 0], [0, 0]];
  padding[axis + 1] = [0, stride - 1];
  const interleaved = tf.pad(tf.reshape(x, spread), padding);
  const size: [number, number, number, number] = axis === 1
    ? [batch, height * stride, width, channels]
    : [batch, height, width * stride, channels];
  const dilatedLength = (x.shape[axis] - 1) * stride + 1;
  const end: [number, number, number, number] = axis === 1
    ? [batch, dilatedLength, width, channels]
    : [batch, height, dilatedLength, channels];
  return tf.slice(tf.reshape(interleaved, size) as tf.Tensor4D, [0, 0, 0, 0], end);
}

/** Adds `before`/`after` zero rows (axis 1) or columns (axis 2); negative amounts crop instead. */
function padOrCrop(x: tf.Tensor4D, axis: 1 | 2, before: number, after: number): tf.Tensor4D {
  const cropBefore = Math.max(0, -before);
  const cropAfter = Math.max(0, -after);
  let result = x;
  if (cropBefore > 0 || cropAfter > 0) {
    const begin = [0, 0, 0, 0];
    const size = [...x.shape];
    begin[axis] = cropBefore;
    size[axis] -= cropBefore + cropAfter;
    result = tf.slice(result, begin, size);
  }
  if (before > 0 || after > 0) {
    const padding: Array<[number, number]> = [[0, 0], [0, 0], [0, 0], [0, 0]];
    padding[axis] = [Math.max(0, before), Math.max(0, after)];
    result = tf.pad(result, padding);
  }
  return result;
}

/**
 * Gradient of `conv2d(x, filter)` with respect to `x`, given the output
 * gradient `dy` and `filter`; returns a tensor of shape `attrs.inputShape`.
 */
export function conv2dBackpropInput(
  dy: tf.Tensor4D,
  filter: tf.Tensor4D,
  attrs: Conv2DBackpropInputAttrs,
): tf.Tensor4D {
  return tf.tidy(() => {
    const channelsFirst = attrs.dataFormat === "NCHW";
    const dyNhwc = channelsFirst ? tf.transpose(dy, [0, 2, 3, 1]) : dy;
    const [n, c, h, w] = attrs.inputShape;
    const inputShape: [number, number, number, number] = channelsFirst
      ? [n, h, w, c]
      : attrs.inputShape;
    const convInfo = tf.backend_util.computeConv2DInfo(
      inputShape,
      filter.shape,
      attrs.strides,
      1,
      attrs.pad,
      attrs.dimRoundingMode,
      false,
      "channelsLast",
    );
    const [filterHeight, filterWidth] = filter.shape;
    const [, inHeight, inWidth] = inputShape;
    const [, outHeight, outWidth] = dyNhwc.shape;
    const { top, left } = convInfo.padInfo;
    const { strideHeight, strideWidth } = convInfo;
    let spread = dilate(dilate(dyNhwc, 1, strideHeight), 2, strideWidth);
    spread = padOrCrop(
      spread,
      1,
      filterHeight - 1 - top,
      inHeight + top - (outHeight - 1) * strideHeight - 1,
    );
    spread = padOrCrop(
      spread,
      2,
      filterWidth - 1 - left,
      inWidth + left - (outWidth - 1) * strideWidth - 1,
    );
    const turnedFilter = tf.transpose(tf.reverse(filter, [0, 1]), [0, 1, 3, 2]);
    const dx = tf.conv2d(spread, turnedFilter as tf.Tensor4D, 1, "valid");
    return channelsFirst ? tf.transpose(dx, [0, 3, 1, 2]) : dx;
  });
}

/** Kernel registration for `Conv2DBackpropInput` on the `wasm` backend. */
export const conv2dBackpropInputConfig: tf.KernelConfig = {
  kernelName: tf.Conv2DBackpropInput,
  backendName: "wasm",
  kernelFunc: ({ inputs, attrs, backend }) => {
    const { dy, filter } = inputs as { dy: tf.TensorInfo; filter: tf.TensorInfo };
    return tf.tidy(() =>
      conv2dBackpropInput(
        borrowTensor4D(dy, backend as tf.KernelBackend),
        borrowTensor4D(filter, backend as tf.KernelBackend),
        attrs as unknown as Conv2DBackpropInputAttrs,
      )
    );
  },
};
