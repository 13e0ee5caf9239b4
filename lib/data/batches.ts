/**
 * Training streams: the examples a training loop visits, reshuffled every
 * epoch and cut into batches of float32 tensors. The series'
 * `prepare_dataset` ({@link prepareDataset}) streams example indices into an
 * {@link ImageSet}, gathering pixels straight from the set's byte buffer into
 * one preallocated array per batch, so no per-image tensor is ever created;
 * {@link arrayStream} streams examples held as arrays (MNIST digits, table
 * rows, cached features). Both order epoch e from `(seed, e)` the same way.
 */

import * as tf from "@tensorflow/tfjs-core";
import { type ArrayDataset, exampleSize } from "./array_dataset.ts";
import { imageCount, type ImageSet } from "./image_set.ts";
import { checkSeed, createRandom, deriveSeed, shuffled } from "./random.ts";

/** One batch of a training stream: inputs, labels, and which examples they are. The caller disposes `x` and `y`. */
export interface ExampleBatch {
  /** Inputs, shape `[b, ...exampleShape]`, float32. */
  x: tf.Tensor;
  /** Class indices, shape `[b, 1]`, float32. */
  y: tf.Tensor2D;
  /** The index of each example in its source, in batch order. */
  indices: number[];
}

/** One batch of images: pixels scaled to [0, 1]. */
export interface Batch extends ExampleBatch {
  /** Pixels, shape `[b, height, width, 3]`, float32, each byte divided by 255. */
  x: tf.Tensor4D;
}

/** Options of {@link prepareDataset}. */
export interface StreamOptions {
  /** Examples per batch (the last batch of an epoch may be smaller); default 32. */
  batchSize?: number;
  /** Seed of the per-epoch shuffles; each epoch's order is derived from (seed, epoch). */
  seed: number;
  /** Reshuffle the whole list every epoch (default true); false keeps the concatenated order. */
  shuffle?: boolean;
}

/** What `trainModel` trains on: a shuffled, batched view of some examples. */
export interface ExampleStream {
  /** All examples of the stream, as indices into their source, in the unshuffled order. */
  readonly indices: readonly number[];
  /** The class index of each example, in the order of `indices`. */
  readonly labels: Uint8Array;
  /** Number of examples per epoch. */
  readonly size: number;
  /** Examples per batch. */
  readonly batchSize: number;
  /** Batches per epoch (the last may be partial). */
  readonly batchCount: number;
  /** The order in which `epoch` visits the examples. */
  epochOrder(epoch: number): number[];
  /** The batches of one epoch, in order; every example appears exactly once per epoch. */
  batches(epoch: number): Generator<ExampleBatch>;
}

/** A shuffled, batched view of some examples of an image set, ready for a training loop. */
export interface TrainingStream extends ExampleStream {
  /** The image set the indices point into. */
  readonly source: ImageSet;
  /** Number of examples of each class, keyed by class name (classes with none give 0). */
  classCounts(): Record<string, number>;
  /** The batches of one epoch, in order; every example appears exactly once per epoch. */
  batches(epoch: number): Generator<Batch>;
}

/** Each byte value divided by 255 in float32, so gathering is one table lookup per byte. */
const BYTE_TO_UNIT = Float32Array.from({ length: 256 }, (_, value) => value / 255);

/** Throws unless the set's pixel buffer matches its labels and image size, and every label names a class. */
function checkImageSet(source: ImageSet): void {
  const badLabel = source.labels.findIndex((label) => label >= source.classNames.length);
  if (badLabel >= 0) {
    throw new Error(
      `Image ${badLabel} (${source.paths[badLabel]}) has label ${
        source.labels[badLabel]
      } but the ` +
        `set has only ${source.classNames.length} classes (${source.classNames.join(", ")}): ` +
        `give every label the index of its class in classNames.`,
    );
  }
  const expected = imageCount(source) * source.height * source.width * 3;
  if (source.pixels.length !== expected) {
    throw new Error(
      `The image set's pixel buffer has ${source.pixels.length} bytes but ${imageCount(source)} ` +
        `images of ${source.height}x${source.width}x3 need ${expected}: build the set so that ` +
        `pixels holds exactly one RGB image per label.`,
    );
  }
}

/** Throws unless every index is a whole number pointing at an image of `source`. */
function checkIndices(source: ImageSet, indices: readonly number[], what: string): void {
  const count = imageCount(source);
  indices.forEach((index, position) => {
    if (!Number.isInteger(index) || index < 0 || index >= count) {
      throw new Error(
        `${what}: index ${index} at position ${position} is not an image of this set ` +
          `(valid indices are 0 to ${count - 1}): pass indices such as those of indicesOfClass.`,
      );
    }
  });
}

/** Throws unless `batchSize` is a whole number ≥ 1. */
function checkBatchSize(batchSize: number): void {
  if (!Number.isInteger(batchSize) || batchSize < 1) {
    throw new Error(`The batch size must be a whole number ≥ 1, got ${batchSize}: e.g. 32.`);
  }
}

/** Tensors of the given examples, gathered without checks (callers validate first). */
function gather(source: ImageSet, indices: number[]): Batch {
  const { height, width, pixels, labels } = source;
  const imageBytes = height * width * 3;
  const x = new Float32Array(indices.length * imageBytes);
  const y = new Float32Array(indices.length);
  indices.forEach((index, row) => {
    const from = index * imageBytes;
    const to = row * imageBytes;
    for (let byte = 0; byte < imageBytes; byte++) x[to + byte] = BYTE_TO_UNIT[pixels[from + byte]];
    y[row] = labels[index];
  });
  return {
    x: tf.tensor4d(x, [indices.length, height, width, 3], "float32"),
    y: tf.tensor2d(y, [indices.length, 1], "float32"),
    indices,
  };
}

/**
 * The training stream over `parts` (index lists into `source`, e.g.
 * `[cats, dogs]`), concatenated. With `shuffle` (the default) each epoch
 * visits the whole list in a fresh order derived from `(seed, epoch)`, so a
 * minority class is spread over the whole epoch rather than bunched at its
 * end, and the same seed gives the same batches on every run.
 */
export function prepareDataset(
  source: ImageSet,
  parts: readonly (readonly number[])[],
  options: StreamOptions,
): TrainingStream {
  const batchSize = options.batchSize ?? 32;
  const shuffle = options.shuffle ?? true;
  checkBatchSize(batchSize);
  checkSeed(options.seed, "The stream's seed");
  checkImageSet(source);
  const indices = parts.flat();
  checkIndices(source, indices, "prepareDataset");
  const epochOrder = (epoch: number): number[] => {
    checkEpoch(epoch);
    return shuffle ? epochShuffle(indices, options.seed, epoch) : indices;
  };
  return {
    source,
    indices,
    labels: Uint8Array.from(indices, (index) => source.labels[index]),
    size: indices.length,
    batchSize,
    batchCount: Math.ceil(indices.length / batchSize),
    classCounts: () => countClasses(source, indices),
    epochOrder: (epoch) => epochOrder(epoch).slice(),
    *batches(epoch: number): Generator<Batch> {
      const order = epochOrder(epoch);
      for (let start = 0; start < order.length; start += batchSize) {
        yield gather(source, order.slice(start, start + batchSize));
      }
    },
  };
}

/** Throws unless `epoch` is a whole number ≥ 0. */
function checkEpoch(epoch: number): void {
  if (!Number.isInteger(epoch) || epoch < 0) {
    throw new Error(`The epoch must be a whole number ≥ 0, got ${epoch}: count epochs from 0.`);
  }
}

/** The order in which epoch `epoch` of a stream seeded with `seed` visits `indices`. */
function epochShuffle(indices: readonly number[], seed: number, epoch: number): number[] {
  checkEpoch(epoch);
  return shuffled(indices, createRandom(deriveSeed(seed, epoch)));
}

/** Options of {@link arrayStream}. */
export interface ArrayStreamOptions {
  /** Examples per batch (the last batch of an epoch may be smaller); default 32, Keras's. */
  batchSize?: number;
  /** Seed of the per-epoch shuffles: epoch e visits the examples in an order derived from (seed, e). */
  seed: number;
}

/**
 * Examples held as arrays as a training stream, the way Keras's
 * `model.fit(x, y, batch_size, shuffle=True)` visits them: every example once
 * per epoch, in a fresh seeded order, cut into batches.
 *
 * ```ts
 * import assert from "node:assert/strict";
 * import { arrayDataset } from "./array_dataset.ts";
 * import { arrayStream } from "./batches.ts";
 *
 * const data = arrayDataset(new Float32Array([0, 1, 2, 3, 4]), [1], Uint8Array.of(0, 0, 1, 1, 0));
 * const stream = arrayStream(data, { batchSize: 2, seed: 7 });
 * assert.equal(stream.batchCount, 3);
 * assert.deepEqual(stream.epochOrder(1).toSorted(), [0, 1, 2, 3, 4]);
 * ```
 */
export function arrayStream(data: ArrayDataset, options: ArrayStreamOptions): ExampleStream {
  const batchSize = options.batchSize ?? 32;
  checkBatchSize(batchSize);
  checkSeed(options.seed, "The stream's seed");
  const indices = Array.from({ length: data.count }, (_, index) => index);
  const size = exampleSize(data);
  const gatherArrays = (order: number[]): ExampleBatch => {
    const x = new Float32Array(order.length * size);
    const y = new Float32Array(order.length);
    order.forEach((index, row) => {
      x.set(data.x.subarray(index * size, (index + 1) * size), row * size);
      y[row] = data.labels[index];
    });
    return {
      x: tf.tensor(x, [order.length, ...data.exampleShape], "float32"),
      y: tf.tensor2d(y, [order.length, 1], "float32"),
      indices: order,
    };
  };
  return {
    indices,
    labels: data.labels,
    size: data.count,
    batchSize,
    batchCount: Math.ceil(data.count / batchSize),
    epochOrder: (epoch) => epochShuffle(indices, options.seed, epoch),
    *batches(epoch: number): Generator<ExampleBatch> {
      const order = epochShuffle(indices, options.seed, epoch);
      for (let start = 0; start < order.length; start += batchSize) {
        yield gatherArrays(order.slice(start, start + batchSize));
      }
    },
  };
}

/** Number of examples of each class among `indices`, keyed by class name. */
export function countClasses(source: ImageSet, indices: readonly number[]): Record<string, number> {
  checkImageSet(source);
  checkIndices(source, indices, "countClasses");
  const counts: Record<string, number> = {};
  for (const name of source.classNames) counts[name] = 0;
  for (const index of indices) counts[source.classNames[source.labels[index]]]++;
  return counts;
}

/**
 * The given examples as one pair of tensors, in the given order (for a small
 * evaluation set; use {@link evaluationBatches} when it would not fit in
 * memory). The caller disposes `x` and `y`.
 */
export function toTensors(source: ImageSet, indices: readonly number[]): Batch {
  checkImageSet(source);
  checkIndices(source, indices, "toTensors");
  return gather(source, indices.slice());
}

/**
 * The given examples in batches, in the given order, never shuffled: for
 * predicting on a large evaluation set a batch at a time. The caller disposes
 * each batch's `x` and `y`.
 */
export function* evaluationBatches(
  source: ImageSet,
  indices: readonly number[],
  batchSize = 32,
): Generator<Batch> {
  checkBatchSize(batchSize);
  checkImageSet(source);
  checkIndices(source, indices, "evaluationBatches");
  for (let start = 0; start < indices.length; start += batchSize) {
    yield gather(source, indices.slice(start, start + batchSize));
  }
}
