/**
 * Features computed once. A frozen base gives the same output for an image
 * in every epoch of every run, so its output for each image of a set is
 * computed once, stored on disk, and heads train on the stored features:
 * a run of a head then costs a dense layer, not a pass through the base.
 * The file is keyed by the model's identity (topology and weight values)
 * and the image set's (pixels, labels, classes), so a changed model or
 * image set never reads stale features; a damaged file is recomputed.
 */
import * as tf from "@tensorflow/tfjs";
import { createHash } from "node:crypto";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { type ArrayDataset, arrayDataset } from "../../data/array_dataset.ts";
import { evaluationBatches } from "../../data/batches.ts";
import { imageCount, type ImageSet } from "../../data/image_set.ts";
import { readOutputs } from "../../engine/read_back.ts";
import { writeAtomically } from "../../data/atomic_write.ts";

/** The first bytes of a feature file; the version changes whenever the layout does. */
const MAGIC = "FEATURES1\n";

/** Options of {@link cachedFeatures}. */
export interface FeatureCacheOptions {
  /** Where feature files are kept (default the project's `data/features/`). */
  cacheDir?: string;
  /** Images per forward pass of the base (default 256). */
  batchSize?: number;
  /** Told when features are computed, and why (default `console.warn`); `() => {}` silences it. */
  log?: (message: string) => void;
}

/** The features of every image of a set, in the set's order, with their labels and where they are stored. */
export interface CachedFeatures extends ArrayDataset {
  /** The feature file. */
  readonly file: string;
  /** True when read from the file, false when computed by this call. */
  readonly fromCache: boolean;
}

/** What a feature file's header records. */
interface FeatureHeader {
  model: string;
  images: string;
  count: number;
  featureShape: number[];
  sha256: string;
}

/** The project's `data/features` folder, found from this file (not the working directory). */
export function defaultFeatureCacheDir(): string {
  return fileURLToPath(new URL("../../../data/features", import.meta.url));
}

/** The bytes of a float array (a view, not a copy). */
function bytesOf(values: Float32Array): Uint8Array {
  return new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
}

function sha256(...parts: Uint8Array[]): string {
  const hash = createHash("sha256");
  for (const part of parts) hash.update(part);
  return hash.digest("hex");
}

/**
 * A model's identity: the SHA-256 of its topology (`model.toJSON()`, which
 * names layers but not their variables) and of each weight's shape, dtype
 * and values, in order. Equal models give equal identities; changing any
 * weight value, or a layer, gives another.
 */
export async function modelIdentity(model: tf.LayersModel): Promise<string> {
  const hash = createHash("sha256");
  hash.update(model.toJSON() as string);
  for (const weight of model.weights) {
    const values = await weight.read().data();
    hash.update(`\n${weight.dtype}[${weight.shape.join(",")}]\n`);
    hash.update(new Uint8Array(values.buffer, values.byteOffset, values.byteLength));
  }
  return hash.digest("hex");
}

/**
 * An image set's identity: the SHA-256 of its image size, class names,
 * pixels and labels (not its file paths: the same images from another
 * folder have the same features).
 */
export function imageSetIdentity(images: ImageSet): string {
  const shape = JSON.stringify({
    height: images.height,
    width: images.width,
    classNames: images.classNames,
    count: imageCount(images),
  });
  return sha256(new TextEncoder().encode(shape), images.pixels, images.labels);
}

/** The bytes of a feature file: magic, header length (uint32 LE), header JSON, float32 values. */
function encodeFeatureFile(header: FeatureHeader, values: Float32Array): Uint8Array {
  const magic = new TextEncoder().encode(MAGIC);
  const json = new TextEncoder().encode(JSON.stringify(header));
  const bytes = new Uint8Array(magic.length + 4 + json.length + values.byteLength);
  bytes.set(magic);
  new DataView(bytes.buffer).setUint32(magic.length, json.length, true);
  bytes.set(json, magic.length + 4);
  bytes.set(bytesOf(values), magic.length + 4 + json.length);
  return bytes;
}

/**
 * The values stored in a feature file for `expected` (model, images, count),
 * or the reason they cannot be trusted: wrong magic, unreadable header,
 * other model or images, wrong size, or values whose checksum differs.
 */
function decodeFeatureFile(
  bytes: Uint8Array,
  expected: Pick<FeatureHeader, "model" | "images" | "count">,
): { header: FeatureHeader; values: Float32Array } | string {
  const magic = new TextEncoder().encode(MAGIC);
  if (bytes.length < magic.length + 4 || !magic.every((byte, i) => bytes[i] === byte)) {
    return "it does not start like a feature file";
  }
  const headerLength = new DataView(bytes.buffer, bytes.byteOffset).getUint32(magic.length, true);
  const start = magic.length + 4 + headerLength;
  let header: FeatureHeader;
  try {
    header = JSON.parse(new TextDecoder().decode(bytes.subarray(magic.length + 4, start)));
  } catch {
    return "its header is not readable";
  }
  if (header.model !== expected.model || header.images !== expected.images) {
    return "it was computed for another model or image set";
  }
  const perImage = header.featureShape?.reduce?.((product, size) => product * size, 1);
  if (header.count !== expected.count || !(perImage > 0)) {
    return `its header describes ${header.count} images, not ${expected.count}`;
  }
  const data = bytes.subarray(start);
  if (data.length !== header.count * perImage * 4) {
    return `it holds ${data.length} bytes of features where ${header.count * perImage * 4} ` +
      "were written";
  }
  if (sha256(data) !== header.sha256) return "its values do not match their checksum";
  return { header, values: new Float32Array(data.slice().buffer) };
}

/**
 * The output of `extractor` (e.g. from `featureExtractor`) for every image
 * of `images`, in the set's order, as an `ArrayDataset` with the set's labels
 * ready for `arrayStream` and `trainModel`; pick subsets with `takeExamples(features, indices)`,
 * the indices of the image set. Computed once (pixels scaled to [0, 1], as
 * in training, and the model in inference mode) and stored in `cacheDir` in
 * a file named by the model's and the image set's identities, written
 * atomically; later calls read the file, after checking its checksum.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as tf from "@tensorflow/tfjs";
 * import { cachedFeatures } from "./feature_cache.ts";
 *
 * const extractor = tf.sequential({
 *   layers: [tf.layers.globalAveragePooling2d({ inputShape: [2, 2, 3] })],
 * });
 * const images = {
 *   classNames: ["cats", "dogs"],
 *   height: 2,
 *   width: 2,
 *   pixels: new Uint8Array(2 * 2 * 2 * 3).fill(255),
 *   labels: Uint8Array.from([0, 1]),
 *   paths: ["a.png", "b.png"],
 * };
 * const cacheDir = await Deno.makeTempDir();
 * const features = await cachedFeatures(extractor, images, { cacheDir, log: () => {} });
 * assert.deepEqual(features.exampleShape, [3]); // one value per channel, averaged over the pixels
 * assert.deepEqual(Array.from(features.x), [1, 1, 1, 1, 1, 1]); // white pixels, scaled to [0, 1]
 * await Deno.remove(cacheDir, { recursive: true });
 * ```
 */
export async function cachedFeatures(
  extractor: tf.LayersModel,
  images: ImageSet,
  options: FeatureCacheOptions = {},
): Promise<CachedFeatures> {
  const cacheDir = options.cacheDir ?? defaultFeatureCacheDir();
  const log = options.log ?? ((message: string) => console.warn(message));
  const inputShape = extractor.inputs[0].shape.slice(1);
  if (inputShape.join(",") !== [images.height, images.width, 3].join(",")) {
    throw new Error(
      `The model takes images of shape [${inputShape.join(", ")}] but the image set's are ` +
        `[${images.height}, ${images.width}, 3]: load the images at the model's size.`,
    );
  }
  const featureShape = extractor.outputs[0].shape.slice(1);
  if (!featureShape.every((size): size is number => typeof size === "number")) {
    throw new Error(
      `The model's output shape [${featureShape.join(", ")}] is not fixed, so its features ` +
        "cannot be stored per image; cut it at a layer with a fixed output shape.",
    );
  }
  const expected = {
    model: await modelIdentity(extractor),
    images: imageSetIdentity(images),
    count: imageCount(images),
  };
  const file = join(cacheDir, `${expected.model.slice(0, 16)}-${expected.images.slice(0, 16)}.f32`);
  let reason = "none are stored yet";
  try {
    const stored = decodeFeatureFile(await Deno.readFile(file), expected);
    if (typeof stored !== "string") {
      return {
        ...arrayDataset(stored.values, stored.header.featureShape, images.labels.slice()),
        file,
        fromCache: true,
      };
    }
    reason = `the stored file is not usable (${stored})`;
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  }
  log(`Computing the features of ${expected.count} images (${reason}); storing them in ${file}.`);
  const indices = Array.from({ length: expected.count }, (_, index) => index);
  const values = await readOutputs(
    evaluationBatches(images, indices, options.batchSize ?? 256),
    (batch) => {
      const output = tf.tidy(() => extractor.predict(batch.x) as tf.Tensor);
      tf.dispose([batch.x, batch.y]);
      return output;
    },
  );
  const header: FeatureHeader = { ...expected, featureShape, sha256: sha256(bytesOf(values)) };
  await Deno.mkdir(cacheDir, { recursive: true });
  await writeAtomically(file, encodeFeatureFile(header, values));
  return {
    ...arrayDataset(values, featureShape, images.labels.slice()),
    file,
    fromCache: false,
  };
}
