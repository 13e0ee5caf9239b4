/**
 * The official CIFAR-10 binary archive turned into a cats-and-dogs image
 * folder: `train/{cats,dogs}/NNNNN.png` from `data_batch_1..5.bin` (5,000 of
 * each) and `test/{cats,dogs}/NNNNN.png` from `test_batch.bin` (1,000 of
 * each), the layout `loadImageFolder` reads.
 */
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { PNG } from "pngjs";
import tarStream from "tar-stream";
import { type DownloadProgress, downloadVerified } from "./download.ts";

/** Where the CIFAR-10 binary archive is published. */
export const CIFAR10_URL = "https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz";
/** The MD5 the CIFAR-10 page gives for the binary archive. */
export const CIFAR10_MD5 = "c32a1d4ab5d03f1284b67883e8d87530";
/** CIFAR-10 label bytes of the two classes kept, with their folder names. */
export const CIFAR10_CLASSES = [{ label: 3, folder: "cats" }, {
  label: 5,
  folder: "dogs",
}] as const;

const SIDE = 32;
const PIXELS = SIDE * SIDE;
/** One record: a label byte, then 1,024 red, 1,024 green and 1,024 blue bytes. */
const RECORD_BYTES = 1 + 3 * PIXELS;
const SPLITS = [
  { folder: "train", batches: [1, 2, 3, 4, 5].map((n) => `data_batch_${n}.bin`) },
  { folder: "test", batches: ["test_batch.bin"] },
] as const;

/** Images written per split and class, e.g. `counts.train.cats`. */
export type CatsDogsCounts = Record<"train" | "test", Record<"cats" | "dogs", number>>;

/** The project's `data/cifar10_cats_dogs` folder, found from this file (not the working directory). */
export function defaultCatsDogsRoot(): string {
  return fileURLToPath(new URL("../data/cifar10_cats_dogs", import.meta.url));
}

/** One regular file of a tar archive, its bytes streamed in chunks. */
export interface TarFile {
  /** The full path in the archive (ustar prefixes, GNU and pax long names resolved). */
  readonly name: string;
  /** The file's size in bytes, from its header. */
  readonly size: number;
  /** The file's bytes; read it to the end before asking for the next file (or leave it unread). */
  readonly body: AsyncIterable<Uint8Array>;
}

/**
 * The regular files of an uncompressed tar stream (ustar, GNU or pax, read by tar-stream), in
 * archive order, each body streamed so no more than a chunk of the archive is held in memory.
 * Directories and other entry types are skipped. An archive that ends inside an entry, or a
 * block that is not a tar header, is an error.
 */
export async function* readTarFiles(
  stream: ReadableStream<Uint8Array>,
): AsyncGenerator<TarFile> {
  const extract = tarStream.extract();
  const reader = stream.getReader();
  const feeding = feedTar(reader, extract);
  try {
    for await (const entry of extract) {
      const { name, type, size } = entry.header;
      // tar-stream's entries are streams of Buffers (Uint8Array), typed as unknown chunks.
      if (type === "file") yield { name, size, body: entry as AsyncIterable<Uint8Array> };
      entry.resume(); // skips whatever of the body was not read
    }
  } finally {
    extract.destroy();
    await reader.cancel().catch(() => {});
    await feeding;
  }
}

/** Writes the chunks of `reader` into `extract`, waiting while it is full; a read error ends it. */
async function feedTar(
  reader: ReadableStreamDefaultReader<Uint8Array>,
  extract: tarStream.Extract,
): Promise<void> {
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done || extract.destroyed) break;
      if (!extract.write(value)) {
        await new Promise<void>((resolve) => {
          const done = () => {
            extract.off("drain", done);
            extract.off("close", done);
            resolve();
          };
          extract.on("drain", done);
          extract.on("close", done);
        });
      }
    }
    if (!extract.destroyed) extract.end(null);
  } catch (error) {
    extract.destroy(error as Error);
  }
}

/**
 * Converts one CIFAR-10 record's planar pixels (1,024 red, then green, then
 * blue bytes, rows top to bottom) to interleaved RGB in `rgb` (3,072 bytes).
 */
export function cifar10RecordToRgb(record: Uint8Array, rgb: Uint8Array): void {
  for (let pixel = 0; pixel < PIXELS; pixel++) {
    rgb[pixel * 3] = record[1 + pixel];
    rgb[pixel * 3 + 1] = record[1 + PIXELS + pixel];
    rgb[pixel * 3 + 2] = record[1 + 2 * PIXELS + pixel];
  }
}

/**
 * Writes the cats and dogs of a CIFAR-10 binary archive (`.tar.gz`) as PNG
 * files under `outputDir`: `train/` from the five training batches, `test/`
 * from the test batch, numbered `00000.png` upwards per class in record order
 * (batches 1 to 5, whatever their order in the archive). The archive is read
 * as a stream, one record at a time; images go to a `parts/` folder per batch
 * first and are renamed into place once every batch has been read.
 */
export async function extractCatsDogs(
  archivePath: string,
  outputDir: string,
): Promise<CatsDogsCounts> {
  const parts = join(outputDir, "parts");
  const perBatch = new Map<string, Record<"cats" | "dogs", number>>();
  const wanted = new Set<string>(SPLITS.flatMap((split) => split.batches));
  const file = await Deno.open(archivePath);
  const tar = file.readable.pipeThrough(new DecompressionStream("gzip"));
  try {
    for await (const entry of readTarFiles(tar)) {
      const batchName = entry.name.split("/").pop()!;
      if (!wanted.has(batchName) || perBatch.has(batchName)) continue;
      perBatch.set(batchName, await writeBatch(entry, join(parts, batchName)));
    }
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(
      `Could not read ${archivePath} as a gzipped tar archive (${reason}). ` +
        `The download is damaged or is not cifar-10-binary.tar.gz: check the URL and run again.`,
    );
  }
  const missing = [...wanted].filter((name) => !perBatch.has(name));
  if (missing.length > 0) {
    throw new Error(
      `The archive ${archivePath} lacks ${missing.join(", ")}: it is not CIFAR-10's binary ` +
        `version (cifar-10-binary.tar.gz; the Python version is cifar-10-python.tar.gz).`,
    );
  }
  const counts: CatsDogsCounts = { train: { cats: 0, dogs: 0 }, test: { cats: 0, dogs: 0 } };
  for (const split of SPLITS) {
    for (const { folder } of CIFAR10_CLASSES) {
      const target = join(outputDir, split.folder, folder);
      await Deno.mkdir(target, { recursive: true });
      for (const batchName of split.batches) {
        for (let i = 0; i < perBatch.get(batchName)![folder]; i++) {
          const index = counts[split.folder][folder]++;
          await Deno.rename(
            join(parts, batchName, folder, `${i}.png`),
            join(target, `${String(index).padStart(5, "0")}.png`),
          );
        }
      }
    }
  }
  await Deno.remove(parts, { recursive: true });
  return counts;
}

/**
 * Streams one batch file's records and writes its cats and dogs as
 * `folder/{cats,dogs}/<n>.png`, numbered from 0 per class; returns the counts.
 */
async function writeBatch(
  entry: TarFile,
  folder: string,
): Promise<Record<"cats" | "dogs", number>> {
  for (const { folder: name } of CIFAR10_CLASSES) {
    await Deno.mkdir(join(folder, name), { recursive: true });
  }
  const counts = { cats: 0, dogs: 0 };
  const record = new Uint8Array(RECORD_BYTES);
  const rgb = new Uint8Array(3 * PIXELS);
  let filled = 0;
  for await (const chunk of entry.body) {
    for (let offset = 0; offset < chunk.byteLength;) {
      const take = Math.min(RECORD_BYTES - filled, chunk.byteLength - offset);
      record.set(chunk.subarray(offset, offset + take), filled);
      filled += take;
      offset += take;
      if (filled < RECORD_BYTES) continue;
      filled = 0;
      const kept = CIFAR10_CLASSES.find((entry) => entry.label === record[0]);
      if (kept === undefined) continue;
      cifar10RecordToRgb(record, rgb);
      const png = PNG.sync.write({ width: SIDE, height: SIDE, data: rgb }, {
        colorType: 2,
        inputColorType: 2,
        inputHasAlpha: false,
      });
      await Deno.writeFile(join(folder, kept.folder, `${counts[kept.folder]++}.png`), png);
    }
  }
  if (filled !== 0) {
    throw new Error(
      `${entry.name} holds ${entry.size} bytes, not a multiple of the ${RECORD_BYTES}-byte ` +
        `CIFAR-10 record: the archive is corrupt`,
    );
  }
  return counts;
}

/** Options of `downloadCifar10CatsDogs`; every field has a default. */
export interface Cifar10DownloadOptions {
  /** Archive URL; default `CIFAR10_URL`. */
  url?: string;
  /** Expected MD5 of the archive; default `CIFAR10_MD5`. */
  md5?: string;
  /** Folder to create; default `defaultCatsDogsRoot()`. */
  destination?: string;
  /** Download progress, e.g. `stderrProgressBar(...).update`. */
  onProgress?: (progress: DownloadProgress) => void;
}

/** What `downloadCifar10CatsDogs` did. */
export interface Cifar10DownloadResult {
  readonly destination: string;
  /** True when a complete folder was already there and nothing was downloaded. */
  readonly alreadyPresent: boolean;
  /** Images written (undefined when already present). */
  readonly counts?: CatsDogsCounts;
}

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.stat(path);
    return true;
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return false;
    throw error;
  }
}

/**
 * Downloads the CIFAR-10 binary archive, verifies its MD5 and writes its cats
 * and dogs as `destination/{train,test}/{cats,dogs}/NNNNN.png`. Everything
 * happens beside `destination` under temporary names, and the finished folder
 * is renamed into place last: a failure anywhere leaves no `destination` and
 * no temporary files. A complete existing folder is kept and not downloaded
 * again; an incomplete one is an error asking to delete it.
 */
export async function downloadCifar10CatsDogs(
  options: Cifar10DownloadOptions = {},
): Promise<Cifar10DownloadResult> {
  const destination = options.destination ?? defaultCatsDogsRoot();
  if (await exists(destination)) {
    const expected = SPLITS.flatMap((split) =>
      CIFAR10_CLASSES.map(({ folder }) => join(destination, split.folder, folder))
    );
    for (const folder of expected) {
      if (!(await exists(folder))) {
        throw new Error(
          `"${destination}" exists but has no "${folder}": it is not a complete download. ` +
            `Delete "${destination}" and run again.`,
        );
      }
    }
    return { destination, alreadyPresent: true };
  }
  await Deno.mkdir(join(destination, ".."), { recursive: true });
  const temporary = `${destination}.incomplete-${crypto.randomUUID().slice(0, 8)}`;
  const archive = `${temporary}.tar.gz`;
  try {
    await downloadVerified(options.url ?? CIFAR10_URL, archive, {
      md5: options.md5 ?? CIFAR10_MD5,
      onProgress: options.onProgress,
    });
    const counts = await extractCatsDogs(archive, temporary);
    await Deno.rename(temporary, destination);
    return { destination, alreadyPresent: false, counts };
  } finally {
    for (const path of [archive, temporary]) {
      await Deno.remove(path, { recursive: true }).catch(() => {});
    }
  }
}
