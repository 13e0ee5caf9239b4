import * as tf from "@tensorflow/tfjs";
import { hasHashedDropout, hashedDropout } from "../engine/webgpu/dropout.ts";

/** Options of {@link SeededDropout}. */
export interface SeededDropoutArgs {
  /** Fraction of the inputs set to zero during training, in [0, 1). */
  rate: number;
  /** Base seed; call n draws its mask with seed `seed + n`, so a run is repeatable. */
  seed: number;
  /** Layer name. */
  name?: string;
}

/**
 * Dropout whose masks are repeatable per seed and still differ between steps.
 *
 * tfjs's own `Dropout` with a `seed` draws the *same* mask on every step (the
 * seed is passed unchanged to each call), and without one it uses
 * `Math.random`, so a run cannot be repeated. This layer counts its calls and
 * derives each mask's seed from the base seed and the count.
 *
 * On the CPU engines call n uses tfjs's seeded generator with seed
 * `seed + n`, so two layers whose seeds differ by d repeat each other's masks
 * d calls apart (kept, so stored results stay reproducible). On WebGPU the
 * mask is drawn on the GPU by a counter-based hash of (seed, n)
 * (lib/engine/webgpu/dropout.ts), which has no such overlap. The engines draw
 * different masks from the same seed (as PyTorch's CPU and CUDA generators
 * do), each repeatable on its own engine.
 */
export class SeededDropout extends tf.layers.Layer {
  /** Name under which the layer is registered for serialization. */
  static className = "SeededDropout";
  readonly rate: number;
  readonly seed: number;
  #calls = 0;

  constructor(args: SeededDropoutArgs) {
    super({ name: args.name });
    if (!(args.rate >= 0 && args.rate < 1)) {
      throw new Error(`Dropout rate must be in [0, 1), got ${args.rate}.`);
    }
    this.rate = args.rate;
    this.seed = args.seed;
    this.supportsMasking = true;
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: { training?: boolean }): tf.Tensor {
    const input = Array.isArray(inputs) ? inputs[0] : inputs;
    if (!kwargs.training || this.rate === 0) return input;
    const call = this.#calls++;
    if (hasHashedDropout()) return hashedDropout(input, { rate: this.rate, seed: this.seed, call });
    const callSeed = this.seed + call;
    return tf.tidy(() => tf.dropout(input, this.rate, undefined, callSeed));
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape | tf.Shape[] {
    return inputShape;
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), rate: this.rate, seed: this.seed };
  }
}

tf.serialization.registerClass(SeededDropout);
