/**
 * FusedAdamOptimizer (lib/training/adam.ts) is tfjs's Adam itself on the CPU
 * engines. Its fused update on webgpu is tested in
 * tests/engine/webgpu/adam_test.ts.
 */
import * as tf from "@tensorflow/tfjs";
import assert from "node:assert/strict";
import { adam } from "../../lib/training/adam.ts";
import { hasFusedAdam } from "../../lib/engine/webgpu/adam.ts";
import { train } from "../fixtures/adam_steps.ts";

Deno.test("on the cpu engine adam() is tfjs's Adam, bit for bit", async () => {
  await tf.setBackend("cpu");
  assert.equal(hasFusedAdam(), false);
  const ours = await train(adam(3e-3), 6);
  const theirs = await train(tf.train.adam(3e-3), 6);
  assert.deepEqual(ours, theirs);
});
