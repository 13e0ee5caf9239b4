/**
 * The kernels that training this project's models needs but the tfjs `wasm`
 * backend (4.22.0) lacks or runs slowly, registered on it in one call.
 *
 * Found by training the series' CNN, the MNIST CNN and a dense tabular network
 * on wasm and timing each kernel (scripts/bench/profile_training.ts):
 * `Conv2DBackpropFilter` is missing; wasm's own `Conv2DBackpropInput` is a
 * scalar loop that took two thirds of a training step, its `MaxPoolGrad`
 * re-scans every window for every pixel, its `BatchMatMul` runs transposed
 * products (both of a dense layer's gradients) in a scalar loop, and its
 * `Sum` transposes a whole tensor to sum its leading axes (bias gradients),
 * and its `Identity` copies every tensor tfjs keeps for the backward pass.
 */
import * as tf from "@tensorflow/tfjs";
import { fastBatchMatMulConfig } from "./batch_mat_mul.ts";
import { conv2dBackpropFilterConfig } from "./conv2d_backprop_filter.ts";
import { conv2dBackpropInputConfig } from "./conv2d_backprop_input.ts";
import { sharingIdentityConfig } from "./identity.ts";
import { maxPoolGradConfig } from "./max_pool_grad.ts";
import { leadingAxesSumConfig } from "./sum.ts";

/** Kernels that replace wasm's own outright. */
const replacements: tf.KernelConfig[] = [
  conv2dBackpropFilterConfig,
  conv2dBackpropInputConfig,
  maxPoolGradConfig,
];

/** Kernels that handle some cases themselves and hand the rest to wasm's own kernel. */
const wrapperFactories: Array<[string, (original: tf.KernelConfig) => tf.KernelConfig]> = [
  [tf.BatchMatMul, fastBatchMatMulConfig],
  [tf.Sum, leadingAxesSumConfig],
  [tf.Identity, sharingIdentityConfig],
];

let wrappers: tf.KernelConfig[] | undefined;

/** The wrappers, made once around the kernels the wasm package registered. */
function wrapWasmKernels(): tf.KernelConfig[] {
  wrappers ??= wrapperFactories.map(([kernelName, wrap]) => {
    const original = tf.getKernel(kernelName, "wasm");
    if (original === undefined) {
      throw new Error(
        `The wasm backend's ${kernelName} kernel is not registered: import ` +
          '"@tensorflow/tfjs-backend-wasm" before calling registerWasmTrainingKernels().',
      );
    }
    return wrap(original);
  });
  return wrappers;
}

/**
 * Registers the training kernels on the `wasm` backend, replacing or wrapping
 * wasm's own version where it has one. Safe to call any number of times,
 * before or after the backend is initialised; the wasm package must be
 * imported first.
 */
export function registerWasmTrainingKernels(): void {
  for (const config of [...replacements, ...wrapWasmKernels()]) {
    const registered = tf.getKernel(config.kernelName, config.backendName);
    if (registered?.kernelFunc === config.kernelFunc) continue;
    if (registered !== undefined) tf.unregisterKernel(config.kernelName, config.backendName);
    tf.registerKernel(config);
  }
}
