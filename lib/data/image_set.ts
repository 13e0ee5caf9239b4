/**
 * Decoded images held in memory as one contiguous RGB byte buffer.
 *
 * Every dataset in the project (training, validation and test subsets,
 * balanced or not) is a list of example indices into one `ImageSet`, so an
 * image is decoded once and batches are gathered from memory, never re-read.
 */
export interface ImageSet {
  /** Class names, sorted; a label is the index of its class here. */
  readonly classNames: readonly string[];
  /** Height of every image in pixels. */
  readonly height: number;
  /** Width of every image in pixels. */
  readonly width: number;
  /** Pixels of all images, `count × height × width × 3` bytes, RGB, row-major. */
  readonly pixels: Uint8Array;
  /** The label of each image: the index of its class in `classNames`. */
  readonly labels: Uint8Array;
  /** The file each image came from (for error messages and sample grids). */
  readonly paths: readonly string[];
}

/** Number of images in a set. */
export function imageCount(set: ImageSet): number {
  return set.labels.length;
}

/** Indices of the images of one class, in file order; an unknown class name is an error. */
export function indicesOfClass(set: ImageSet, className: string): number[] {
  const label = set.classNames.indexOf(className);
  if (label < 0) {
    throw new Error(
      `Unknown class "${className}": this image set has ${set.classNames.join(", ")}.`,
    );
  }
  const indices: number[] = [];
  set.labels.forEach((value, index) => {
    if (value === label) indices.push(index);
  });
  return indices;
}
