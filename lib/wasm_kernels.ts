/**
 * The kernels that training this project's models needs but the tfjs `wasm`
 * backend (4.22.0) lacks or runs slowly, registered on it in one call.
 *
 * Found by training the series' CNN, the MNIST CNN and a dense tabular network
 * on wasm and timing each kernel (scripts/profile_training.ts):
 * `Conv2DBackpropFilter` is missing, and wasm's own `Conv2DBackpropInput` is
 * a scalar loop that took two thirds of a training step. Both are rewritten as
 * convolutions on wasm's XNNPACK `Conv2D`.
 */
import * as tf from "@tensorflow/tfjs";
import { conv2dBackpropFilterConfig } from "./wasm_kernels/conv2d_backprop_filter.ts";
import { conv2dBackpropInputConfig } from "./wasm_kernels/conv2d_backprop_input.ts";

const trainingKernels: tf.KernelConfig[] = [conv2dBackpropFilterConfig, conv2dBackpropInputConfig];

/**
 * Registers the training kernels on the `wasm` backend, replacing wasm's own
 * version where it has one. Safe to call any number of times, before or after
 * the backend is initialised.
 */
export function registerWasmTrainingKernels(): void {
  for (const config of trainingKernels) {
    const registered = tf.getKernel(config.kernelName, config.backendName);
    if (registered?.kernelFunc === config.kernelFunc) continue;
    if (registered !== undefined) tf.unregisterKernel(config.kernelName, config.backendName);
    tf.registerKernel(config);
  }
}
