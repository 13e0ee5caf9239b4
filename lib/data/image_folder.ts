/**
 * Loading a folder of images laid out one sub-folder per class (the Kaggle
 * cats-vs-dogs layout: `train/cats/*.jpg`, `train/dogs/*.jpg`) into an
 * `ImageSet`, and finding where the cats-and-dogs folder is.
 */
import { join } from "node:path";
import type { ImageSet } from "./image_set.ts";
import { decodeImage, resizeBilinearInto } from "./image_decode.ts";
import { defaultCatsDogsRoot } from "./cifar10.ts";

/** The files of an image folder: class names sorted, each class's image paths sorted by name. */
export interface ImageFolderListing {
  readonly classNames: readonly string[];
  /** `files[label]` lists the image paths of class `classNames[label]`. */
  readonly files: readonly (readonly string[])[];
}

/** Options of `loadImageFolder`. */
export interface LoadImageFolderOptions {
  /** Resize every image to `[height, width]` (or a square side); default: the images' own size. */
  size?: [height: number, width: number] | number;
  /** Load only these class sub-folders (labels still follow sorted name order). */
  classes?: string[];
  /** Called after each decoded image with the number done and the total. */
  onProgress?: (done: number, total: number) => void;
}

const IMAGE_EXTENSIONS = /\.(jpe?g|png)$/i;
const READS_IN_FLIGHT = 16;
const LAYOUT_HINT = "Expected one sub-folder per class (e.g. cats/ and dogs/) " +
  "holding .jpg, .jpeg or .png files.";

/** Compares by UTF-16 code units, so the order never depends on the locale. */
function byCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

async function isDirectory(path: string): Promise<boolean> {
  try {
    return (await Deno.stat(path)).isDirectory;
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return false;
    throw error;
  }
}

/** Names of the non-hidden entries of `dir` that are folders (`folders`) or image files (`images`). */
async function readEntries(dir: string, want: "folders" | "images"): Promise<string[]> {
  const names: string[] = [];
  for await (const entry of Deno.readDir(dir)) {
    // Hidden entries include macOS "._name.jpg" resource forks, which are not images.
    if (entry.name.startsWith(".")) continue;
    const path = join(dir, entry.name);
    if (want === "folders") {
      if (entry.isDirectory || (entry.isSymlink && await isDirectory(path))) names.push(entry.name);
    } else if (IMAGE_EXTENSIONS.test(entry.name) && !entry.isDirectory) {
      names.push(entry.name);
    }
  }
  return names.sort(byCodeUnits);
}

function chooseClasses(dir: string, folders: string[], classes: string[] | undefined): string[] {
  if (classes === undefined) return folders;
  for (const name of classes) {
    if (!folders.includes(name)) {
      throw new Error(
        `Class "${name}" was asked for, but image folder "${dir}" has no such sub-folder; ` +
          `it has: ${folders.join(", ") || "none"}. Fix the \`classes\` option.`,
      );
    }
  }
  if (new Set(classes).size !== classes.length) {
    throw new Error(`The \`classes\` option lists a class twice (${classes.join(", ")}).`);
  }
  return [...classes].sort(byCodeUnits);
}

/**
 * Lists an image folder without decoding anything: its class sub-folders
 * (sorted, hidden ones skipped) and their JPEG/PNG files (sorted by name;
 * other files such as `.DS_Store` or `Thumbs.db` skipped). Throws a message
 * naming the path and the fix when the layout is not one folder per class
 * with at least two classes, each holding at least one image.
 */
export async function listImageFolder(
  dir: string,
  classes?: string[],
): Promise<ImageFolderListing> {
  let stat: Deno.FileInfo;
  try {
    stat = await Deno.stat(dir);
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
    throw new Error(
      `Image folder "${dir}" does not exist. Pass the path of a folder that exists. ${LAYOUT_HINT}`,
    );
  }
  if (!stat.isDirectory) {
    throw new Error(`"${dir}" is a file, not an image folder. ${LAYOUT_HINT}`);
  }
  const folders = await readEntries(dir, "folders");
  if (folders.length === 0) {
    throw new Error(`Image folder "${dir}" has no sub-folders. ${LAYOUT_HINT}`);
  }
  const classNames = chooseClasses(dir, folders, classes);
  if (classNames.length < 2) {
    throw new Error(
      `Image folder "${dir}" has only one class ("${classNames[0]}"); a classifier needs ` +
        `at least two. Add a sub-folder per class (e.g. cats/ and dogs/).`,
    );
  }
  const files: string[][] = [];
  for (const className of classNames) {
    const classDir = join(dir, className);
    const names = await readEntries(classDir, "images");
    if (names.length === 0) {
      throw new Error(
        `Class folder "${classDir}" holds no .jpg, .jpeg or .png file. ` +
          `Add images to it or remove it.`,
      );
    }
    files.push(names.map((name) => join(classDir, name)));
  }
  return { classNames, files };
}

function parseSize(size: [number, number] | number): [number, number] {
  const [height, width] = typeof size === "number" ? [size, size] : size;
  for (const side of [height, width]) {
    if (!Number.isInteger(side) || side < 1) {
      throw new Error(
        `Invalid image size ${JSON.stringify(size)}: use a positive whole number of pixels ` +
          `or [height, width], e.g. 32 or [64, 48].`,
      );
    }
  }
  return [height, width];
}

function allocatePixels(count: number, height: number, width: number): Uint8Array {
  try {
    return new Uint8Array(count * height * width * 3);
  } catch (error) {
    if (!(error instanceof RangeError)) throw error;
    const gib = (count * height * width * 3 / 2 ** 30).toFixed(1);
    throw new Error(
      `${count} images of ${height}x${width} pixels need ${gib} GiB, more than fits in one ` +
        `buffer. Pass a smaller \`size\` or load fewer images.`,
    );
  }
}

/**
 * Decodes every JPEG/PNG of an image folder (one sub-folder per class) into
 * one `ImageSet`. Classes are the sorted sub-folder names, so `cats` gets
 * label 0 and `dogs` label 1 (the positive class); images follow class, then
 * file name order. Images are resized to `options.size` with bilinear
 * interpolation; without it they must all have the first image's size.
 * Grayscale and RGBA images become RGB. Files are read concurrently.
 *
 * ```ts
 * import assert from "node:assert/strict";
 * import { join } from "node:path";
 * import { PNG } from "pngjs";
 * import { loadImageFolder } from "./image_folder.ts";
 *
 * // One 2×2 PNG per class, each a single colour (RGBA, opaque).
 * const dir = await Deno.makeTempDir();
 * for (const [className, rgb] of [["dogs", [90, 60, 30]], ["cats", [200, 120, 40]]] as const) {
 *   await Deno.mkdir(join(dir, className));
 *   const data = Uint8Array.from({ length: 2 * 2 * 4 }, (_, i) => [...rgb, 255][i % 4]);
 *   const png = PNG.sync.write({ width: 2, height: 2, data });
 *   await Deno.writeFile(join(dir, className, "1.png"), png);
 * }
 * const images = await loadImageFolder(dir, { size: 1 }); // each resized to 1×1
 * assert.deepEqual(images.classNames, ["cats", "dogs"]); // sorted: cats 0, dogs 1
 * assert.deepEqual([...images.labels], [0, 1]);
 * assert.deepEqual([...images.pixels], [200, 120, 40, 90, 60, 30]); // RGB, image after image
 * ```
 */
export async function loadImageFolder(
  dir: string,
  options: LoadImageFolderOptions = {},
): Promise<ImageSet> {
  const requestedSize = options.size === undefined ? undefined : parseSize(options.size);
  const listing = await listImageFolder(dir, options.classes);
  const paths = listing.files.flat();
  const labels = new Uint8Array(paths.length);
  let next = 0;
  listing.files.forEach((files, label) => {
    labels.fill(label, next, next + files.length);
    next += files.length;
  });

  const first = decodeImage(await Deno.readFile(paths[0]), paths[0]);
  const [height, width] = requestedSize ?? [first.height, first.width];
  const imageBytes = height * width * 3;
  const pixels = allocatePixels(paths.length, height, width);
  resizeBilinearInto(first, height, width, pixels, 0);

  let done = 1;
  options.onProgress?.(done, paths.length);
  let nextIndex = 1;
  let failed = false;
  const worker = async () => {
    while (!failed && nextIndex < paths.length) {
      const index = nextIndex++;
      const path = paths[index];
      try {
        const image = decodeImage(await Deno.readFile(path), path);
        if (requestedSize === undefined && (image.height !== height || image.width !== width)) {
          throw new Error(
            `Images differ in size: "${paths[0]}" is ${width}x${height} but "${path}" is ` +
              `${image.width}x${image.height} (width x height). Pass a size to resize ` +
              `them all, e.g. loadImageFolder(dir, { size: [${height}, ${width}] }).`,
          );
        }
        resizeBilinearInto(image, height, width, pixels, index * imageBytes);
      } catch (error) {
        failed = true;
        throw error;
      }
      options.onProgress?.(++done, paths.length);
    }
  };
  const workerCount = Math.min(READS_IN_FLIGHT, paths.length);
  await Promise.all(Array.from({ length: workerCount }, worker));

  return { classNames: listing.classNames, height, width, pixels, labels, paths };
}

/**
 * The cats-and-dogs training folder: `$CATS_DOGS_DIR` if set, else
 * `data/cifar10_cats_dogs/train` in the project (where `deno task data`
 * writes it). Throws, saying how to point at a folder, when it does not exist.
 */
export function catsDogsDir(): string {
  const fromEnvironment = Deno.env.get("CATS_DOGS_DIR") || undefined;
  const dir = fromEnvironment ?? join(defaultCatsDogsRoot(), "train");
  let exists = false;
  try {
    exists = Deno.statSync(dir).isDirectory;
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  }
  if (exists) return dir;
  const pointAtFolder = "set the environment variable CATS_DOGS_DIR to a folder with cats/ and " +
    "dogs/ sub-folders of JPEG or PNG images (e.g. CATS_DOGS_DIR=/path/to/train)";
  throw new Error(
    fromEnvironment === undefined
      ? `No cats-and-dogs image folder at "${dir}". Run \`deno task data\` to download ` +
        `CIFAR-10's cats and dogs there, or ${pointAtFolder}.`
      : `CATS_DOGS_DIR is "${dir}", which is not a folder. Fix it: ${pointAtFolder}; ` +
        `or unset it and run \`deno task data\` to download CIFAR-10's cats and dogs.`,
  );
}
