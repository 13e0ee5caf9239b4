/**
 * Examples held as one float array plus integer labels: the form MNIST
 * digits and table rows take for training, as opposed to the image streams
 * of the cats-and-dogs series. Helpers cut it the way Keras's `fit` does.
 */
import { MNIST_SIDE, type MnistSplit } from "./mnist.ts";
import type { FeaturesAndTarget } from "./coil2000.ts";

/** `count` examples of shape `exampleShape`, values row-major in `x`, one class label each. */
export interface ArrayDataset {
  /** `count × product(exampleShape)` float values, example after example. */
  readonly x: Float32Array;
  /** Shape of one example, e.g. `[28, 28, 1]` for a digit or `[85]` for a table row. */
  readonly exampleShape: readonly number[];
  /** The class index of each example. */
  readonly labels: Uint8Array;
  /** Number of examples. */
  readonly count: number;
}

/** Values per example: the product of the example shape. */
export function exampleSize(data: Pick<ArrayDataset, "exampleShape">): number {
  return data.exampleShape.reduce((product, size) => product * size, 1);
}

/**
 * An {@link ArrayDataset} from values and labels, checking that `x` holds
 * exactly one example of `exampleShape` per label.
 */
export function arrayDataset(
  x: Float32Array,
  exampleShape: readonly number[],
  labels: Uint8Array,
): ArrayDataset {
  if (!exampleShape.every((size) => Number.isInteger(size) && size > 0)) {
    throw new Error(
      `arrayDataset: example shape [${exampleShape.join(", ")}] must be whole numbers ≥ 1.`,
    );
  }
  const size = exampleSize({ exampleShape });
  if (x.length !== labels.length * size) {
    throw new Error(
      `arrayDataset: ${x.length} values for ${labels.length} labels of shape ` +
        `[${exampleShape.join(", ")}] (${size} values each); expected ${labels.length * size}. ` +
        "Pass one example per label.",
    );
  }
  return { x, exampleShape, labels, count: labels.length };
}

/** An MNIST split as a dataset: pixels divided by 255, each digit shaped `[28, 28, 1]`. */
export function mnistDataset(split: MnistSplit): ArrayDataset {
  return arrayDataset(
    Float32Array.from(split.images, (value) => value / 255),
    [MNIST_SIDE, MNIST_SIDE, 1],
    split.labels,
  );
}

/** A table's features and 0/1 target (see `featuresAndTarget`) as a dataset of rows. */
export function tableDataset(table: FeaturesAndTarget): ArrayDataset {
  return arrayDataset(table.x, [table.featureNames.length], table.y);
}

/** The examples at `indices`, in that order, copied into a new dataset. */
export function takeExamples(data: ArrayDataset, indices: readonly number[]): ArrayDataset {
  const size = exampleSize(data);
  const x = new Float32Array(indices.length * size);
  const labels = new Uint8Array(indices.length);
  indices.forEach((index, position) => {
    if (!(Number.isInteger(index) && index >= 0 && index < data.count)) {
      throw new Error(
        `takeExamples: index ${index} at position ${position} is outside 0 … ${data.count - 1}.`,
      );
    }
    x.set(data.x.subarray(index * size, (index + 1) * size), position * size);
    labels[position] = data.labels[index];
  });
  return arrayDataset(x, data.exampleShape, labels);
}

/** The first `count` examples (a view, not a copy). */
export function firstExamples(data: ArrayDataset, count: number): ArrayDataset {
  if (!(Number.isInteger(count) && count >= 0 && count <= data.count)) {
    throw new Error(`firstExamples: count ${count} is not a whole number in 0 … ${data.count}.`);
  }
  const size = exampleSize(data);
  return arrayDataset(
    data.x.subarray(0, count * size),
    data.exampleShape,
    data.labels.subarray(0, count),
  );
}

/**
 * Keras's `validation_split`: the last `fraction` of the examples (before
 * any shuffling) become the validation set, the rest the training set.
 * Keras rounds the split point down: `floor(count × (1 − fraction))`
 * training examples.
 */
export function splitValidation(
  data: ArrayDataset,
  fraction: number,
): { train: ArrayDataset; validation: ArrayDataset } {
  if (!(fraction > 0 && fraction < 1)) {
    throw new Error(
      `splitValidation: fraction ${fraction} is not in (0, 1); Keras's validation_split is e.g. 0.1.`,
    );
  }
  const trainCount = Math.floor(data.count * (1 - fraction));
  if (trainCount === 0 || trainCount === data.count) {
    throw new Error(
      `splitValidation: ${data.count} examples leave an empty side at fraction ${fraction}; ` +
        "use more examples.",
    );
  }
  const size = exampleSize(data);
  return {
    train: firstExamples(data, trainCount),
    validation: arrayDataset(
      data.x.subarray(trainCount * size),
      data.exampleShape,
      data.labels.subarray(trainCount),
    ),
  };
}

/** Examples per class: `counts[c]` is how many labels equal `c`, for `classCount` classes. */
export function countLabels(labels: ArrayLike<number>, classCount: number): number[] {
  const counts = new Array<number>(classCount).fill(0);
  for (let index = 0; index < labels.length; index++) {
    const label = labels[index];
    if (!(label >= 0 && label < classCount)) {
      throw new Error(
        `countLabels: label ${label} at index ${index} is outside 0 … ${classCount - 1}.`,
      );
    }
    counts[label]++;
  }
  return counts;
}
