/**
 * The kernels that training this project's models needs but the tfjs `wasm`
 * backend (4.22.0) lacks, registered on it in one call.
 *
 * Found by training the series' CNN, the MNIST CNN and a dense tabular network
 * on wasm: every other kernel their forward pass, gradients and optimizers use
 * (Conv2DBackpropInput, MaxPoolGrad, Step, ...) is already there.
 */
import * as tf from "@tensorflow/tfjs";
import { conv2dBackpropFilterConfig } from "./wasm_kernels/conv2d_backprop_filter.ts";

const trainingKernels: tf.KernelConfig[] = [conv2dBackpropFilterConfig];

/**
 * Registers the missing training kernels on the `wasm` backend. Safe to call
 * any number of times, before or after the backend is initialised.
 */
export function registerWasmTrainingKernels(): void {
  for (const config of trainingKernels) {
    if (tf.getKernel(config.kernelName, config.backendName) === undefined) {
      tf.registerKernel(config);
    }
  }
}
