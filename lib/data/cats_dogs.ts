/**
 * The series' cats-and-dogs images, downloaded on first use like Keras's
 * `get_file` or torchvision's `download=True`: `CATS_DOGS_DIR` when set, else
 * the project's `data/cifar10_cats_dogs/`, written from the CIFAR-10 archive
 * (as `deno task data` does) the first time a notebook asks for it.
 */
import { join } from "node:path";
import {
  CIFAR10_MD5,
  CIFAR10_URL,
  defaultCatsDogsRoot,
  downloadCifar10CatsDogs,
} from "./cifar10.ts";
import { downloadOnFirstUse, type DownloadProgress } from "./download.ts";
import { catsDogsDir, loadImageFolder } from "./image_folder.ts";
import type { ImageSet } from "./image_set.ts";

/** Where and how `catsDogsFolder` downloads; every field has a default. */
export interface CatsDogsDownloadOptions {
  /** The folder that receives `train/` and `test/`; default `data/cifar10_cats_dogs`. */
  root?: string;
  /** The archive's address; default `$CIFAR10_URL`, else `CIFAR10_URL`. */
  url?: string;
  /** The archive's MD5; default `CIFAR10_MD5`. */
  md5?: string;
  /** Download progress; default a bar (in the notebook, or on stderr). */
  onProgress?: (progress: DownloadProgress) => void;
}

/**
 * The cats-and-dogs training folder, downloaded when missing: `$CATS_DOGS_DIR`
 * if set (never downloaded; an error if it is not a folder), else
 * `ROOT/train`. When `ROOT` does not exist, it downloads the CIFAR-10 binary
 * archive, checks its MD5 and writes its cats and dogs there, all under
 * temporary names renamed into place at the end, so an interrupted download is
 * never taken for a complete one: the next call starts it again, after
 * removing what the interrupted one left. A lock file beside `ROOT` keeps two
 * processes from downloading at once. Without internet the error names the URL
 * it tried and how to point at a copy.
 */
export async function catsDogsFolder(options: CatsDogsDownloadOptions = {}): Promise<string> {
  if (Deno.env.get("CATS_DOGS_DIR")) return catsDogsDir();
  const root = options.root ?? defaultCatsDogsRoot();
  const train = join(root, "train");
  const url = options.url ?? (Deno.env.get("CIFAR10_URL") || CIFAR10_URL);
  await downloadOnFirstUse({
    ready: train,
    destination: root,
    what: "cats-and-dogs images",
    barLabel: "cifar-10",
    url,
    onProgress: options.onProgress,
    async download(onProgress) {
      const result = await downloadCifar10CatsDogs({
        url: url,
        md5: options.md5 ?? CIFAR10_MD5,
        destination: root,
        onProgress,
      });
      const counts = result.counts!; // written now: root had no train/
      return `Wrote ${root}: train ${counts.train.cats} cats, ${counts.train.dogs} dogs; ` +
        `test ${counts.test.cats} cats, ${counts.test.dogs} dogs.`;
    },
    offlineHelp: `set CATS_DOGS_DIR to a folder with cats/ and dogs/ sub-folders of JPEG or PNG ` +
      `images (e.g. CATS_DOGS_DIR=/path/to/cifar10_cats_dogs/train), or put such folders in ` +
      `${train}, or set CIFAR10_URL=file:///path/to/cifar-10-binary.tar.gz to a downloaded archive.`,
  });
  return train;
}

/**
 * Loads the cats-and-dogs training folder (`catsDogsFolder`: `CATS_DOGS_DIR`,
 * else the downloaded CIFAR-10 cats and dogs, fetched on first use) into
 * memory and prints what it loaded and how long it took, the first step of
 * every notebook of the series.
 */
export async function loadCatsDogs(
  options: { size?: number | [number, number]; download?: CatsDogsDownloadOptions } = {},
): Promise<ImageSet> {
  const dir = await catsDogsFolder(options.download);
  const started = performance.now();
  const images = await loadImageFolder(dir, { size: options.size });
  const seconds = (performance.now() - started) / 1000;
  const counts = images.classNames.map((name, label) =>
    `${images.labels.filter((value) => value === label).length.toLocaleString("en-US")} ${name}`
  );
  console.log(
    `Loaded ${counts.join(" and ")} (${images.height}x${images.width} px) from ${dir} ` +
      `in ${seconds.toFixed(1)} s.`,
  );
  return images;
}
