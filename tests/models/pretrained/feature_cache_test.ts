import * as tf from "@tensorflow/tfjs";
import { assert, assertEquals, assertRejectsWith } from "../../assert.ts";
import { arrayStream } from "../../../lib/data/batches.ts";
import { trainModel } from "../../../lib/training/train.ts";
import { predictProbabilities } from "../../../lib/models/predict.ts";
import { toTensors } from "../../../lib/data/batches.ts";
import { selectEngine } from "../../../lib/engine/select_engine.ts";
import type { ImageSet } from "../../../lib/data/image_set.ts";
import {
  cachedFeatures,
  imageSetIdentity,
  modelIdentity,
} from "../../../lib/models/pretrained/feature_cache.ts";
import {
  featureExtractor,
  frozenBaseWithHead,
} from "../../../lib/models/pretrained/frozen_base.ts";
import { buildHead } from "../../../lib/models/pretrained/head.ts";

await selectEngine({ backend: "wasm", log: () => {} });

function base(): tf.Sequential {
  return tf.sequential({
    name: "feature_base",
    layers: [
      tf.layers.conv2d({
        inputShape: [8, 8, 3],
        filters: 4,
        kernelSize: 3,
        activation: "relu",
        kernelInitializer: tf.initializers.glorotUniform({ seed: 11 }),
        name: "conv",
      }),
      tf.layers.maxPooling2d({ poolSize: 2, name: "pool" }),
      tf.layers.flatten({ name: "flatten" }),
      tf.layers.dense({ units: 6, activation: "softmax", name: "classes" }),
    ],
  });
}

/** Pseudo-random 8x8 images; dogs (label 1) are every third one. */
function images(count: number, salt = 0): ImageSet {
  return {
    classNames: ["cats", "dogs"],
    height: 8,
    width: 8,
    pixels: Uint8Array.from({ length: count * 192 }, (_, i) => (i * 7919 + salt * 31) % 256),
    labels: Uint8Array.from({ length: count }, (_, i) => (i % 3 === 0 ? 1 : 0)),
    paths: Array.from({ length: count }, (_, i) => `image${i}.png`),
  };
}

/** The extractor's output for every image, computed directly. */
async function directOutput(extractor: tf.LayersModel, set: ImageSet): Promise<Float32Array> {
  const { x, y } = toTensors(set, Array.from(set.labels.keys()));
  const output = extractor.predict(x) as tf.Tensor;
  const values = (await output.data()) as Float32Array;
  tf.dispose([x, y, output]);
  return values;
}

const quiet = { log: () => {} };

Deno.test("cached features equal the base's output, computed once and then read", async () => {
  const cacheDir = await Deno.makeTempDir({ prefix: "features_" });
  const extractor = featureExtractor(base());
  const set = images(20);
  const messages: string[] = [];
  const first = await cachedFeatures(extractor, set, {
    cacheDir,
    batchSize: 6,
    log: (message) => messages.push(message),
  });
  assertEquals(first.fromCache, false);
  assertEquals(messages.length, 1);
  assertEquals(first.exampleShape, [3, 3, 4]);
  assertEquals(first.count, 20);
  assertEquals(Array.from(first.labels), Array.from(set.labels));
  assertEquals(Array.from(first.x), Array.from(await directOutput(extractor, set)));
  const second = await cachedFeatures(extractor, set, {
    cacheDir,
    log: (message) => messages.push(message),
  });
  assertEquals(second.fromCache, true);
  assertEquals(messages.length, 1, "reading the file computes nothing");
  assertEquals(second.file, first.file);
  assertEquals(Array.from(second.x), Array.from(first.x));
});

Deno.test("changed weights or changed images give new features, not the stored ones", async () => {
  const cacheDir = await Deno.makeTempDir({ prefix: "features_" });
  const model = base();
  const extractor = featureExtractor(model);
  const set = images(12);
  const before = await cachedFeatures(extractor, set, { cacheDir, ...quiet });
  const identity = await modelIdentity(extractor);

  const kernel = model.getLayer("conv").getWeights()[0];
  const bias = model.getLayer("conv").getWeights()[1];
  model.getLayer("conv").setWeights([tf.mul(kernel, 1.5), bias]);
  assert((await modelIdentity(extractor)) !== identity, "a weight change changes the identity");
  const changedModel = await cachedFeatures(extractor, set, { cacheDir, ...quiet });
  assertEquals(changedModel.fromCache, false);
  assert(changedModel.file !== before.file);
  assertEquals(Array.from(changedModel.x), Array.from(await directOutput(extractor, set)));
  assert(Array.from(changedModel.x).some((value, i) => value !== before.x[i]));

  const otherImages = images(12, 1);
  assert(imageSetIdentity(otherImages) !== imageSetIdentity(set));
  const relabelled = { ...set, labels: set.labels.map((label) => 1 - label) };
  assert(imageSetIdentity(relabelled) !== imageSetIdentity(set), "labels are part of it");
  const changedImages = await cachedFeatures(extractor, otherImages, { cacheDir, ...quiet });
  assertEquals(changedImages.fromCache, false);
  assertEquals(Array.from(changedImages.x), Array.from(await directOutput(extractor, otherImages)));
});

Deno.test("a corrupt or truncated feature file is detected and rebuilt, not used", async () => {
  const cacheDir = await Deno.makeTempDir({ prefix: "features_" });
  const extractor = featureExtractor(base());
  const set = images(10);
  const good = await cachedFeatures(extractor, set, { cacheDir, ...quiet });
  const bytes = await Deno.readFile(good.file);

  const flipped = bytes.slice();
  flipped[flipped.length - 3] ^= 0x40; // one bit of one stored feature
  await Deno.writeFile(good.file, flipped);
  const messages: string[] = [];
  const rebuilt = await cachedFeatures(extractor, set, {
    cacheDir,
    log: (message) => messages.push(message),
  });
  assertEquals(rebuilt.fromCache, false);
  assert(messages[0].includes("checksum"), messages[0]);
  assertEquals(Array.from(rebuilt.x), Array.from(good.x));
  assertEquals(await Deno.readFile(good.file), bytes, "the file is written anew");

  await Deno.writeFile(good.file, bytes.subarray(0, bytes.length - 8));
  const fromTruncated = await cachedFeatures(extractor, set, { cacheDir, ...quiet });
  assertEquals(fromTruncated.fromCache, false);
  assertEquals(Array.from(fromTruncated.x), Array.from(good.x));
  assertEquals((await cachedFeatures(extractor, set, { cacheDir, ...quiet })).fromCache, true);
});

Deno.test("a head trained on cached features is the head of the frozen model", async () => {
  const cacheDir = await Deno.makeTempDir({ prefix: "features_" });
  const model = base();
  const set = images(24);
  const features = await cachedFeatures(featureExtractor(model), set, { cacheDir, ...quiet });
  const head = buildHead(features.exampleShape, { hiddenUnits: [8], seed: 2 });
  const before = head.getWeights().map((weight) => weight.dataSync().slice());
  await trainModel(head, arrayStream(features, { batchSize: 8, seed: 4 }), {
    epochs: 2,
    optimizer: tf.train.adam(1e-2),
    progress: "none",
  });
  assert(
    head.getWeights().some((weight, i) => weight.dataSync().some((v, j) => v !== before[i][j])),
  );
  const { model: frozen } = frozenBaseWithHead(model, { head });
  const { x, y } = toTensors(set, Array.from(set.labels.keys()));
  const whole = Array.from(await (frozen.predict(x) as tf.Tensor).data());
  tf.dispose([x, y]);
  assertEquals(whole, Array.from(await predictProbabilities(head, features)));
});

/** A feature file's bytes with its header JSON replaced by `edit`'s result (length rewritten). */
function withHeader(
  bytes: Uint8Array,
  edit: (header: Record<string, unknown>) => unknown,
): Uint8Array {
  const magicLength = "FEATURES1\n".length;
  const view = new DataView(bytes.buffer, bytes.byteOffset);
  const headerLength = view.getUint32(magicLength, true);
  const start = magicLength + 4;
  const header = JSON.parse(new TextDecoder().decode(bytes.subarray(start, start + headerLength)));
  const edited = edit(header);
  const json = new TextEncoder().encode(
    typeof edited === "string" ? edited : JSON.stringify(edited),
  );
  const out = new Uint8Array(start + json.length + bytes.length - start - headerLength);
  out.set(bytes.subarray(0, magicLength));
  new DataView(out.buffer).setUint32(magicLength, json.length, true);
  out.set(json, start);
  out.set(bytes.subarray(start + headerLength), start + json.length);
  return out;
}

Deno.test("a feature file that cannot be trusted is rebuilt, and the log says why", async () => {
  const cacheDir = await Deno.makeTempDir({ prefix: "features_" });
  const extractor = featureExtractor(base());
  const set = images(10);
  const good = await cachedFeatures(extractor, set, { cacheDir, ...quiet });
  const bytes = await Deno.readFile(good.file);
  const dataBytes = 10 * good.exampleShape.reduce((product, size) => product * size, 1) * 4;
  const cases: [string, Uint8Array][] = [
    ["it does not start like a feature file", Uint8Array.from([71, ...bytes.subarray(1)])],
    ["its header is not readable", withHeader(bytes, () => "{not json")],
    [
      "it was computed for another model or image set",
      withHeader(bytes, (h) => ({ ...h, model: "x" })),
    ],
    ["its header describes 9 images, not 10", withHeader(bytes, (h) => ({ ...h, count: 9 }))],
    [
      "its header describes 10 images, not 10",
      withHeader(bytes, (h) => ({ ...h, featureShape: 5 })),
    ],
    [
      `it holds ${dataBytes - 8} bytes of features where ${dataBytes} were written`,
      bytes.subarray(0, bytes.length - 8),
    ],
  ];
  for (const [reason, damaged] of cases) {
    await Deno.writeFile(good.file, damaged);
    const messages: string[] = [];
    const rebuilt = await cachedFeatures(extractor, set, {
      cacheDir,
      log: (message) => messages.push(message),
    });
    assertEquals(rebuilt.fromCache, false, reason);
    assert(messages[0].includes(`the stored file is not usable (${reason})`), messages[0]);
    assertEquals(Array.from(rebuilt.x), Array.from(good.x), reason);
  }
  // A cache entry that cannot be read at all (here a folder) is an error, not a silent rebuild.
  await Deno.remove(good.file);
  await Deno.mkdir(good.file);
  await assertRejectsWith(() => cachedFeatures(extractor, set, { cacheDir, ...quiet }), "");
  await Deno.remove(cacheDir, { recursive: true });
});
