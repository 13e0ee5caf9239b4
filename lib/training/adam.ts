/**
 * The Adam optimizer the library trains with: tfjs's own, except that on an
 * engine with fused Adam kernels (WebGPU, lib/engine/webgpu/adam.ts) each variable's
 * update is three GPU passes instead of fourteen kernels.
 */
import * as tf from "@tensorflow/tfjs";
import { adamMoment, adamValue, hasFusedAdam } from "../engine/webgpu/adam.ts";

/** tfjs's name for an optimizer's slot variable (its type is not exported). */
interface SlotVariable {
  originalName: string;
  variable: tf.Variable;
}

/**
 * The state `tf.AdamOptimizer` keeps in private fields. The fused path reads
 * and writes the same fields, so saving, restoring and disposing the optimizer
 * (tfjs's own methods) see one state whichever path ran.
 */
interface AdamState {
  accBeta1: tf.Variable;
  accBeta2: tf.Variable;
  accumulatedFirstMoment: SlotVariable[];
  accumulatedSecondMoment: SlotVariable[];
}

/** What `applyGradients` takes: gradients by variable name, as a map or a list. */
type AdamGradients = Parameters<tf.AdamOptimizer["applyGradients"]>[0];

/** `tf.AdamOptimizer` with the fused update where the active engine has it. */
export class FusedAdamOptimizer extends tf.AdamOptimizer {
  /**
   * Applies one Adam step: tfjs's own code where the engine lacks the fused
   * kernels, else three fused passes per variable computing the same formula.
   */
  override applyGradients(variableGradients: AdamGradients): void {
    if (!hasFusedAdam()) {
      super.applyGradients(variableGradients);
      return;
    }
    const state = this as unknown as AdamState;
    const gradients = Array.isArray(variableGradients)
      ? variableGradients
      : Object.entries(variableGradients).map(([name, tensor]) => ({ name, tensor }));
    // This is step t = iterations + 1; tfjs keeps beta^t in accBeta1 and accBeta2.
    const step = this.iterations + 1;
    const valueAttrs = {
      learningRate: this.learningRate,
      firstCorrection: 1 - this.beta1 ** step,
      secondCorrection: 1 - this.beta2 ** step,
      epsilon: this.epsilon,
    };
    tf.tidy(() => {
      gradients.forEach(({ name, tensor: gradient }, i) => {
        const value = tf.engine().registeredVariables[name];
        state.accumulatedFirstMoment[i] ??= {
          originalName: `${name}/m`,
          variable: tf.tidy(() => tf.zerosLike(value).variable(false)),
        };
        state.accumulatedSecondMoment[i] ??= {
          originalName: `${name}/v`,
          variable: tf.tidy(() => tf.zerosLike(value).variable(false)),
        };
        if (gradient == null) return;
        const firstMoment = state.accumulatedFirstMoment[i].variable;
        const secondMoment = state.accumulatedSecondMoment[i].variable;
        firstMoment.assign(
          adamMoment(firstMoment, gradient, { decay: this.beta1, squared: false }),
        );
        secondMoment.assign(
          adamMoment(secondMoment, gradient, { decay: this.beta2, squared: true }),
        );
        value.assign(adamValue(value, firstMoment, secondMoment, valueAttrs));
      });
      state.accBeta1.assign(tf.scalar(this.beta1 ** (step + 1)));
      state.accBeta2.assign(tf.scalar(this.beta2 ** (step + 1)));
    });
    this.incrementIterations();
  }
}

/**
 * Adam with tfjs's defaults (beta1 0.9, beta2 0.999, the engine's epsilon),
 * fused on WebGPU: use it wherever `tf.train.adam(learningRate)` would go.
 */
export function adam(learningRate = 1e-3): FusedAdamOptimizer {
  return new FusedAdamOptimizer(learningRate, 0.9, 0.999);
}
