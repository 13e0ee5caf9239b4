/**
 * The fused Adam update on webgpu (lib/engine/webgpu/adam.ts), run through
 * adam() where a WebGPU adapter exists (a software one will do): it matches
 * tfjs's Adam on the cpu backend over several steps, learning-rate changes
 * and saved state included.
 */
import * as tf from "@tensorflow/tfjs";
import assert from "node:assert/strict";
import { adam } from "../../../lib/training/adam.ts";
import { hasFusedAdam } from "../../../lib/engine/webgpu/adam.ts";
import { registerWebGpuTrainingKernels } from "../../../lib/engine/webgpu/kernels.ts";
import { train } from "../../fixtures/adam_steps.ts";
import { whyNoWebGpu } from "../../fixtures/webgpu_adapter.ts";

function maxRelativeDifference(a: Float32Array, b: Float32Array): number {
  assert.equal(a.length, b.length);
  let worst = 0;
  for (let i = 0; i < a.length; i++) {
    worst = Math.max(worst, Math.abs(a[i] - b[i]) / Math.max(1e-3, Math.abs(b[i])));
  }
  return worst;
}

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
