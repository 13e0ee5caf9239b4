/**
 * im2col: the input patch under each position of a convolution filter, one
 * row per output pixel, as one kernel (WGSL on `webgpu`, JavaScript on `cpu`).
 *
 * The chunked filter gradient (lib/engine/webgpu/kernels.ts) built this matrix from
 * a pad, one strided slice per filter tap and a concat: eleven GPU launches
 * per layer, where WebGPU in Deno spends about 0.15 ms of CPU time on each.
 * This kernel is one launch, and it also writes the zero rows that round the
 * matrix up to whole chunks, which saved another pad.
 */
import * as tf from "@tensorflow/tfjs";
import type { WebGPUBackend } from "@tensorflow/tfjs-backend-webgpu";
import { PerElementProgram } from "./program.ts";

/** Name of the kernel in the tfjs registry. */
export const IM2COL = "Im2Col";

/** Which patches {@link im2col} takes, from an NHWC input. */
export interface Im2ColAttrs {
  filterHeight: number;
  filterWidth: number;
  strideHeight: number;
  strideWidth: number;
  /** Zero rows above the input (the convolution's top padding). */
  padTop: number;
  /** Zero columns left of the input. */
  padLeft: number;
  /** Output rows and columns of the convolution: one patch each. */
  outHeight: number;
  outWidth: number;
  /** First image of the batch to take patches from. */
  firstImage: number;
  /** Number of images, from `firstImage`. */
  images: number;
  /** Rows of the result: at least images x outHeight x outWidth; rows past those are zeros. */
  rows: number;
}

/** The integer attributes in the order the WGSL uniforms declare them. */
const ATTR_ORDER = [
  "filterHeight",
  "filterWidth",
  "strideHeight",
  "strideWidth",
  "padTop",
  "padLeft",
  "outHeight",
  "outWidth",
  "firstImage",
  "images",
  "rows",
] as const;

/** Throws unless the attributes fit an input of `shape`; returns the result's shape. */
function outputShapeOf(shape: number[], attrs: Im2ColAttrs): [number, number] {
  for (const name of ATTR_ORDER) {
    const value = attrs[name];
    if (!(Number.isInteger(value) && value >= 0)) {
      throw new Error(`im2col: ${name} must be a whole number >= 0, got ${value}.`);
    }
  }
  if (shape.length !== 4) throw new Error(`im2col needs an NHWC input, got shape [${shape}].`);
  if (attrs.firstImage + attrs.images > shape[0]) {
    throw new Error(
      `im2col: images ${attrs.firstImage}..${attrs.firstImage + attrs.images - 1} ` +
        `are past the batch of ${shape[0]}.`,
    );
  }
  if (attrs.rows < attrs.images * attrs.outHeight * attrs.outWidth) {
    throw new Error(
      `im2col: rows ${attrs.rows} is less than the ${
        attrs.images * attrs.outHeight * attrs.outWidth
      } patches.`,
    );
  }
  return [attrs.rows, attrs.filterHeight * attrs.filterWidth * shape[3]];
}

/**
 * The patches as a [rows, filterHeight x filterWidth x channels] matrix, taps
 * in the filter's (row, column, channel) order, for an NHWC input of `shape`
 * with `values`: the JavaScript definition the kernels follow.
 */
export function im2colValues(
  values: Float32Array,
  shape: number[],
  attrs: Im2ColAttrs,
): Float32Array {
  const [rows, taps] = outputShapeOf(shape, attrs);
  const [, height, width, channels] = shape;
  const { filterHeight, filterWidth, strideHeight, strideWidth, padTop, padLeft } = attrs;
  const { outHeight, outWidth, firstImage, images } = attrs;
  const out = new Float32Array(rows * taps);
  for (let image = 0; image < images; image++) {
    const imageAt = (firstImage + image) * height * width * channels;
    for (let outRow = 0; outRow < outHeight; outRow++) {
      for (let outColumn = 0; outColumn < outWidth; outColumn++) {
        let at = ((image * outHeight + outRow) * outWidth + outColumn) * taps;
        for (let tapRow = 0; tapRow < filterHeight; tapRow++) {
          const y = outRow * strideHeight - padTop + tapRow;
          for (let tapColumn = 0; tapColumn < filterWidth; tapColumn++, at += channels) {
            const x = outColumn * strideWidth - padLeft + tapColumn;
            if (y < 0 || y >= height || x < 0 || x >= width) continue;
            const from = imageAt + (y * width + x) * channels;
            out.set(values.subarray(from, from + channels), at);
          }
        }
      }
    }
  }
  return out;
}

/** The WGSL shader: one thread per element of the result, finding its input pixel or zero. */
const im2colShader = {
  variableNames: ["x"],
  uniforms: ATTR_ORDER.map((name) => `${name} : i32,`).join(" "),
  shaderKey: "im2col",
  body: `
          let channels = uniforms.xShape[3];
          let taps = uniforms.filterHeight * uniforms.filterWidth * channels;
          let row = index / taps;
          let tap = index - row * taps;
          let pixels = uniforms.outHeight * uniforms.outWidth;
          var value = 0.0;
          if (row < uniforms.images * pixels) {
            let image = row / pixels;
            let pixel = row - image * pixels;
            let outRow = pixel / uniforms.outWidth;
            let outColumn = pixel - outRow * uniforms.outWidth;
            let tapRow = tap / (uniforms.filterWidth * channels);
            let tapColumn = (tap / channels) % uniforms.filterWidth;
            let channel = tap % channels;
            let y = outRow * uniforms.strideHeight - uniforms.padTop + tapRow;
            let x = outColumn * uniforms.strideWidth - uniforms.padLeft + tapColumn;
            if (y >= 0 && y < uniforms.xShape[1] && x >= 0 && x < uniforms.xShape[2]) {
              value = getX(uniforms.firstImage + image, y, x, channel);
            }
          }
          setOutputAtIndex(index, value);`,
};

/**
 * Registration of im2col on `backendName`: `compute` gets the input, its
 * checked attributes, the result's shape and the backend.
 */
function im2colConfig(
  backendName: string,
  compute: (
    x: tf.TensorInfo,
    attrs: Im2ColAttrs,
    shape: [number, number],
    backend: tf.KernelBackend,
  ) => tf.TensorInfo,
): tf.KernelConfig {
  return {
    kernelName: IM2COL,
    backendName,
    kernelFunc: ({ inputs, attrs, backend }) => {
      const { x } = inputs as { x: tf.TensorInfo };
      const im2colAttrs = attrs as unknown as Im2ColAttrs;
      return compute(
        x,
        im2colAttrs,
        outputShapeOf(x.shape, im2colAttrs),
        backend as tf.KernelBackend,
      );
    },
  };
}

/** Kernel registration of im2col on the `webgpu` backend. */
export const webGpuIm2ColConfig = im2colConfig(
  "webgpu",
  (x, attrs, shape, backend) =>
    (backend as unknown as WebGPUBackend).runWebGPUProgram(
      new PerElementProgram(shape, im2colShader),
      [x],
      "float32",
      ATTR_ORDER.map((name) => ({ type: "int32", data: [attrs[name]] })),
    ),
);

/** What the cpu backend offers a kernel (its class is not exported by tfjs). */
interface CpuBackend {
  readSync(dataId: tf.DataId): Float32Array;
  makeTensorInfo(shape: number[], dtype: tf.DataType, values: Float32Array): tf.TensorInfo;
}

/** Kernel registration of im2col on the `cpu` backend, where tests check the chunked filter gradient. */
export const cpuIm2ColConfig = im2colConfig("cpu", (x, attrs, shape, backend) => {
  const cpu = backend as unknown as CpuBackend;
  return cpu.makeTensorInfo(shape, "float32", im2colValues(cpu.readSync(x.dataId), x.shape, attrs));
});

/** The patch matrix of `x` (see {@link Im2ColAttrs}) as one kernel, on the `webgpu` and `cpu` backends. */
export function im2col(x: tf.Tensor4D, attrs: Im2ColAttrs): tf.Tensor2D {
  if (x.dtype !== "float32") throw new Error(`im2col needs a float32 input, got ${x.dtype}.`);
  outputShapeOf(x.shape, attrs);
  return tf.engine().runKernel(
    IM2COL,
    { x },
    { ...attrs } as unknown as tf.NamedAttrMap,
  ) as tf.Tensor2D;
}

// A kernel name tfjs does not have, so registering on import cannot replace
// (or be replaced by) a backend's own kernel.
for (const config of [webGpuIm2ColConfig, cpuIm2ColConfig]) {
  if (tf.getKernel(config.kernelName, config.backendName) === undefined) tf.registerKernel(config);
}
