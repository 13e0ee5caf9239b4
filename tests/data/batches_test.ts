import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs-core";
import "@tensorflow/tfjs-backend-cpu";
import type { ImageSet } from "../../lib/data/image_set.ts";
import { indicesOfClass } from "../../lib/data/image_set.ts";
import { arrayDataset } from "../../lib/data/array_dataset.ts";
import {
  arrayStream,
  countClasses,
  evaluationBatches,
  prepareDataset,
  toTensors,
} from "../../lib/data/batches.ts";
import { createRandom } from "../../lib/data/random.ts";

await tf.setBackend("cpu");

/** 1000 cats then 100 dogs, 2x3 pixels each, with seeded random bytes. */
function fixture(): ImageSet {
  const count = 1100;
  const height = 2;
  const width = 3;
  const random = createRandom(123);
  const pixels = Uint8Array.from({ length: count * height * width * 3 }, () => random.int(256));
  const labels = Uint8Array.from({ length: count }, (_, index) => (index < 1000 ? 0 : 1));
  const paths = Array.from({ length: count }, (_, index) => `image${index}.png`);
  return { classNames: ["cats", "dogs"], height, width, pixels, labels, paths };
}

const source = fixture();
const cats = indicesOfClass(source, "cats");
const dogs = indicesOfClass(source, "dogs");

Deno.test("the stream knows its size, batch count and class counts", () => {
  const stream = prepareDataset(source, [cats, dogs], { seed: 1 });
  assert.equal(stream.size, 1100);
  assert.equal(stream.batchSize, 32);
  assert.equal(stream.batchCount, 35); // ceil(1100 / 32) = 34 full batches + one of 12
  assert.deepEqual(stream.classCounts(), { cats: 1000, dogs: 100 });
  assert.deepEqual(countClasses(source, dogs.slice(0, 7)), { cats: 0, dogs: 7 });
});

Deno.test("every epoch covers every index exactly once, in batches of 32 then the rest", () => {
  const stream = prepareDataset(source, [cats, dogs], { seed: 1 });
  const sizes: number[] = [];
  const seen: number[] = [];
  for (const { x, y, indices } of stream.batches(0)) {
    sizes.push(indices.length);
    seen.push(...indices);
    x.dispose();
    y.dispose();
  }
  assert.deepEqual(sizes, [...Array(34).fill(32), 12]);
  assert.deepEqual([...seen].sort((a, b) => a - b), [...cats, ...dogs]);
  assert.deepEqual(seen, stream.epochOrder(0));
});

Deno.test("epochs are reshuffled, deterministically per seed", () => {
  const stream = prepareDataset(source, [cats, dogs], { seed: 1 });
  assert.deepEqual(
    stream.epochOrder(3),
    prepareDataset(source, [cats, dogs], { seed: 1 }).epochOrder(3),
  );
  assert.notDeepEqual(stream.epochOrder(0), stream.epochOrder(1));
  assert.notDeepEqual(
    stream.epochOrder(0),
    prepareDataset(source, [cats, dogs], { seed: 2 }).epochOrder(0),
  );
  const unshuffled = prepareDataset(source, [dogs, cats], { seed: 1, shuffle: false });
  assert.deepEqual(unshuffled.epochOrder(5), [...dogs, ...cats]);
});

Deno.test("the minority class is spread over the whole epoch", () => {
  // 100 dogs among 1100 examples: each quarter of the epoch (275 examples) should
  // hold about 25 dogs (hypergeometric, sd ≈ 4.1); allow 25 ± 13 (over 3 sd) in
  // each quarter of each of 5 epochs. Unshuffled, the last quarter would hold all 100.
  const stream = prepareDataset(source, [cats, dogs], { seed: 9 });
  for (let epoch = 0; epoch < 5; epoch++) {
    const order = stream.epochOrder(epoch);
    for (let quarter = 0; quarter < 4; quarter++) {
      const part = order.slice(quarter * 275, (quarter + 1) * 275);
      const dogCount = part.filter((index) => source.labels[index] === 1).length;
      assert.ok(Math.abs(dogCount - 25) <= 13, `epoch ${epoch} quarter ${quarter}: ${dogCount}`);
    }
  }
});

Deno.test("batch tensors hold the source pixels / 255 and the labels, shaped for the model", () => {
  const stream = prepareDataset(source, [cats.slice(0, 20), dogs.slice(0, 5)], {
    seed: 4,
    batchSize: 8,
  });
  const before = tf.memory().numTensors;
  for (const { x, y, indices } of stream.batches(2)) {
    assert.deepEqual(x.shape, [indices.length, 2, 3, 3]);
    assert.deepEqual(y.shape, [indices.length, 1]);
    assert.equal(x.dtype, "float32");
    const values = x.dataSync();
    const imageBytes = 2 * 3 * 3;
    indices.forEach((index, row) => {
      for (let byte = 0; byte < imageBytes; byte++) {
        const expected = Math.fround(source.pixels[index * imageBytes + byte] / 255);
        assert.equal(values[row * imageBytes + byte], expected);
      }
    });
    assert.deepEqual(Array.from(y.dataSync()), indices.map((index) => source.labels[index]));
    x.dispose();
    y.dispose();
  }
  assert.equal(tf.memory().numTensors, before, "the stream leaked tensors");
});

Deno.test("toTensors and evaluationBatches keep the given order", () => {
  const chosen = [1050, 3, 999, 1099];
  const whole = toTensors(source, chosen);
  assert.deepEqual(whole.x.shape, [4, 2, 3, 3]);
  assert.deepEqual(Array.from(whole.y.dataSync()), [1, 0, 0, 1]);
  const batched = [...evaluationBatches(source, chosen, 3)];
  assert.deepEqual(batched.map((batch) => batch.indices), [[1050, 3, 999], [1099]]);
  const joined = [...batched[0].x.dataSync(), ...batched[1].x.dataSync()];
  assert.deepEqual(joined, Array.from(whole.x.dataSync()));
  for (const { x, y } of [whole, ...batched]) tf.dispose([x, y]);
});

Deno.test("bad indices, batch sizes, seeds and epochs are refused with the fix", () => {
  assert.throws(
    () => prepareDataset(source, [[0, 1100]], { seed: 1 }),
    /index 1100 at position 1 .*valid indices are 0 to 1099/,
  );
  assert.throws(() => prepareDataset(source, [[0.5]], { seed: 1 }), /index 0.5/);
  assert.throws(
    () => prepareDataset(source, [cats], { seed: 1, batchSize: 0 }),
    /batch size.*got 0/,
  );
  assert.throws(() => prepareDataset(source, [cats], { seed: 1.5 }), /seed must be a whole number/);
  assert.throws(() => prepareDataset(source, [cats], { seed: 1 }).epochOrder(-1), /epoch.*got -1/);
  const broken = { ...source, pixels: source.pixels.subarray(1) };
  assert.throws(() => toTensors(broken, [0]), /19799 bytes .* need 19800/);
  const badLabel = { ...source, labels: Uint8Array.from(source.labels, () => 2) };
  assert.throws(() => countClasses(badLabel, [0]), /Image 0 \(image0.png\) has label 2/);
});

Deno.test("arrayStream yields every example's features and label, in the epoch's order", async () => {
  // Example i has the features [i, 10 i] and the label i mod 2.
  const count = 7;
  const features = Float32Array.from(
    { length: count * 2 },
    (_, k) => (k % 2 === 0 ? 1 : 10) * Math.floor(k / 2),
  );
  const labels = Uint8Array.from({ length: count }, (_, i) => i % 2);
  const stream = arrayStream(arrayDataset(features, [2], labels), { batchSize: 3, seed: 5 });
  assert.equal(stream.batchCount, 3);
  for (const epoch of [0, 1]) {
    const order = stream.epochOrder(epoch);
    const seen: number[] = [];
    for (const batch of stream.batches(epoch)) {
      const rows = batch.indices.length;
      assert.deepEqual(batch.x.shape, [rows, 2]);
      assert.deepEqual(batch.y.shape, [rows, 1]);
      const x = await batch.x.data();
      const y = await batch.y.data();
      batch.indices.forEach((index, row) => {
        assert.deepEqual([x[2 * row], x[2 * row + 1]], [index, 10 * index], `row ${row}`);
        assert.equal(y[row], index % 2);
      });
      seen.push(...batch.indices);
      tf.dispose([batch.x, batch.y]);
    }
    assert.deepEqual(seen, order, `epoch ${epoch}: batches in the epoch's order`);
  }
  assert.notDeepEqual(stream.epochOrder(0), stream.epochOrder(1), "each epoch reshuffles");
});
