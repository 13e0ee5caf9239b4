/** The conv2d gradient kernels' attributes read in NHWC terms (lib/engine/conv2d_gradient_attrs.ts). */
import * as tf from "@tensorflow/tfjs";
import assert from "node:assert/strict";
import { channelsLast, channelsLastConvInfo } from "../../lib/engine/conv2d_gradient_attrs.ts";

await tf.setBackend("cpu");

Deno.test("channelsLast transposes NCHW tensors and passes NHWC ones through", () => {
  const nchw = tf.tensor4d([1, 2, 3, 4, 5, 6, 7, 8], [1, 2, 2, 2]);
  const nhwc = channelsLast(nchw, { strides: 1, pad: "valid", dataFormat: "NCHW" });
  assert.deepEqual(nhwc.shape, [1, 2, 2, 2]);
  assert.deepEqual(Array.from(nhwc.dataSync()), [1, 5, 2, 6, 3, 7, 4, 8]);
  assert.equal(channelsLast(nchw, { strides: 1, pad: "valid", dataFormat: "NHWC" }), nchw);
  tf.dispose([nchw, nhwc]);
});

Deno.test("channelsLastConvInfo gives tfjs's output size and padding for strides and pads", () => {
  const same = channelsLastConvInfo([2, 11, 10, 3], [3, 3, 3, 5], {
    strides: 2,
    pad: "same",
    dataFormat: "NHWC",
  });
  assert.deepEqual([same.outHeight, same.outWidth, same.outChannels], [6, 5, 5]);
  assert.deepEqual([same.padInfo.top, same.padInfo.left], [1, 0]);
  const valid = channelsLastConvInfo([1, 9, 7, 4], [5, 3, 4, 6], {
    strides: [2, 3],
    pad: "valid",
    dataFormat: "NHWC",
  });
  assert.deepEqual([valid.outHeight, valid.outWidth, valid.strideHeight, valid.strideWidth], [
    3,
    2,
    2,
    3,
  ]);
});
