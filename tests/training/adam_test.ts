/**
 * FusedAdamOptimizer (lib/training/adam.ts): tfjs's Adam itself on the CPU engines,
 * and, where a WebGPU adapter exists (a software one will do), the fused GPU
 * update (lib/engine/webgpu/adam.ts) matching tfjs's Adam on the cpu backend over
 * several steps, learning-rate changes and saved state included.
 */
import * as tf from "@tensorflow/tfjs";
import assert from "node:assert/strict";
import { adam } from "../../lib/training/adam.ts";
import { hasFusedAdam } from "../../lib/engine/webgpu/adam.ts";
import { registerWebGpuTrainingKernels } from "../../lib/engine/webgpu/kernels.ts";
import { setLearningRate } from "../../lib/training/learning_rate.ts";
import { randomValues } from "../fixtures/random_values.ts";
import { whyNoWebGpu } from "../fixtures/webgpu_adapter.ts";

const shapes = [[3, 3, 2, 4], [4], [37, 5]];

/** A step's gradient for variable `v` at step `step`: fixed pseudo-random values. */
function gradientValues(v: number, step: number): Float32Array {
  const size = shapes[v].reduce((a, b) => a * b);
  return Float32Array.from(randomValues(size, 100 * v + step), (x) => x * (v + 1));
}

/**
 * Runs `steps` Adam steps with `optimizer` on fresh variables and returns the
 * variables' final values and the optimizer's saved weights (moments), as arrays.
 * The learning rate drops to a third halfway, as ReduceLROnPlateau would.
 */
async function train(optimizer: tf.Optimizer, steps: number): Promise<Float32Array[]> {
  const variables = shapes.map((shape, v) =>
    tf.variable(
      tf.tensor(randomValues(shape.reduce((a, b) => a * b), 50 + v), shape),
      true,
      `w${v}_${crypto.randomUUID()}`,
    )
  );
  for (let step = 0; step < steps; step++) {
    if (step === Math.floor(steps / 2)) setLearningRate(optimizer, 1e-3);
    const gradients = variables.map((variable, v) => ({
      name: variable.name,
      tensor: tf.tensor(gradientValues(v, step), variable.shape),
    }));
    // Both forms applyGradients takes: a list (odd steps) and a map by name (what minimize passes).
    optimizer.applyGradients(
      step % 2 === 1
        ? gradients
        : Object.fromEntries(gradients.map(({ name, tensor }) => [name, tensor])),
    );
    tf.dispose(gradients.map((g) => g.tensor));
  }
  const values = await Promise.all(variables.map(async (v) => await v.data() as Float32Array));
  const weights = await optimizer.getWeights();
  const slots = await Promise.all(weights.map(async (w) => await w.tensor.data() as Float32Array));
  tf.dispose(variables);
  optimizer.dispose();
  return [...values, ...slots];
}

function maxRelativeDifference(a: Float32Array, b: Float32Array): number {
  assert.equal(a.length, b.length);
  let worst = 0;
  for (let i = 0; i < a.length; i++) {
    worst = Math.max(worst, Math.abs(a[i] - b[i]) / Math.max(1e-3, Math.abs(b[i])));
  }
  return worst;
}

Deno.test("on the cpu engine adam() is tfjs's Adam, bit for bit", async () => {
  await tf.setBackend("cpu");
  assert.equal(hasFusedAdam(), false);
  const ours = await train(adam(3e-3), 6);
  const theirs = await train(tf.train.adam(3e-3), 6);
  assert.deepEqual(ours, theirs);
});

const skipReason = await whyNoWebGpu();
if (skipReason !== undefined) {
  console.log(`adam_test: skipping the fused WebGPU Adam test: ${skipReason}.`);
}

Deno.test({
  name: "on webgpu the fused Adam update matches tfjs's Adam on the cpu backend",
  ignore: skipReason !== undefined,
  fn: async () => {
    await tf.setBackend("cpu");
    const reference = await train(tf.train.adam(3e-3), 8);
    await import("@tensorflow/tfjs-backend-webgpu");
    registerWebGpuTrainingKernels();
    assert.ok(await tf.setBackend("webgpu"), "the webgpu backend failed to initialise");
    try {
      assert.ok(hasFusedAdam());
      const fused = await train(adam(3e-3), 8);
      // Values, then the iteration count, then first and second moments of each variable.
      assert.equal(fused.length, reference.length);
      fused.forEach((values, i) => {
        const difference = maxRelativeDifference(values, reference[i]);
        assert.ok(difference < 1e-5, `array ${i}: off by ${difference}`);
      });
    } finally {
      await tf.setBackend("cpu");
    }
  },
});
