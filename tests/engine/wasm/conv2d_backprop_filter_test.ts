/**
 * Conv2DBackpropFilter on wasm (lib/engine/wasm/conv2d_backprop_filter.ts)
 * gives the cpu backend's filter gradient, and leaves the tensors it reads alive.
 */
import * as tf from "@tensorflow/tfjs";
import assert from "node:assert/strict";
import { randomValues } from "../../fixtures/random_values.ts";
import { convCases, convGradients, describe } from "../../fixtures/conv_gradient_cases.ts";
import { maxAbsDifference, runOn, tolerance, withWasm } from "../../fixtures/wasm_against_cpu.ts";

Deno.test("Conv2DBackpropFilter on wasm matches cpu across strides, paddings and shapes", async () => {
  await withWasm(async () => {
    for (const c of convCases) {
      const [, cpuFilter] = await runOn("cpu", () => convGradients(c));
      const [, wasmFilter] = await runOn("wasm", () => convGradients(c));
      const filterError = maxAbsDifference(wasmFilter, cpuFilter);
      assert.ok(
        filterError <= tolerance,
        `filter gradient differs by ${filterError} for ${describe(c)}`,
      );
    }
  });
});

Deno.test("the conv gradient kernels on wasm leave their inputs alive and leak no tensor", async () => {
  await withWasm(() => {
    const x = tf.tensor4d(randomValues(2 * 6 * 6 * 3, 4), [2, 6, 6, 3]);
    const filter = tf.tensor4d(randomValues(3 * 3 * 3 * 4, 5), [3, 3, 3, 4]);
    const bias = tf.zeros([4]);
    const before = tf.memory().numTensors;
    // The output gradient is used again (for the bias) after the filter gradient: it must survive.
    const gradients = tf.grads((input, kernel, offset) =>
      tf.sum(
        tf.tanh(tf.add(tf.conv2d(input as tf.Tensor4D, kernel as tf.Tensor4D, 1, "valid"), offset)),
      )
    )([x, filter, bias]);
    assert.deepEqual(gradients.map((g) => g.shape), [[2, 6, 6, 3], [3, 3, 3, 4], [4]]);
    assert.ok(gradients.every((g) => Array.from(g.dataSync()).every(Number.isFinite)));
    tf.dispose(gradients);
    assert.equal(tf.memory().numTensors, before);
    assert.equal(x.dataSync().length, 2 * 6 * 6 * 3, "the input tensor was freed by the kernel");
    tf.dispose([x, filter, bias]);
  });
});
