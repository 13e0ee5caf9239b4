/**
 * `Conv2DBackpropInput` for the tfjs `wasm` backend, replacing its own kernel:
 * that one is a plain C++ loop, single-threaded and without SIMD, and took
 * about two thirds of a training step of the series' CNN.
 *
 * The input gradient of a stride-`s` convolution is itself a convolution: the
 * output gradient, dilated by `s` (zeros between its rows and columns) and
 * padded by the filter size minus the forward padding, convolved with the
 * filter turned by 180 degrees and with its in/out channel axes swapped. That
 * runs on wasm's XNNPACK `Conv2D` kernel (SIMD, threaded when threads are on),
 * which pads by itself; the turned filter is written in one pass on the heap.
 */
import * as tf from "@tensorflow/tfjs";
import { borrowTensor4D } from "./borrow_tensor.ts";
import { writeHeapTensor } from "./wasm_heap.ts";
import {
  channelsLast,
  channelsLastConvInfo,
  type Conv2DBackpropInputAttrs,
} from "../conv2d_gradient_attrs.ts";

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

/** Removes `-before`/`-after` rows (axis 1) or columns (axis 2) where those amounts are negative. */
function cropNegative(x: tf.Tensor4D, axis: 1 | 2, before: number, after: number): tf.Tensor4D {
  const cropBefore = Math.max(0, -before);
  const cropAfter = Math.max(0, -after);
  if (cropBefore === 0 && cropAfter === 0) return x;
  const begin = [0, 0, 0, 0];
  const size = [...x.shape];
  begin[axis] = cropBefore;
  size[axis] -= cropBefore + cropAfter;
  return tf.slice(x, begin, size);
}

/** Writes `filter` ([h, w, in, out]) turned by 180 degrees with in/out swapped: [h, w, out, in]. */
export function writeTurnedFilter(
  turned: Float32Array,
  filter: Float32Array,
  [height, width, inChannels, outChannels]: number[],
): void {
  for (let i = 0; i < height; i++) {
    for (let j = 0; j < width; j++) {
      const sourceAt = ((height - 1 - i) * width + (width - 1 - j)) * inChannels * outChannels;
      const targetAt = (i * width + j) * outChannels * inChannels;
      for (let c = 0; c < inChannels; c++) {
        for (let o = 0; o < outChannels; o++) {
          turned[targetAt + o * inChannels + c] = filter[sourceAt + c * outChannels + o];
        }
      }
    }
  }
}

/**
 * Gradient of `conv2d(x, filter)` with respect to `x`, given the output
 * gradient `dy` and `filter` on the wasm `backend`; returns a tensor of shape
 * `attrs.inputShape`.
 */
export function conv2dBackpropInput(
  dy: tf.Tensor4D,
  filter: tf.Tensor4D,
  attrs: Conv2DBackpropInputAttrs,
  backend: tf.KernelBackend,
): tf.Tensor4D {
  return tf.tidy(() => {
    const channelsFirst = attrs.dataFormat === "NCHW";
    const dyNhwc = channelsLast(dy, attrs);
    const [n, c, h, w] = attrs.inputShape;
    const inputShape: [number, number, number, number] = channelsFirst
      ? [n, h, w, c]
      : attrs.inputShape;
    const convInfo = channelsLastConvInfo(inputShape, filter.shape, attrs);
    const [filterHeight, filterWidth] = filter.shape;
    const [, inHeight, inWidth] = inputShape;
    const [, outHeight, outWidth] = dyNhwc.shape;
    const { top, left } = convInfo.padInfo;
    const { strideHeight, strideWidth } = convInfo;
    const padTop = filterHeight - 1 - top;
    const padBottom = inHeight + top - (outHeight - 1) * strideHeight - 1;
    const padLeft = filterWidth - 1 - left;
    const padRight = inWidth + left - (outWidth - 1) * strideWidth - 1;
    const spread = cropNegative(
      cropNegative(dilate(dilate(dyNhwc, 1, strideHeight), 2, strideWidth), 1, padTop, padBottom),
      2,
      padLeft,
      padRight,
    );
    const turnedFilter = writeHeapTensor(
      backend,
      [filterHeight, filterWidth, filter.shape[3], filter.shape[2]],
      [filter],
      (turned, values) => writeTurnedFilter(turned, values, filter.shape),
    ) as tf.Tensor4D;
    const dx = tf.conv2d(spread, turnedFilter, 1, [
      [0, 0],
      [Math.max(0, padTop), Math.max(0, padBottom)],
      [Math.max(0, padLeft), Math.max(0, padRight)],
      [0, 0],
    ]);
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
        backend as tf.KernelBackend,
      )
    );
  },
};
