/**
 * `Sum` for the tfjs `wasm` backend, wrapping wasm's own kernel: that one can
 * only sum the innermost axes, so summing the leading ones (a bias gradient
 * sums an NHWC gradient over batch, rows and columns) first transposes the
 * whole tensor. This wrapper sums leading axes in one pass on the wasm heap
 * (in float64, then stored as float32) and leaves other sums to wasm.
 */
import * as tf from "@tensorflow/tfjs";
import { heapLoops } from "./heap_loops.ts";
import { heapAddress, makeHeapOutput, writeHeapOutput } from "./wasm_heap.ts";

type SumAttrs = { axis: number | number[]; keepDims: boolean };

/** Writes, for each trailing index j, the sum of `x[i * inner + j]` over all leading indices i. */
export function sumLeadingRowsInto(out: Float32Array, x: Float32Array, inner: number): void {
  const sums = new Float64Array(inner);
  for (let rowAt = 0; rowAt < x.length; rowAt += inner) {
    for (let j = 0; j < inner; j++) sums[j] += x[rowAt + j];
  }
  out.set(sums);
}

/** How many leading axes `axis` names (0, 1, ... k-1), or 0 when it names anything else. */
function leadingAxisCount(axis: number | number[], rank: number): number {
  const axes = [...new Set(tf.util.parseAxisParam(axis, new Array(rank).fill(1)))].sort((a, b) =>
    a - b
  );
  return axes.every((value, index) => value === index) ? axes.length : 0;
}

/** The `Sum` kernel configuration that sums leading axes itself and hands the rest to `original`. */
export function leadingAxesSumConfig(original: tf.KernelConfig): tf.KernelConfig {
  return {
    kernelName: tf.Sum,
    backendName: "wasm",
    setupFunc: original.setupFunc,
    kernelFunc: (args) => {
      const { x } = args.inputs as { x: tf.TensorInfo };
      const { axis, keepDims } = args.attrs as unknown as SumAttrs;
      const rank = x.shape.length;
      const leading = leadingAxisCount(axis, rank);
      const size = x.shape.reduce((product, dimension) => product * dimension, 1);
      if (x.dtype !== "float32" || leading === 0 || leading === rank || size === 0) {
        return original.kernelFunc(args);
      }
      const kept = x.shape.slice(leading);
      const inner = kept.reduce((product, dimension) => product * dimension, 1);
      const shape = keepDims ? [...new Array(leading).fill(1), ...kept] : kept;
      const backend = args.backend as tf.KernelBackend;
      if (inner % 16 !== 0) {
        return writeHeapOutput(
          backend,
          shape,
          [x],
          (out, values) => sumLeadingRowsInto(out, values, inner),
        );
      }
      // The same sums, 16 columns a pass, in WebAssembly (heap_loops.wat).
      const out = makeHeapOutput(backend, shape);
      heapLoops(backend).sumLeadingRows(
        heapAddress(backend, x),
        heapAddress(backend, out),
        size / inner,
        inner,
      );
      return out;
    },
  };
}
