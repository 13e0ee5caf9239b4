import * as tf from "@tensorflow/tfjs";
import { assert, assertEquals, assertRejectsWith } from "../assert.ts";
import { selectEngine } from "../../lib/engine/select_engine.ts";
import { buildDenseNet, buildLogisticRegression } from "../../lib/models/tabular_model.ts";

await selectEngine({ backend: "wasm", log: () => {} });

/** Every weight of `model`, flattened in layer order. */
function weightsOf(model: tf.LayersModel): number[] {
  return model.getWeights().flatMap((weight) => Array.from(weight.dataSync()));
}

Deno.test("the tabular models: a dense net with hidden ReLU layers, and one sigmoid unit", async () => {
  const net = buildDenseNet({ inputSize: 85, seed: 1 });
  assertEquals(net.outputs[0].shape, [null, 1]);
  assertEquals(net.countParams(), 85 * 32 + 32 + 32 * 16 + 16 + 16 + 1);
  const logistic = buildLogisticRegression({ inputSize: 85 });
  assertEquals(logistic.countParams(), 86);
  await assertRejectsWith(() => buildDenseNet({ inputSize: 0 }), "inputSize is 0");
  await assertRejectsWith(() => buildDenseNet({ inputSize: 3, hidden: [] }), "hidden is []");
});

Deno.test("buildDenseNet lays out the hidden layers given, with dropout after each unless the rate is 0", () => {
  const layers = (model: tf.Sequential) =>
    model.layers.map((layer) => [layer.name, layer.getClassName()]);
  const net = buildDenseNet({ inputSize: 4, hidden: [8, 3, 2] });
  assertEquals(layers(net), [
    ["hidden1", "Dense"],
    ["dropout1", "SeededDropout"],
    ["hidden2", "Dense"],
    ["dropout2", "SeededDropout"],
    ["hidden3", "Dense"],
    ["dropout3", "SeededDropout"],
    ["output", "Dense"],
  ]);
  assertEquals(net.countParams(), 4 * 8 + 8 + 8 * 3 + 3 + 3 * 2 + 2 + 2 + 1);
  const plain = buildDenseNet({ inputSize: 4, hidden: [5], dropout: 0 });
  assertEquals(layers(plain), [["hidden1", "Dense"], ["output", "Dense"]]);
});

Deno.test("the tabular models' outputs are probabilities: a sigmoid of the last layer's sum", () => {
  const model = buildLogisticRegression({ inputSize: 3, seed: 2 });
  const [kernel, bias] = model.getWeights().map((weight) => Array.from(weight.dataSync()));
  const x = [0.5, -1, 2];
  const logit = x.reduce((sum, value, i) => sum + value * kernel[i], bias[0]);
  const output = tf.tidy(() => (model.predict(tf.tensor2d([x])) as tf.Tensor).dataSync()[0]);
  assert(Math.abs(output - 1 / (1 + Math.exp(-logit))) < 1e-6, `output ${output}, logit ${logit}`);
  // The bias starts at zero, as Keras's Dense does.
  assertEquals(bias, [0]);
});

Deno.test("the tabular models' initial weights derive from the seed: the same seed, the same weights", () => {
  const dense = (seed: number) => weightsOf(buildDenseNet({ inputSize: 6, seed }));
  assertEquals(dense(3), dense(3));
  assert(JSON.stringify(dense(3)) !== JSON.stringify(dense(4)), "seeds 3 and 4 gave one net");
  const logistic = (seed?: number) => weightsOf(buildLogisticRegression({ inputSize: 6, seed }));
  assertEquals(logistic(), logistic(0));
  assert(JSON.stringify(logistic(1)) !== JSON.stringify(logistic(2)), "seeds 1 and 2 agree");
});

Deno.test("the tabular models name a bad size and the fix", async () => {
  await assertRejectsWith(
    () => buildLogisticRegression({ inputSize: 2.5 }),
    "buildLogisticRegression: inputSize is 2.5",
    "number of feature columns",
  );
  await assertRejectsWith(
    () => buildDenseNet({ inputSize: 3, hidden: [4, 0] }),
    "buildDenseNet: hidden is [4, 0]",
    "buildLogisticRegression for none",
  );
  await assertRejectsWith(() => buildDenseNet({ inputSize: 3, hidden: [1.5] }), "hidden is [1.5]");
});

Deno.test("buildDenseNet: every layer's initial kernel follows the seed", () => {
  const kernels = (seed: number) =>
    buildDenseNet({ inputSize: 6, hidden: [8, 4], seed }).layers
      .filter((layer) => layer.getWeights().length > 0)
      .map((layer) => Array.from(layer.getWeights()[0].dataSync()));
  const [three, four] = [kernels(3), kernels(4)];
  assertEquals(three.length, 3);
  three.forEach((kernel, layer) =>
    assert(
      JSON.stringify(kernel) !== JSON.stringify(four[layer]),
      `layer ${layer}: seeds 3 and 4 gave one kernel`,
    )
  );
});
