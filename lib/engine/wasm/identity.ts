/**
 * `Identity` for the tfjs `wasm` backend, replacing its own kernel, which
 * copies the tensor. tfjs-core runs Identity whenever it keeps a tensor for
 * the backward pass (outputs of Add, Relu, MaxPool...), so training the
 * series' CNN copied about 2 MB per step for nothing: wasm tensors are never
 * written after they are made, so the output can share the input's memory,
 * counted by reference, as wasm's own `Reshape` and the `cpu` backend's
 * `Identity` already do.
 */
import * as tf from "@tensorflow/tfjs";

/** The `Identity` kernel configuration that shares numeric tensors and hands strings to `original`. */
export function sharingIdentityConfig(original: tf.KernelConfig): tf.KernelConfig {
  return {
    kernelName: tf.Identity,
    backendName: "wasm",
    kernelFunc: (args) => {
      const { x } = args.inputs as { x: tf.TensorInfo };
      // Strings live outside the heap: wasm's own kernel handles them.
      if (x.dtype === "string") return original.kernelFunc(args);
      (args.backend as tf.KernelBackend).incRef(x.dataId);
      return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
    },
  };
}
