/**
 * `BatchMatMul` for the tfjs `wasm` backend, wrapping wasm's own kernel: that
 * one runs XNNPACK's fast (SIMD, threaded) matrix product only when neither
 * operand is transposed and there is one matrix per operand; anything else
 * falls to a scalar loop. Training a dense layer needs both transposed forms
 * (`dy·Wᵀ` and `xᵀ·dy`), so this wrapper writes the transposed operand out
 * first (a cheap copy) and hands the plain product to the fast path.
 */
import * as tf from "@tensorflow/tfjs";
import { borrowTensor } from "./borrow_tensor.ts";

type BatchMatMulAttrs = { transposeA: boolean; transposeB: boolean };

/** The product of all but the last two dimensions: how many matrices a tensor holds. */
function matrixCount(shape: number[]): number {
  return shape.slice(0, -2).reduce((product, size) => product * size, 1);
}

/** `tensor` with its last two axes swapped. */
function transposeMatrices(tensor: tf.Tensor): tf.Tensor {
  const axes = tensor.shape.map((_, axis) => axis);
  const rank = axes.length;
  [axes[rank - 2], axes[rank - 1]] = [axes[rank - 1], axes[rank - 2]];
  return tf.transpose(tensor, axes);
}

/**
 * The `BatchMatMul` kernel configuration that routes transposed single-matrix
 * products to `original` (wasm's own kernel) untransposed.
 */
export function fastBatchMatMulConfig(original: tf.KernelConfig): tf.KernelConfig {
  return {
    kernelName: tf.BatchMatMul,
    backendName: "wasm",
    setupFunc: original.setupFunc,
    kernelFunc: (args) => {
      const { inputs, backend } = args;
      const attrs = args.attrs as unknown as BatchMatMulAttrs;
      const { a, b } = inputs as { a: tf.TensorInfo; b: tf.TensorInfo };
      const singleMatrices = matrixCount(a.shape) === 1 && matrixCount(b.shape) === 1;
      if (!(attrs.transposeA || attrs.transposeB) || !singleMatrices) {
        return original.kernelFunc(args);
      }
      const kernelBackend = backend as tf.KernelBackend;
      const temporaries: tf.Tensor[] = [];
      const plain = (info: tf.TensorInfo, transposed: boolean): tf.Tensor => {
        const borrowed = borrowTensor(info, kernelBackend);
        temporaries.push(borrowed);
        if (!transposed) return borrowed;
        const copy = transposeMatrices(borrowed);
        temporaries.push(copy);
        return copy;
      };
      try {
        return original.kernelFunc({
          inputs: { a: plain(a, attrs.transposeA), b: plain(b, attrs.transposeB) },
          attrs: { ...attrs, transposeA: false, transposeB: false } as unknown as tf.NamedAttrMap,
          backend,
        });
      } finally {
        tf.dispose(temporaries);
      }
    },
  };
}
