/**
 * The chunked-matrix-product filter gradient (lib/engine/webgpu/kernels.ts) equals
 * the cpu backend's own `Conv2DBackpropFilter`: as plain tfjs ops on the cpu
 * backend (always), and as the registered `webgpu` kernel where a WebGPU
 * adapter exists, a software one included (skipped, saying so, elsewhere).
 */
import * as tf from "@tensorflow/tfjs";
import assert from "node:assert/strict";
import type { Conv2DBackpropFilterAttrs } from "../../../lib/engine/conv2d_gradient_attrs.ts";
import {
  type ChunkSizes,
  conv2dBackpropFilterByChunks,
  registerWebGpuTrainingKernels,
  useStockWebGpuKernels,
  webGpuConv2dBackpropFilterConfig,
} from "../../../lib/engine/webgpu/kernels.ts";
import { hasHashedDropout } from "../../../lib/engine/webgpu/dropout.ts";
import { hasFusedAdam } from "../../../lib/engine/webgpu/adam.ts";
import { randomValues } from "../../fixtures/random_values.ts";
import { whyNoWebGpu } from "../../fixtures/webgpu_adapter.ts";

interface FilterCase {
  name: string;
  xShape: [number, number, number, number];
  filterShape: [number, number, number, number];
  strides: number | [number, number];
  pad: Conv2DBackpropFilterAttrs["pad"];
  dataFormat?: "NHWC" | "NCHW";
}

const cases: FilterCase[] = [
  {
    name: "series layer 1",
    xShape: [2, 16, 16, 3],
    filterShape: [3, 3, 3, 8],
    strides: 1,
    pad: "same",
  },
  { name: "valid, 5x3", xShape: [3, 9, 7, 4], filterShape: [5, 3, 4, 6], strides: 1, pad: "valid" },
  {
    name: "stride 2, same",
    xShape: [2, 11, 10, 3],
    filterShape: [3, 3, 3, 5],
    strides: 2,
    pad: "same",
  },
  {
    name: "strides 2x3, pad 1",
    xShape: [2, 10, 12, 2],
    filterShape: [3, 2, 2, 4],
    strides: [2, 3],
    pad: 1,
  },
  { name: "1x1", xShape: [4, 5, 5, 6], filterShape: [1, 1, 6, 3], strides: 1, pad: "valid" },
  {
    name: "NCHW",
    xShape: [2, 3, 8, 8],
    filterShape: [3, 3, 3, 4],
    strides: 1,
    pad: "same",
    dataFormat: "NCHW",
  },
];

/** The case's input and output gradient, shaped for its data format. */
function inputsOf(c: FilterCase): { x: tf.Tensor4D; dy: tf.Tensor4D } {
  const dataFormat = c.dataFormat ?? "NHWC";
  const x = tf.tensor4d(randomValues(c.xShape.reduce((a, b) => a * b), 1), c.xShape);
  const outShape = tf.conv2d(x, tf.zeros(c.filterShape), c.strides, c.pad, dataFormat).shape;
  const dy = tf.tensor4d(randomValues(outShape.reduce((a, b) => a * b), 2), outShape);
  return { x, dy };
}

function attrsOf(c: FilterCase): Conv2DBackpropFilterAttrs {
  return {
    strides: c.strides,
    pad: c.pad,
    dataFormat: c.dataFormat ?? "NHWC",
    filterShape: c.filterShape,
  };
}

/** The reference: the active backend's stock `Conv2DBackpropFilter` kernel. */
function stockGradient(c: FilterCase, x: tf.Tensor4D, dy: tf.Tensor4D): tf.Tensor4D {
  return tf.engine().runKernel(tf.Conv2DBackpropFilter, { x, dy }, {
    ...attrsOf(c),
  } as unknown as tf.NamedAttrMap) as tf.Tensor4D;
}

function maxAbsDifference(a: Float32Array, b: Float32Array): number {
  assert.equal(a.length, b.length, "result sizes differ");
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i] - b[i]));
  return max;
}

/** Every case's gradient from `compute` on the cpu backend, as plain arrays. */
async function cpuResults(
  compute: (c: FilterCase, x: tf.Tensor4D, dy: tf.Tensor4D) => tf.Tensor4D,
): Promise<Float32Array[]> {
  await tf.setBackend("cpu");
  const results: Float32Array[] = [];
  for (const c of cases) {
    const result = tf.tidy(() => {
      const { x, dy } = inputsOf(c);
      return compute(c, x, dy);
    });
    assert.deepEqual(result.shape, c.filterShape, c.name);
    results.push(await result.data() as Float32Array);
    result.dispose();
  }
  return results;
}

Deno.test("chunked filter gradient equals the cpu kernel, with and without a padded last chunk or image blocks", async () => {
  const reference = await cpuResults(stockGradient);
  const settings: ChunkSizes[] = [{}, { rowsPerChunk: 7 }, { rowsPerChunk: 1 }, {
    rowsPerChunk: 5,
    maxPatchElements: 100,
  }];
  for (const sizes of settings) {
    const chunked = await cpuResults((c, x, dy) =>
      conv2dBackpropFilterByChunks(x, dy, attrsOf(c), sizes)
    );
    cases.forEach((c, i) => {
      const difference = maxAbsDifference(chunked[i], reference[i]);
      assert.ok(difference < 1e-4, `${c.name}, ${JSON.stringify(sizes)}: off by ${difference}`);
    });
  }
});

Deno.test("chunked filter gradient rejects chunk sizes that are not positive whole numbers", () => {
  const x = tf.zeros([1, 4, 4, 1]) as tf.Tensor4D;
  const attrs: Conv2DBackpropFilterAttrs = {
    strides: 1,
    pad: "same",
    dataFormat: "NHWC",
    filterShape: [3, 3, 1, 1],
  };
  assert.throws(
    () => conv2dBackpropFilterByChunks(x, x, attrs, { rowsPerChunk: 0 }),
    /rowsPerChunk.*got 0/,
  );
  assert.throws(
    () => conv2dBackpropFilterByChunks(x, x, attrs, { maxPatchElements: 2.5 }),
    /maxPatchElements.*got 2.5/,
  );
  x.dispose();
});

const skipReason = await whyNoWebGpu();
if (skipReason !== undefined) {
  console.log(`webgpu_kernels_test: skipping the WebGPU kernel test: ${skipReason}.`);
}

Deno.test({
  name: "registered webgpu Conv2DBackpropFilter equals the cpu kernel",
  ignore: skipReason !== undefined,
  fn: async () => {
    const previous = tf.getBackend();
    const reference = await cpuResults(stockGradient);
    await import("@tensorflow/tfjs-backend-webgpu");
    registerWebGpuTrainingKernels();
    assert.ok(await tf.setBackend("webgpu"), "the webgpu backend failed to initialise");
    try {
      for (const [i, c] of cases.entries()) {
        const result = tf.tidy(() => {
          const { x, dy } = inputsOf(c);
          return stockGradient(c, x, dy);
        });
        const difference = maxAbsDifference(await result.data() as Float32Array, reference[i]);
        result.dispose();
        assert.ok(difference < 1e-4, `${c.name}: off by ${difference}`);
      }
    } finally {
      await tf.setBackend(previous);
    }
  },
});

Deno.test({
  name:
    "useStockWebGpuKernels undoes registerWebGpuTrainingKernels, and registering again redoes it",
  ignore: skipReason !== undefined,
  fn: async () => {
    await import("@tensorflow/tfjs-backend-webgpu");
    assert.ok(await tf.setBackend("webgpu"), "the webgpu backend failed to initialise");
    try {
      const ours = () => tf.getKernel(tf.Conv2DBackpropFilter, "webgpu")?.kernelFunc;
      registerWebGpuTrainingKernels();
      assert.equal(ours(), webGpuConv2dBackpropFilterConfig.kernelFunc);
      assert.ok(hasHashedDropout() && hasFusedAdam());
      useStockWebGpuKernels();
      assert.notEqual(ours(), undefined, "the stock kernel was not restored");
      assert.notEqual(ours(), webGpuConv2dBackpropFilterConfig.kernelFunc);
      assert.ok(!hasHashedDropout() && !hasFusedAdam());
      registerWebGpuTrainingKernels();
      assert.equal(ours(), webGpuConv2dBackpropFilterConfig.kernelFunc);
      assert.ok(hasHashedDropout() && hasFusedAdam());
    } finally {
      await tf.setBackend("cpu");
    }
  },
});
