/**
 * im2col (lib/engine/webgpu/im2col.ts): the JavaScript definition against patches cut by
 * hand with tfjs ops, the cpu kernel, and, where a WebGPU adapter exists (a
 * software one will do), the WGSL kernel against the cpu one bit for bit.
 */
import * as tf from "@tensorflow/tfjs";
import assert from "node:assert/strict";
import { im2col, type Im2ColAttrs, im2colValues } from "../../../lib/engine/webgpu/im2col.ts";
import { randomValues } from "../../fixtures/random_values.ts";
import { whyNoWebGpu } from "../../fixtures/webgpu_adapter.ts";

interface Im2ColCase {
  name: string;
  shape: [number, number, number, number];
  attrs: Im2ColAttrs;
}

const cases: Im2ColCase[] = [
  {
    name: "3x3 same, whole batch, exact rows",
    shape: [2, 6, 5, 3],
    attrs: {
      filterHeight: 3,
      filterWidth: 3,
      strideHeight: 1,
      strideWidth: 1,
      padTop: 1,
      padLeft: 1,
      outHeight: 6,
      outWidth: 5,
      firstImage: 0,
      images: 2,
      rows: 60,
    },
  },
  {
    name: "stride 2x3, images 1..2 of 3, zero rows after",
    shape: [3, 9, 10, 2],
    attrs: {
      filterHeight: 3,
      filterWidth: 2,
      strideHeight: 2,
      strideWidth: 3,
      padTop: 1,
      padLeft: 0,
      outHeight: 5,
      outWidth: 3,
      firstImage: 1,
      images: 2,
      rows: 37,
    },
  },
];

/** The same matrix from pad + one strided slice per tap + concat (how it was built before the kernel). */
function bySlices(x: tf.Tensor4D, a: Im2ColAttrs): tf.Tensor2D {
  return tf.tidy(() => {
    const [, height, width, channels] = x.shape;
    const neededHeight = (a.outHeight - 1) * a.strideHeight + a.filterHeight;
    const neededWidth = (a.outWidth - 1) * a.strideWidth + a.filterWidth;
    const padded = tf.pad(tf.slice(x, [a.firstImage, 0, 0, 0], [a.images, -1, -1, -1]), [
      [0, 0],
      [a.padTop, Math.max(0, neededHeight - height - a.padTop)],
      [a.padLeft, Math.max(0, neededWidth - width - a.padLeft)],
      [0, 0],
    ]);
    const taps: tf.Tensor[] = [];
    for (let row = 0; row < a.filterHeight; row++) {
      for (let column = 0; column < a.filterWidth; column++) {
        taps.push(tf.stridedSlice(padded, [0, row, column, 0], [
          a.images,
          row + (a.outHeight - 1) * a.strideHeight + 1,
          column + (a.outWidth - 1) * a.strideWidth + 1,
          channels,
        ], [1, a.strideHeight, a.strideWidth, 1]));
      }
    }
    const patches = tf.concat(taps, 3).reshape([-1, a.filterHeight * a.filterWidth * channels]);
    return tf.pad(patches, [[0, a.rows - patches.shape[0]!], [0, 0]]) as tf.Tensor2D;
  });
}

function inputOf(c: Im2ColCase): Float32Array {
  return randomValues(c.shape.reduce((a, b) => a * b), 11);
}

Deno.test("im2col (JavaScript and the cpu kernel) equals patches cut with slices", async () => {
  await tf.setBackend("cpu");
  for (const c of cases) {
    const values = inputOf(c);
    const x = tf.tensor4d(values, c.shape);
    const expected = bySlices(x, c.attrs);
    assert.deepEqual(
      Array.from(im2colValues(values, c.shape, c.attrs)),
      Array.from(await expected.data()),
      c.name,
    );
    const kernel = im2col(x, c.attrs);
    assert.deepEqual(kernel.shape, expected.shape, c.name);
    assert.deepEqual(await kernel.data(), await expected.data(), c.name);
    tf.dispose([x, expected, kernel]);
  }
});

Deno.test("im2col names the attribute that does not fit the input", () => {
  const { shape, attrs } = cases[0];
  const values = new Float32Array(shape.reduce((a, b) => a * b));
  assert.throws(
    () => im2colValues(values, shape, { ...attrs, rows: 59 }),
    /rows 59 is less than the 60 patches/,
  );
  assert.throws(
    () => im2colValues(values, shape, { ...attrs, firstImage: 1 }),
    /images 1..2 are past the batch of 2/,
  );
  assert.throws(
    () => im2colValues(values, shape, { ...attrs, strideWidth: 1.5 }),
    /strideWidth must be a whole number/,
  );
  assert.throws(() => im2colValues(values, [2, 6, 5], attrs), /needs an NHWC input/);
});

const skipReason = await whyNoWebGpu();
if (skipReason !== undefined) {
  console.log(`im2col_test: skipping the WebGPU kernel test: ${skipReason}.`);
}

Deno.test({
  name: "webgpu im2col equals the cpu kernel bit for bit",
  ignore: skipReason !== undefined,
  fn: async () => {
    await import("@tensorflow/tfjs-backend-webgpu");
    for (const c of cases) {
      await tf.setBackend("cpu");
      const values = inputOf(c);
      const reference = im2colValues(values, c.shape, c.attrs);
      assert.ok(await tf.setBackend("webgpu"), "the webgpu backend failed to initialise");
      const x = tf.tensor4d(values, c.shape);
      const result = im2col(x, c.attrs);
      assert.deepEqual(await result.data(), reference, c.name);
      tf.dispose([x, result]);
    }
    await tf.setBackend("cpu");
  },
});
