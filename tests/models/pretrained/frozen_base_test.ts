import * as tf from "@tensorflow/tfjs";
import { assert, assertEquals, assertRejectsWith } from "../../assert.ts";
import { arrayDataset } from "../../../lib/data/array_dataset.ts";
import { arrayStream } from "../../../lib/data/batches.ts";
import { trainModel } from "../../../lib/training/train.ts";
import { selectEngine } from "../../../lib/engine/select_engine.ts";
import {
  defaultCutLayer,
  featureExtractor,
  frozenBaseWithHead,
} from "../../../lib/models/pretrained/frozen_base.ts";
import { buildHead } from "../../../lib/models/pretrained/head.ts";

await selectEngine({ backend: "wasm", log: () => {} });

/** A small classifier with batch normalisation and dropout in the part that will be frozen. */
function pretrainedLike(): tf.Sequential {
  const init = (seed: number) => tf.initializers.glorotUniform({ seed });
  return tf.sequential({
    name: "tiny_base",
    layers: [
      tf.layers.conv2d({
        inputShape: [8, 8, 3],
        filters: 4,
        kernelSize: 3,
        kernelInitializer: init(1),
        name: "conv",
      }),
      tf.layers.batchNormalization({ name: "bn" }),
      tf.layers.activation({ activation: "relu", name: "relu" }),
      tf.layers.maxPooling2d({ poolSize: 2, name: "pool" }),
      tf.layers.dropout({ rate: 0.5, name: "dropout" }),
      tf.layers.flatten({ name: "flatten" }),
      tf.layers.dense({
        units: 6,
        activation: "softmax",
        kernelInitializer: init(2),
        name: "classes",
      }),
    ],
  });
}

/** Random pixels in [0, 1] with a label that depends on them, so the head has something to learn. */
function images(count: number) {
  const x = Float32Array.from({ length: count * 8 * 8 * 3 }, (_, i) => ((i * 7919) % 256) / 255);
  const labels = Uint8Array.from({ length: count }, (_, i) => (x[i * 192] > 0.5 ? 1 : 0));
  return arrayDataset(x, [8, 8, 3], labels);
}

async function bytesOf(weights: tf.LayerVariable[]): Promise<Uint8Array[]> {
  return await Promise.all(
    weights.map(async (weight) => new Uint8Array((await weight.read().data()).slice().buffer)),
  );
}

Deno.test("the default cut is the last layer before the base's classifier head", async () => {
  assertEquals(defaultCutLayer(pretrainedLike()), "pool", "dropout before flatten is skipped");
  const headless = tf.sequential({
    name: "headless",
    layers: [tf.layers.conv2d({ inputShape: [8, 8, 3], filters: 2, kernelSize: 3, name: "c1" })],
  });
  assertEquals(defaultCutLayer(headless), "c1");
  const dense = tf.sequential({
    layers: [tf.layers.dense({ inputShape: [5], units: 3, name: "d1" })],
  });
  await assertRejectsWith(() => defaultCutLayer(dense), "cutAt", "d1");
});

Deno.test("an unknown cut layer is an error listing the layer names", async () => {
  await assertRejectsWith(
    () => featureExtractor(pretrainedLike(), { cutAt: "block14_sepconv2_act" }),
    "block14_sepconv2_act",
    "conv, bn, relu, pool, dropout, flatten, classes",
  );
});

Deno.test("by default the base gets the post's head: flatten, dense 512 relu, one sigmoid", () => {
  const { model, head, cutAt } = frozenBaseWithHead(pretrainedLike());
  assertEquals(cutAt, "pool");
  assertEquals(head.layers.map((layer) => layer.outputShape), [
    [null, 36],
    [null, 512],
    [null, 1],
  ]);
  assertEquals(model.outputs[0].shape, [null, 1]);
});

Deno.test("training the frozen model changes the head's weights and not one bit of the base's", async () => {
  const base = pretrainedLike();
  const { model, extractor, head } = frozenBaseWithHead(base, { hiddenUnits: [16], seed: 3 });
  assertEquals(model.trainableWeights.length, 4, "only the head's two kernels and biases");
  const baseBefore = await bytesOf(base.weights); // BN's moving statistics included
  const headBefore = await bytesOf(head.weights);
  const data = images(64);
  await trainModel(model, arrayStream(data, { batchSize: 16, seed: 5 }), {
    epochs: 2,
    optimizer: tf.train.adam(1e-2),
    progress: "none",
  });
  assertEquals(await bytesOf(base.weights), baseBefore);
  const headAfter = await bytesOf(head.weights);
  headAfter.forEach((after, index) => {
    assert(
      after.some((byte, i) => byte !== headBefore[index][i]),
      `head weight ${head.weights[index].name} did not change`,
    );
  });
  // The frozen model computes the head of the extractor's output (the base in inference mode).
  const x = tf.tensor4d(data.x.subarray(0, 8 * 192), [8, 8, 8, 3]);
  const whole = await (model.predict(x) as tf.Tensor).data();
  const parts = await (head.predict(extractor.predict(x) as tf.Tensor) as tf.Tensor).data();
  assertEquals(Array.from(whole), Array.from(parts));
});

Deno.test("inputRange rescales [0, 1] pixels to the range the base expects", async () => {
  const base = tf.sequential({
    name: "identity_base",
    layers: [tf.layers.reshape({ inputShape: [1, 1, 1], targetShape: [1, 1, 1], name: "same" })],
  });
  const extractor = featureExtractor(base, { inputRange: [-1, 1] });
  const out = await (extractor.predict(tf.tensor4d([0, 0.5, 1], [3, 1, 1, 1])) as tf.Tensor).data();
  assertEquals(Array.from(out), [-1, 0, 1]);
});

Deno.test("a head of the wrong size is refused, naming both shapes", async () => {
  await assertRejectsWith(
    () => frozenBaseWithHead(pretrainedLike(), { head: buildHead([10]) }),
    "[10]",
    "[3, 3, 4]",
  );
});
