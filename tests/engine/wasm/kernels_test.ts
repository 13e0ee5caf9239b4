/**
 * registerWasmTrainingKernels (lib/engine/wasm/kernels.ts) registers the
 * kernels of this folder on wasm, once however often it is called, and with
 * them the series' CNN trains on wasm as on cpu. Each kernel's own tests are
 * in the test file named after it.
 */
import * as tf from "@tensorflow/tfjs";
import assert from "node:assert/strict";
import { registerWasmTrainingKernels } from "../../../lib/engine/wasm/kernels.ts";
import { randomValues } from "../../fixtures/random_values.ts";
import { maxAbsDifference, runOn, withWasm } from "../../fixtures/wasm_against_cpu.ts";

Deno.test("registerWasmTrainingKernels is idempotent", async () => {
  // With the wasm package imported (the function's precondition), as selectEngine does.
  await withWasm(() => {
    registerWasmTrainingKernels();
    registerWasmTrainingKernels();
    assert.ok(tf.getKernel(tf.Conv2DBackpropFilter, "wasm") !== undefined);
  });
});

Deno.test("registerWasmTrainingKernels replaces wasm's own Conv2DBackpropInput", async () => {
  await withWasm(async () => {
    const dy = tf.ones([1, 3, 3, 1]) as tf.Tensor4D;
    const filter = tf.ones([3, 3, 1, 1]) as tf.Tensor4D;
    const info = await tf.profile(() => tf.conv2dTranspose(dy, filter, [1, 3, 3, 1], 1, "same"));
    tf.dispose([dy, filter, info.result as tf.Tensor]);
    const kernelsRun = info.kernels.map((kernel) => kernel.name);
    // The replacement runs as a Conv2D on the turned filter, not as wasm's scalar loop.
    assert.ok(kernelsRun.includes("Conv2DBackpropInput"), kernelsRun.join(", "));
    assert.ok(kernelsRun.includes("Conv2D"), kernelsRun.join(", "));
  });
});

/** The series' CNN (smallest input its three conv+pool stages accept), dropout seeded for repeatability. */
function seriesCnn(size: number): tf.Sequential {
  const model = tf.sequential();
  for (const [index, filters] of [32, 64, 128].entries()) {
    model.add(tf.layers.conv2d({
      ...(index === 0 ? { inputShape: [size, size, 3] } : {}),
      filters,
      kernelSize: 3,
      activation: "relu",
      kernelInitializer: tf.initializers.heUniform({ seed: index + 1 }),
    }));
    model.add(tf.layers.maxPooling2d({ poolSize: 2 }));
  }
  model.add(tf.layers.dropout({ rate: 0.15, seed: 7 }));
  model.add(tf.layers.flatten());
  model.add(
    tf.layers.dense({
      units: 64,
      activation: "relu",
      kernelInitializer: tf.initializers.glorotUniform({ seed: 8 }),
    }),
  );
  model.add(tf.layers.dropout({ rate: 0.4, seed: 9 }));
  model.add(
    tf.layers.dense({
      units: 1,
      activation: "sigmoid",
      kernelInitializer: tf.initializers.glorotUniform({ seed: 10 }),
    }),
  );
  return model;
}

/**
 * The class-weighted loss of the series' CNN on a small batch and its
 * gradient with respect to every weight: [loss, ...gradients]. Gradients are
 * compared directly because an Adam step (about rate × sign of the gradient
 * at the first step) would hide gradients off by any positive factor.
 */
function seriesCnnGradients(): tf.Tensor[] {
  const size = 22;
  const batch = 3;
  const model = seriesCnn(size);
  const x = tf.tensor4d(randomValues(batch * size * size * 3, 11).map((v) => (v + 1) / 2), [
    batch,
    size,
    size,
    3,
  ]);
  const labels = tf.tensor2d([[1], [0], [1]]);
  const exampleWeights = tf.tensor2d([[10], [1], [10]]);
  const weights = model.trainableWeights.map((weight) => weight.read() as tf.Variable);
  const { value, grads } = tf.variableGrads(() => {
    const probabilities = tf.clipByValue(
      model.apply(x, { training: true }) as tf.Tensor,
      1e-7,
      1 - 1e-7,
    );
    const crossEntropy = tf.neg(
      tf.add(
        tf.mul(labels, tf.log(probabilities)),
        tf.mul(tf.sub(1, labels), tf.log(tf.sub(1, probabilities))),
      ),
    );
    return tf.mean(tf.mul(crossEntropy, exampleWeights)) as tf.Scalar;
  }, weights);
  const gradients = weights.map((weight) => grads[weight.name]);
  tf.dispose([x, labels, exampleWeights]);
  model.dispose();
  return [value, ...gradients];
}

Deno.test("the series' CNN's loss and gradient of every weight on wasm match cpu", async () => {
  await withWasm(async () => {
    const onCpu = await runOn("cpu", seriesCnnGradients);
    const onWasm = await runOn("wasm", seriesCnnGradients);
    assert.equal(onWasm.length, onCpu.length);
    assert.equal(onCpu.length, 1 + 10, "the loss and the 10 weight tensors' gradients");
    assert.ok(onCpu[0][0] > 0, `the loss should be positive, got ${onCpu[0][0]}`);
    onCpu.forEach((expected, index) => {
      // Within 1e-3 of the tensor's largest value: a gradient off by any factor fails.
      const scale = expected.reduce((max, value) => Math.max(max, Math.abs(value)), 0);
      assert.ok(scale > 0, `${index === 0 ? "loss" : `gradient ${index - 1}`} is all zeros`);
      const error = maxAbsDifference(onWasm[index], expected);
      assert.ok(
        error <= 1e-3 * scale,
        `${index === 0 ? "loss" : `gradient ${index - 1}`} differs by ${error} (largest ${scale})`,
      );
    });
  });
});
