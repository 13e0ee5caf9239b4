/**
 * Conv2DBackpropInput on wasm (lib/engine/wasm/conv2d_backprop_input.ts)
 * gives the cpu backend's input gradient.
 */
import assert from "node:assert/strict";
import { convCases, convGradients, describe } from "../../fixtures/conv_gradient_cases.ts";
import { maxAbsDifference, runOn, tolerance, withWasm } from "../../fixtures/wasm_against_cpu.ts";

Deno.test("Conv2DBackpropInput on wasm matches cpu across strides, paddings and shapes", async () => {
  await withWasm(async () => {
    for (const c of convCases) {
      const [cpuInput] = await runOn("cpu", () => convGradients(c));
      const [wasmInput] = await runOn("wasm", () => convGradients(c));
      const inputError = maxAbsDifference(wasmInput, cpuInput);
      assert.ok(
        inputError <= tolerance,
        `input gradient differs by ${inputError} for ${describe(c)}`,
      );
    }
  });
});
