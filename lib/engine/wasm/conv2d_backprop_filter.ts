/**
 * `Conv2DBackpropFilter` for the tfjs `wasm` backend, which ships without it
 * (so no convolutional network can train on wasm out of the box).
 *
 * The filter gradient is one matrix product (im2col): row (i, j, c) of the
 * patch matrix holds input channel c at filter offset (i, j) for every output
 * position, and multiplying it by the output gradient (positions x output
 * channels) sums over batch and positions at once. The patch matrix is written
 * in one pass on the wasm heap by a WebAssembly loop (heap_loops.wat: wasm's
 * Slice kernel took four times longer to cut it out, a JavaScript loop 1.1 to
 * 1.8 times longer); the product runs on XNNPACK (through the BatchMatMul wrapper).
 */
import * as tf from "@tensorflow/tfjs";
import { borrowTensor4D } from "./borrow_tensor.ts";
import { heapLoops } from "./heap_loops.ts";
import { heapAddress, makeHeapOutput } from "./wasm_heap.ts";
import {
  channelsLast,
  channelsLastConvInfo,
  type Conv2DBackpropFilterAttrs,
} from "../conv2d_gradient_attrs.ts";

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
    const xNhwc = channelsLast(x, attrs);
    const dyNhwc = channelsLast(dy, attrs);
    const info = channelsLastConvInfo(xNhwc.shape, attrs.filterShape, attrs);
    const [filterHeight, filterWidth, inChannels, outChannels] = attrs.filterShape;
    const positions = info.batchSize * info.outHeight * info.outWidth;
    const patchesInfo = makeHeapOutput(backend, [
      filterHeight * filterWidth * inChannels,
      positions,
    ]);
    const patches = tf.engine().makeTensorFromTensorInfo(patchesInfo, backend);
    heapLoops(backend).patchMatrix(
      heapAddress(backend, xNhwc),
      heapAddress(backend, patchesInfo),
      info.batchSize,
      info.inHeight,
      info.inWidth,
      info.inChannels,
      info.outHeight,
      info.outWidth,
      info.strideHeight,
      info.strideWidth,
      info.filterHeight,
      info.filterWidth,
      info.padInfo.top,
      info.padInfo.left,
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
