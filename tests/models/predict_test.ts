import * as tf from "@tensorflow/tfjs";
import { countReads } from "../fixtures/count_reads.ts";
import { assertEquals } from "../assert.ts";
import { predictProbabilities } from "../../lib/models/predict.ts";
import { buildSimpleCnn } from "../../lib/models/simple_cnn.ts";
import { noiseImageSet } from "../fixtures/noise_images.ts";
import { evaluationBatches } from "../../lib/data/batches.ts";

await tf.setBackend("cpu");

Deno.test("predictProbabilities reads once, for images and for arrays, and equals one batch at a time", async () => {
  const images = noiseImageSet(13, 8);
  const model = buildSimpleCnn({ imageSize: 8, seed: 4 });
  const indices = [...Array(13).keys()];
  const { result, reads } = await countReads(() =>
    predictProbabilities(model, { source: images, indices }, 5)
  );
  assertEquals(reads, 1, "three batches of predictions, one read-back");
  // The previous code: each batch's predictions read on their own.
  const oneByOne: number[] = [];
  for (const batch of evaluationBatches(images, indices, 5)) {
    const output = model.predict(batch.x) as tf.Tensor;
    oneByOne.push(...await output.data());
    tf.dispose([output, batch.x, batch.y]);
  }
  assertEquals(Array.from(result), Array.from(Float32Array.from(oneByOne)));

  const dense = tf.sequential({
    layers: [tf.layers.dense({ inputShape: [3], units: 2, activation: "softmax" })],
  });
  const x = Float32Array.from({ length: 7 * 3 }, (_, i) => Math.sin(i));
  const data = { x, labels: new Uint8Array(7), count: 7, exampleShape: [3] };
  const arrays = await countReads(() => predictProbabilities(dense, data, 3));
  assertEquals(arrays.reads, 1);
  const whole = dense.predict(tf.tensor2d(x, [7, 3])) as tf.Tensor;
  assertEquals(Array.from(arrays.result), Array.from(await whole.data()));
  tf.dispose([whole]);
  model.dispose();
  dense.dispose();
});

Deno.test("predictProbabilities frees every tensor it makes, for images and for arrays", async () => {
  const images = noiseImageSet(7, 8);
  const model = buildSimpleCnn({ imageSize: 8, seed: 2 });
  const dense = tf.sequential({
    layers: [tf.layers.dense({ inputShape: [3], units: 1, activation: "sigmoid" })],
  });
  const data = {
    x: Float32Array.from({ length: 5 * 3 }, (_, i) => Math.cos(i)),
    labels: new Uint8Array(5),
    count: 5,
    exampleShape: [3],
  };
  // Build the models' weights first (the first predict may create them).
  await predictProbabilities(model, { source: images, indices: [0] });
  await predictProbabilities(dense, data);
  const before = tf.memory().numTensors;
  await predictProbabilities(model, { source: images, indices: [...Array(7).keys()] }, 3);
  await predictProbabilities(dense, data, 2);
  assertEquals(tf.memory().numTensors, before);
  model.dispose();
  dense.dispose();
});
