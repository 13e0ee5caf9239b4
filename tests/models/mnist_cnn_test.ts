import { assert, assertEquals, assertRejectsWith } from "../assert.ts";
import { selectEngine } from "../../lib/engine/select_engine.ts";
import { buildMnistCnn } from "../../lib/models/mnist_cnn.ts";

await selectEngine({ backend: "wasm", log: () => {} });

Deno.test("buildMnistCnn has the tutorial's layers and output shapes", async () => {
  const model = buildMnistCnn({ seed: 1 });
  const shapes = model.layers.map((layer) => [layer.name, layer.outputShape]);
  assertEquals(shapes, [
    ["conv1", [null, 26, 26, 32]],
    ["pool1", [null, 13, 13, 32]],
    ["dropout1", [null, 13, 13, 32]],
    ["conv2", [null, 11, 11, 64]],
    ["pool2", [null, 5, 5, 64]],
    ["dropout2", [null, 5, 5, 64]],
    ["conv3", [null, 3, 3, 64]],
    ["flatten", [null, 576]],
    ["dense", [null, 128]],
    ["dropout3", [null, 128]],
    ["output", [null, 10]],
  ]);
  // 320 + 18,496 + 36,928 + 73,856 + 1,290 weights, as Keras's summary of the tutorial's model.
  assertEquals(model.countParams(), 130_890);
  await assertRejectsWith(() => buildMnistCnn({ classes: 1 }), "classes is 1");
});

Deno.test("buildMnistCnn starts identically for a seed and differently for another", () => {
  const weights = (seed: number) => buildMnistCnn({ seed }).getWeights()[0].dataSync().slice(0, 5);
  assertEquals([...weights(3)], [...weights(3)]);
  assert(weights(3)[0] !== weights(4)[0], "another seed, other weights");
});
