/**
 * Adam's update as three fused GPU passes per variable, for the tfjs `webgpu`
 * backend.
 *
 * `tf.train.adam` updates each variable with 14 element-wise kernels (and
 * uploads a scalar tensor for each constant), so Adam alone was about 140 of
 * the 230 GPU kernel launches of one training step of the series' CNN. On an
 * NVIDIA H200, WebGPU in Deno spends about 0.15 ms of CPU time per launch,
 * which made a step launch-bound long before the GPU was busy. Here a step is
 * three passes per variable: the new first moment, the new second moment, and
 * the new value, with the constants passed as uniforms.
 *
 * Each pass computes what tfjs's `AdamOptimizer.applyGradients` computes, in
 * the same order; the GPU may fuse a multiply and an add, so results agree to
 * float32 rounding, not bit for bit.
 */
import * as tf from "@tensorflow/tfjs";
import type { WebGPUBackend } from "@tensorflow/tfjs-backend-webgpu";
import { PerElementProgram } from "./program.ts";

/** Kernel: `decay * moment + (1 - decay) * gradient`, or `gradient²` when `squared`. */
export const ADAM_MOMENT = "AdamMoment";
/** Kernel: `value - rate * (m / firstCorrection) / (sqrt(v / secondCorrection) + epsilon)`. */
export const ADAM_VALUE = "AdamValue";

/** The attributes of an {@link ADAM_MOMENT} call. */
export interface AdamMomentAttrs {
  /** beta1 for the first moment, beta2 for the second. */
  decay: number;
  /** Whether the moment averages the squared gradient (the second moment). */
  squared: boolean;
}

/** The attributes of an {@link ADAM_VALUE} call. */
export interface AdamValueAttrs {
  learningRate: number;
  /** `1 - beta1^t` for step t (counting from 1): the first moment's bias correction. */
  firstCorrection: number;
  /** `1 - beta2^t`: the second moment's bias correction. */
  secondCorrection: number;
  epsilon: number;
}

/** Throws unless every input is float32 and shaped like the first. */
function checkInputs(kernel: string, inputs: tf.TensorInfo[]): void {
  for (const input of inputs) {
    if (input.dtype !== "float32") {
      throw new Error(`${kernel} needs float32 inputs, got ${input.dtype}.`);
    }
    if (!tf.util.arraysEqual(input.shape, inputs[0].shape)) {
      throw new Error(
        `${kernel} needs inputs of one shape, got [${inputs[0].shape}] and [${input.shape}].`,
      );
    }
  }
}

/** Kernel registration of {@link ADAM_MOMENT} on the `webgpu` backend. */
export const webGpuAdamMomentConfig: tf.KernelConfig = {
  kernelName: ADAM_MOMENT,
  backendName: "webgpu",
  kernelFunc: ({ inputs, attrs, backend }) => {
    const { moment, gradient } = inputs as { moment: tf.TensorInfo; gradient: tf.TensorInfo };
    checkInputs(ADAM_MOMENT, [moment, gradient]);
    const { decay, squared } = attrs as unknown as AdamMomentAttrs;
    const term = squared ? "g * g" : "g";
    const program = new PerElementProgram(moment.shape, {
      variableNames: ["moment", "gradient"],
      uniforms: "decay : f32, gain : f32,",
      shaderKey: squared ? "adamMomentSquared" : "adamMoment",
      body: `let g = getGradientByOutputIndex(index);
        setOutputAtIndex(index, getMomentByOutputIndex(index) * uniforms.decay + ${term} * uniforms.gain);`,
    });
    return (backend as WebGPUBackend).runWebGPUProgram(program, [moment, gradient], "float32", [
      { type: "float32", data: [decay] },
      { type: "float32", data: [1 - decay] },
    ]);
  },
};

/** Kernel registration of {@link ADAM_VALUE} on the `webgpu` backend. */
export const webGpuAdamValueConfig: tf.KernelConfig = {
  kernelName: ADAM_VALUE,
  backendName: "webgpu",
  kernelFunc: ({ inputs, attrs, backend }) => {
    const { value, firstMoment, secondMoment } = inputs as Record<string, tf.TensorInfo>;
    checkInputs(ADAM_VALUE, [value, firstMoment, secondMoment]);
    const { learningRate, firstCorrection, secondCorrection, epsilon } =
      attrs as unknown as AdamValueAttrs;
    const program = new PerElementProgram(value.shape, {
      variableNames: ["value", "firstMoment", "secondMoment"],
      uniforms: "negativeRate : f32, firstCorrection : f32, secondCorrection : f32, epsilon : f32,",
      shaderKey: "adamValue",
      body: `let m = getFirstMomentByOutputIndex(index) / uniforms.firstCorrection;
        let v = getSecondMomentByOutputIndex(index) / uniforms.secondCorrection;
        setOutputAtIndex(index,
          (m / (sqrt(v) + uniforms.epsilon)) * uniforms.negativeRate + getValueByOutputIndex(index));`,
    });
    return (backend as WebGPUBackend).runWebGPUProgram(
      program,
      [value, firstMoment, secondMoment],
      "float32",
      [
        { type: "float32", data: [-learningRate] },
        { type: "float32", data: [firstCorrection] },
        { type: "float32", data: [secondCorrection] },
        { type: "float32", data: [epsilon] },
      ],
    );
  },
};

/** Whether the active backend has the fused Adam kernels (today: `webgpu` once registered). */
export function hasFusedAdam(): boolean {
  const backend = tf.getBackend();
  return tf.getKernel(ADAM_MOMENT, backend) !== undefined &&
    tf.getKernel(ADAM_VALUE, backend) !== undefined;
}

/** The moment's next value, in one pass: see {@link ADAM_MOMENT}. */
export function adamMoment(
  moment: tf.Tensor,
  gradient: tf.Tensor,
  attrs: AdamMomentAttrs,
): tf.Tensor {
  return tf.engine().runKernel(
    ADAM_MOMENT,
    { moment, gradient },
    { ...attrs } as unknown as tf.NamedAttrMap,
  ) as tf.Tensor;
}

/** The variable's next value from its updated moments, in one pass: see {@link ADAM_VALUE}. */
export function adamValue(
  value: tf.Tensor,
  firstMoment: tf.Tensor,
  secondMoment: tf.Tensor,
  attrs: AdamValueAttrs,
): tf.Tensor {
  return tf.engine().runKernel(
    ADAM_VALUE,
    { value, firstMoment, secondMoment },
    { ...attrs } as unknown as tf.NamedAttrMap,
  ) as tf.Tensor;
}
