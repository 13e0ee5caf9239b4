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

/** Each weighted layer's kernel (its first weight), flattened, in layer order. */
function kernelsOf(model: tf.LayersModel): number[][] {
  return model.layers.filter((layer) => layer.getWeights().length > 0).map((layer) =>
    Array.from(layer.getWeights()[0].dataSync())
  );
}

Deno.test("buildSimpleCnn: every layer's initial kernel follows the seed", async () => {
  await selectEngine({ backend: "wasm", log: () => {} });
  const kernels = (seed?: number) => {
    const model = buildSimpleCnn({ imageSize: 8, seed });
    const values = kernelsOf(model);
    model.dispose();
    return values;
  };
  const three = kernels(3);
  assert.equal(three.length, 5, "three convolutions and two dense layers");
  assert.deepEqual(kernels(3), three);
  assert.deepEqual(kernels(), kernels(0), "no seed is seed 0");
  const four = kernels(4);
  three.forEach((kernel, layer) =>
    assert.notDeepEqual(four[layer], kernel, `layer ${layer}: seeds 3 and 4 gave one kernel`)
  );
});

Deno.test("buildSimpleCnn takes a height and a width, and refuses images too small to pool three times", async () => {
  await selectEngine({ backend: "wasm", log: () => {} });
  const model = buildSimpleCnn({ imageSize: [16, 8] });
  assert.deepEqual(model.inputs[0].shape, [null, 16, 8, 3]);
  // Three 2x2 poolings: 16x8 → 2x1, so the dense layer sees 2 · 1 · 128 features.
  assert.deepEqual(model.getLayer("dense").getWeights()[0].shape, [256, 64]);
  model.dispose();
  for (const imageSize of [4, [16, 7], [7, 16]] as (number | [number, number])[]) {
    assert.throws(
      () => buildSimpleCnn({ imageSize }),
      /too small for three 2x2 poolings: use at least 8x8/,
      JSON.stringify(imageSize),
    );
  }
});
