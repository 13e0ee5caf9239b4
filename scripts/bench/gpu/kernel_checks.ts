/**
 * The project's WebGPU kernels checked on the GPU at hand: the chunked filter
 * gradient against the cpu backend and the stock kernel, hashed dropout and
 * im2col against their JavaScript definitions. Each check prints one line per
 * comparison and returns whether all agreed.
 */
import * as tf from "@tensorflow/tfjs";
import {
  registerWebGpuTrainingKernels,
  useStockWebGpuKernels,
} from "../../../lib/engine/webgpu/kernels.ts";
import { hashedDropout, hashedDropoutMultipliers } from "../../../lib/engine/webgpu/dropout.ts";
import { im2col, im2colValues } from "../../../lib/engine/webgpu/im2col.ts";
import { convLayers, SAME_PADDING, type Shape4D } from "./conv_layers.ts";
import type { Case } from "./options.ts";

/** Max |a - b| relative to max |b|. */
function relativeDifference(a: Float32Array, b: Float32Array): number {
  let difference = 0;
  let scale = 0;
  for (let i = 0; i < a.length; i++) {
    difference = Math.max(difference, Math.abs(a[i] - b[i]));
    scale = Math.max(scale, Math.abs(b[i]));
  }
  return difference / (scale || 1);
}

/**
 * The chunked filter gradient on WebGPU against the cpu backend (batch 2) and
 * against the stock WebGPU kernel (batch 32), for each layer at `size` px.
 * Returns false when any differs by more than 1e-4 relative.
 */
export async function checkChunkedKernel(size: number): Promise<boolean> {
  let ok = true;
  const gradient = (x: tf.Tensor4D, dy: tf.Tensor4D, filterShape: number[]) =>
    tf.engine().runKernel(tf.Conv2DBackpropFilter, { x, dy }, {
      ...SAME_PADDING,
      filterShape,
    }) as tf.Tensor;
  for (const batch of [2, 32]) {
    for (const layer of convLayers(size, batch)) {
      const dyShape = [...layer.xShape.slice(0, 3), layer.filterShape[3]] as Shape4D;
      const x = tf.randomNormal(layer.xShape, 0, 1, "float32", 3);
      const dy = tf.randomNormal(dyShape, 0, 1, "float32", 4);
      const [xValues, dyValues] = [await x.data(), await dy.data()] as Float32Array[];
      registerWebGpuTrainingKernels();
      const chunked = gradient(x as tf.Tensor4D, dy as tf.Tensor4D, layer.filterShape);
      const chunkedValues = await chunked.data() as Float32Array;
      let reference: Float32Array;
      let against: string;
      if (batch === 2) {
        await tf.setBackend("cpu");
        const cpuResult = tf.tidy(() =>
          gradient(
            tf.tensor4d(xValues, layer.xShape),
            tf.tensor4d(dyValues, dyShape),
            layer.filterShape,
          )
        );
        reference = await cpuResult.data() as Float32Array;
        cpuResult.dispose();
        against = "cpu backend's kernel";
        await tf.setBackend("webgpu");
      } else {
        useStockWebGpuKernels();
        const stockResult = gradient(x as tf.Tensor4D, dy as tf.Tensor4D, layer.filterShape);
        reference = await stockResult.data() as Float32Array;
        stockResult.dispose();
        registerWebGpuTrainingKernels();
        against = "stock webgpu kernel";
      }
      const difference = relativeDifference(chunkedValues, reference);
      if (!(difference <= 1e-4)) ok = false;
      console.log(
        `  ${layer.name} x ${layer.xShape.join("x")}: chunked webgpu vs ${against}: ` +
          `max relative difference ${difference.toExponential(2)} ${
            difference <= 1e-4 ? "ok" : "TOO LARGE"
          }`,
      );
      tf.dispose([x, dy, chunked]);
    }
  }
  return ok;
}

/**
 * The kernels whose results are exact, at the largest case's sizes: hashed
 * dropout (on the first dropout layer's input) and im2col (on the first
 * layer's input) against their JavaScript definitions, element for element.
 * Returns false on any difference.
 */
export async function checkExactKernels({ size, batch }: Case): Promise<boolean> {
  const shape: Shape4D = [batch, size / 8, size / 8, 128];
  const size4 = shape.reduce((a, b) => a * b);
  const x = tf.randomUniform(shape, -1, 1, "float32", 5);
  const values = await x.data() as Float32Array;
  const attrs = { rate: 0.15, seed: 12345, call: 7 };
  const dropped = hashedDropout(x, attrs);
  const droppedValues = await dropped.data();
  const multipliers = hashedDropoutMultipliers(size4, attrs);
  let dropoutDifferences = 0;
  for (let i = 0; i < size4; i++) {
    if (droppedValues[i] !== Math.fround(values[i] * multipliers[i])) dropoutDifferences++;
  }
  const image: Shape4D = [Math.min(batch, 4), size, size, 3];
  const images = tf.randomUniform(image, 0, 1, "float32", 6) as tf.Tensor4D;
  const im2colAttrs = {
    filterHeight: 3,
    filterWidth: 3,
    strideHeight: 1,
    strideWidth: 1,
    padTop: 1,
    padLeft: 1,
    outHeight: size,
    outWidth: size,
    firstImage: 0,
    images: image[0],
    rows: image[0] * size * size + 7,
  };
  const patchMatrix = im2col(images, im2colAttrs);
  const patches = await patchMatrix.data();
  const expected = im2colValues(await images.data() as Float32Array, image, im2colAttrs);
  const im2colDifferences = expected.reduce((n, v, i) => n + (v === patches[i] ? 0 : 1), 0);
  for (
    const [name, differences, total] of [
      [`hashed dropout ${shape.join("x")}`, dropoutDifferences, size4],
      [`im2col of ${image.join("x")}`, im2colDifferences, expected.length],
    ] as const
  ) {
    console.log(
      `  ${name} vs its JavaScript definition: ${differences} of ${total} elements differ ${
        differences === 0 ? "ok" : "WRONG"
      }`,
    );
  }
  tf.dispose([x, dropped, images, patchMatrix]);
  return dropoutDifferences === 0 && im2colDifferences === 0;
}
