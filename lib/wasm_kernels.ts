/**
 * The kernels that training this project's models needs but the tfjs `wasm`
 * backend (4.22.0) lacks or runs slowly, registered on it in one call.
 *
 * Found by training the series' CNN, the MNIST CNN and a dense tabular network
 * on wasm and timing each kernel (scripts/profile_training.ts):
 * `Conv2DBackpropFilter` is missing; wasm's own `Conv2DBackpropInput` is a
 * scalar loop that took two thirds of a training step; its `BatchMatMul` runs
 * transposed products (both of a dense layer's gradients) in a scalar loop.
 * The replacements run on wasm's XNNPACK convolution and matrix product.
 */
import * as tf from "@tensorflow/tfjs";
import { fastBatchMatMulConfig } from "./wasm_kernels/batch_mat_mul.ts";
import { conv2dBackpropFilterConfig } from "./wasm_kernels/conv2d_backprop_filter.ts";
import { conv2dBackpropInputConfig } from "./wasm_kernels/conv2d_backprop_input.ts";
import { maxPoolGradConfig } from "./wasm_kernels/max_pool_grad.ts";

let batchMatMulConfig: tf.KernelConfig | undefined;

/** The wrapper of wasm's own BatchMatMul, made once from the kernel the wasm package registered. */
function batchMatMul(): tf.KernelConfig {
  if (batchMatMulConfig === undefined) {
    const original = tf.getKernel(tf.BatchMatMul, "wasm");
    if (original === undefined) {
      throw new Error(
        "The wasm backend's kernels are not registered: import " +
          '"@tensorflow/tfjs-backend-wasm" before calling registerWasmTrainingKernels().',
      );
    }
    batchMatMulConfig = fastBatchMatMulConfig(original);
  }
  return batchMatMulConfig;
}

/**
 * Registers the training kernels on the `wasm` backend, replacing wasm's own
 * version where it has one. Safe to call any number of times, before or after
 * the backend is initialised; the wasm package must be imported first.
 */
export function registerWasmTrainingKernels(): void {
  const configs = [
    conv2dBackpropFilterConfig,
    conv2dBackpropInputConfig,
    maxPoolGradConfig,
    batchMatMul(),
  ];
  for (const config of configs) {
    const registered = tf.getKernel(config.kernelName, config.backendName);
    if (registered?.kernelFunc === config.kernelFunc) continue;
    if (registered !== undefined) tf.unregisterKernel(config.kernelName, config.backendName);
    tf.registerKernel(config);
  }
}
