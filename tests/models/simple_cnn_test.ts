/**
 * buildSimpleCnn (lib/models/simple_cnn.ts): its dropout layers draw new
 * masks at each training step, and a model built from the same seed draws
 * the same ones; its output unit starts at the bias asked for.
 */
import * as tf from "@tensorflow/tfjs";
import assert from "node:assert/strict";
import { selectEngine } from "../../lib/engine/select_engine.ts";
import { buildSimpleCnn } from "../../lib/models/simple_cnn.ts";
import { assertAlmostEquals } from "../assert.ts";

Deno.test("a model's training steps see new dropout masks; a model built from the same seed sees the same ones", async () => {
  await selectEngine({ backend: "wasm", log: () => {} });
  const x = tf.tensor4d(Float32Array.from({ length: 6 * 8 * 8 * 3 }, (_, i) => (i % 17) / 17), [
    6,
    8,
    8,
    3,
  ]);
  const outputs = async (model: tf.LayersModel) => {
    const y = model.apply(x, { training: true }) as tf.Tensor;
    const values = Array.from(await y.data());
    y.dispose();
    return values;
  };
  const model = buildSimpleCnn({ imageSize: 8, seed: 4 });
  const steps = [await outputs(model), await outputs(model)];
  assert.notDeepEqual(steps[0], steps[1], "two training steps used the same dropout masks");
  const twin = buildSimpleCnn({ imageSize: 8, seed: 4 });
  assert.deepEqual([await outputs(twin), await outputs(twin)], steps);
  tf.dispose([x]);
  model.dispose();
  twin.dispose();
});

Deno.test("buildSimpleCnn sets the output unit's initial bias", async () => {
  await selectEngine({ backend: "wasm", log: () => {} });
  const bias = Math.log(100 / 1000);
  const model = buildSimpleCnn({ imageSize: 8, outputBias: bias });
  const outputBias = model.getLayer("output").getWeights()[1].dataSync();
  assertAlmostEquals(outputBias[0], bias, 1e-6);
  model.dispose();
});
