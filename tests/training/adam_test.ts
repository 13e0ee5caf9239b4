/**
 * FusedAdamOptimizer (lib/training/adam.ts) is tfjs's Adam itself on the CPU
 * engines. Its fused update on webgpu is tested in
 * tests/engine/webgpu/adam_test.ts; here its bookkeeping (step count, bias
 * corrections, moments, tfjs's state) runs on a cpu backend given reference
 * kernels for the two fused operations, so it is checked on every machine.
 */
import * as tf from "@tensorflow/tfjs";
import assert from "node:assert/strict";
import { adam } from "../../lib/training/adam.ts";
import {
  ADAM_MOMENT,
  ADAM_VALUE,
  type AdamMomentAttrs,
  type AdamValueAttrs,
  hasFusedAdam,
} from "../../lib/engine/webgpu/adam.ts";
import { train } from "../fixtures/adam_steps.ts";
import { randomValues } from "../fixtures/random_values.ts";

Deno.test("on the cpu engine adam() is tfjs's Adam, bit for bit", async () => {
  await tf.setBackend("cpu");
  assert.equal(hasFusedAdam(), false);
  const ours = await train(adam(3e-3), 6);
  const theirs = await train(tf.train.adam(3e-3), 6);
  assert.deepEqual(ours, theirs);
});

/** What the reference kernels use of the cpu backend. */
interface CpuBackend {
  readSync(dataId: object): Float32Array;
  makeTensorInfo(shape: number[], dtype: "float32", values: Float32Array): tf.TensorInfo;
}

/** A fused kernel's inputs and attributes, computed in plain arithmetic by `compute`. */
function referenceKernel(
  kernelName: string,
  backendName: string,
  compute: (inputs: Record<string, Float32Array>, attrs: tf.NamedAttrMap) => Float32Array,
): tf.KernelConfig {
  return {
    kernelName,
    backendName,
    kernelFunc: ({ inputs, attrs, backend }) => {
      fusedCalls[kernelName]++;
      const cpu = backend as CpuBackend;
      const entries = Object.entries(inputs as Record<string, tf.TensorInfo>);
      const values = Object.fromEntries(entries.map(([key, t]) => [key, cpu.readSync(t.dataId)]));
      return cpu.makeTensorInfo(entries[0][1].shape, "float32", compute(values, attrs ?? {}));
    },
  };
}

/** Calls of the reference fused kernels, by kernel name. */
const fusedCalls: Record<string, number> = { [ADAM_MOMENT]: 0, [ADAM_VALUE]: 0 };

/**
 * Registers (and switches to) a backend `name`: the cpu backend with every cpu
 * kernel, plus the two fused Adam kernels written out in plain arithmetic from
 * their documented formulas (lib/engine/webgpu/adam.ts), counted in `fusedCalls`.
 */
async function useCpuWithFusedAdam(name: string): Promise<void> {
  tf.registerBackend(name, tf.findBackendFactory("cpu"), -1);
  for (const kernel of tf.getKernelsForBackend("cpu")) {
    tf.registerKernel({ ...kernel, backendName: name });
  }
  tf.registerKernel(referenceKernel(ADAM_MOMENT, name, ({ moment, gradient }, attrs) => {
    const { decay, squared } = attrs as unknown as AdamMomentAttrs;
    return moment.map((m, i) =>
      decay * m + (1 - decay) * (squared ? gradient[i] ** 2 : gradient[i])
    );
  }));
  tf.registerKernel(
    referenceKernel(ADAM_VALUE, name, ({ value, firstMoment, secondMoment }, attrs) => {
      const { learningRate, firstCorrection, secondCorrection, epsilon } =
        attrs as unknown as AdamValueAttrs;
      return value.map((w, i) =>
        w - learningRate * (firstMoment[i] / firstCorrection) /
          (Math.sqrt(secondMoment[i] / secondCorrection) + epsilon)
      );
    }),
  );
  assert.ok(await tf.setBackend(name), `the backend ${name} failed to initialise`);
}

/** Whether every value of `a` is within `tolerance` (relative, or absolute below 1e-3) of `b`. */
function assertClose(a: Float32Array, b: Float32Array, tolerance: number, what: string): void {
  assert.equal(a.length, b.length, what);
  a.forEach((value, i) => {
    const difference = Math.abs(value - b[i]) / Math.max(1e-3, Math.abs(b[i]));
    assert.ok(difference < tolerance, `${what}[${i}]: ${value} vs ${b[i]}`);
  });
}

Deno.test("with fused kernels, adam() takes tfjs's Adam steps (learning-rate change and moments included)", async () => {
  await tf.setBackend("cpu");
  const reference = await train(tf.train.adam(3e-3), 8);
  await useCpuWithFusedAdam("cpu-fused-adam");
  try {
    assert.ok(hasFusedAdam());
    const callsBefore = { ...fusedCalls };
    const fused = await train(adam(3e-3), 8);
    // 8 steps on 3 variables: two moment passes and one value pass each.
    assert.equal(fusedCalls[ADAM_MOMENT] - callsBefore[ADAM_MOMENT], 8 * 3 * 2);
    assert.equal(fusedCalls[ADAM_VALUE] - callsBefore[ADAM_VALUE], 8 * 3);
    // Values, then the iteration count, then first and second moments of each variable.
    assert.equal(fused.length, reference.length);
    fused.forEach((values, i) => assertClose(values, reference[i], 1e-5, `array ${i}`));
  } finally {
    await tf.setBackend("cpu");
  }
});

/**
 * `steps` Adam steps on two variables (the second never gets a gradient) with
 * fixed gradients in the map form `minimize` passes; after `fusedSteps` steps
 * the fused kernels are removed, so tfjs's own code takes the rest from the
 * state the fused steps left. Returns the values, and the saved weights' names
 * and values.
 */
async function mixedRun(optimizer: tf.AdamOptimizer, steps: number, fusedSteps: number) {
  const backend = tf.getBackend();
  const id = crypto.randomUUID();
  const trained = tf.variable(tf.tensor(randomValues(6, 1), [2, 3]), true, `trained_${id}`);
  const idle = tf.variable(tf.tensor(randomValues(4, 2)), true, `idle_${id}`);
  for (let step = 0; step < steps; step++) {
    if (step === fusedSteps && hasFusedAdam()) {
      tf.unregisterKernel(ADAM_MOMENT, backend);
      tf.unregisterKernel(ADAM_VALUE, backend);
    }
    const gradient = tf.tensor(randomValues(6, 10 + step), [2, 3]);
    const gradients = { [trained.name]: gradient, [idle.name]: null };
    optimizer.applyGradients(
      gradients as unknown as Parameters<tf.AdamOptimizer["applyGradients"]>[0],
    );
    gradient.dispose();
  }
  const values = [await trained.data(), await idle.data()] as Float32Array[];
  const saved = await optimizer.getWeights();
  const names = saved.map((weight) => weight.name.replace(id, "ID"));
  const trainable = saved.slice(1).map((weight) => (weight.tensor as tf.Variable).trainable);
  const slots = await Promise.all(saved.map(async (w) => await w.tensor.data() as Float32Array));
  tf.dispose([trained, idle]);
  optimizer.dispose();
  return { values, names, slots, trainable };
}

Deno.test("fused Adam steps leave tfjs's own state: tfjs's Adam carries on from them as from its own", async () => {
  await tf.setBackend("cpu");
  const reference = await mixedRun(tf.train.adam(0.01), 6, 6);
  await useCpuWithFusedAdam("cpu-fused-adam-then-plain");
  try {
    const mixed = await mixedRun(adam(0.01), 6, 3);
    assert.deepEqual(mixed.names, reference.names);
    // The moments are not trainable (as in tfjs), so they never join a model's trainable weights.
    assert.deepEqual(mixed.trainable, [false, false, false, false]);
    assert.deepEqual(reference.trainable, mixed.trainable);
    assert.deepEqual(mixed.names, [
      "iter",
      "trained_ID/m",
      "idle_ID/m",
      "trained_ID/v",
      "idle_ID/v",
    ]);
    mixed.values.forEach((values, i) => assertClose(values, reference.values[i], 1e-5, `var ${i}`));
    // The variable without a gradient is left as it was, its moments at zero.
    assert.deepEqual(mixed.values[1], randomValues(4, 2));
    mixed.slots.forEach((values, i) => assertClose(values, reference.slots[i], 1e-5, `slot ${i}`));
  } finally {
    await tf.setBackend("cpu");
  }
});
