/**
 * The official CIFAR-10 binary archive turned into a cats-and-dogs image
 * folder: `train/{cats,dogs}/NNNNN.png` from `data_batch_1..5.bin` (5,000 of
 * each) and `test/{cats,dogs}/NNNNN.png` from `test_batch.bin` (1,000 of
 * each), the layout `loadImageFolder` reads.
 */
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { PNG } from "pngjs";
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

/** One regular file of a tar archive. */
export interface TarEntry {
  readonly name: string;
  readonly bytes: Uint8Array;
}

/** Reads exact byte counts from a stream of chunks. */
class ByteReader {
  #chunks: Uint8Array[] = [];
  #buffered = 0;
  #reader: ReadableStreamDefaultReader<Uint8Array>;
  constructor(stream: ReadableStream<Uint8Array>) {
    this.#reader = stream.getReader();
  }
  /** The next `count` bytes, or null if the stream ends first. */
  async read(count: number): Promise<Uint8Array | null> {
    while (this.#buffered < count) {
      const { value, done } = await this.#reader.read();
      if (done) return null;
      this.#chunks.push(value);
      this.#buffered += value.byteLength;
    }
    const out = new Uint8Array(count);
    let filled = 0;
    while (filled < count) {
      const chunk = this.#chunks[0];
      const take = Math.min(chunk.byteLength, count - filled);
      out.set(chunk.subarray(0, take), filled);
      filled += take;
      if (take === chunk.byteLength) this.#chunks.shift();
      else this.#chunks[0] = chunk.subarray(take);
    }
    this.#buffered -= count;
    return out;
  }
  /** Stops reading, releasing the underlying stream (and its file). */
  async cancel(): Promise<void> {
    await this.#reader.cancel();
  }
}

function text(bytes: Uint8Array): string {
  const end = bytes.indexOf(0);
  return new TextDecoder().decode(end < 0 ? bytes : bytes.subarray(0, end));
}

function octal(bytes: Uint8Array, what: string): number {
  const digits = text(bytes).trim();
  if (!/^[0-7]+$/.test(digits)) {
    throw new Error(`Not a tar archive: bad ${what} field "${digits}".`);
  }
  return parseInt(digits, 8);
}

/**
 * The regular files of an uncompressed tar stream (ustar, as GNU tar writes),
 * in archive order. Directories and other entry types are skipped; a header
 * with a wrong checksum or a stream that ends inside an entry is an error.
 */
export async function* readTarEntries(
  stream: ReadableStream<Uint8Array>,
): AsyncGenerator<TarEntry> {
  const reader = new ByteReader(stream);
  try {
    while (true) {
      const header = await reader.read(512);
      if (header === null) throw new Error("Tar archive ends without its end-of-archive blocks.");
      if (header.every((byte) => byte === 0)) return;
      const entry = await readEntry(reader, header);
      if (entry !== null) yield entry;
    }
  } finally {
    await reader.cancel();
  }
}

/** The entry whose 512-byte header is `header` (null unless a regular file); reads its body. */
async function readEntry(reader: ByteReader, header: Uint8Array): Promise<TarEntry | null> {
  const stored = octal(header.subarray(148, 156), "checksum");
  let sum = 0;
  header.forEach((byte, i) => sum += i >= 148 && i < 156 ? 32 : byte);
  if (sum !== stored) {
    throw new Error("Not a tar archive (or a corrupt one): header checksum mismatch.");
  }
  const size = octal(header.subarray(124, 136), "size");
  // Only POSIX ustar ("ustar\0") has a name prefix; old GNU headers ("ustar ") keep times there.
  const isPosixUstar = text(header.subarray(257, 263)) === "ustar";
  const prefix = isPosixUstar ? text(header.subarray(345, 500)) : "";
  const baseName = text(header.subarray(0, 100));
  const name = prefix ? `${prefix}/${baseName}` : baseName;
  const type = String.fromCharCode(header[156]);
  const body = await reader.read(Math.ceil(size / 512) * 512);
  if (body === null) throw new Error(`Tar archive is truncated inside "${name}".`);
  return type === "0" || type === "\0" ? { name, bytes: body.subarray(0, size) } : null;
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

/** Reads the six CIFAR-10 batch files out of the gzipped archive at `archivePath`. */
async function readBatches(archivePath: string): Promise<Map<string, Uint8Array>> {
  const wanted = new Set<string>(SPLITS.flatMap((split) => split.batches));
  const batches = new Map<string, Uint8Array>();
  const file = await Deno.open(archivePath);
  const tar = file.readable.pipeThrough(new DecompressionStream("gzip"));
  try {
    for await (const entry of readTarEntries(tar)) {
      const baseName = entry.name.split("/").pop()!;
      if (wanted.has(baseName)) batches.set(baseName, entry.bytes);
    }
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(
      `Could not read ${archivePath} as a gzipped tar archive (${reason}). ` +
        `Check that the URL points at cifar-10-binary.tar.gz.`,
    );
  }
  const missing = [...wanted].filter((name) => !batches.has(name));
  if (missing.length > 0) {
    throw new Error(
      `The archive ${archivePath} lacks ${missing.join(", ")}: it is not CIFAR-10's binary ` +
        `version (cifar-10-binary.tar.gz; the Python version is cifar-10-python.tar.gz).`,
    );
  }
  return batches;
}

/**
 * Writes the cats and dogs of a CIFAR-10 binary archive (`.tar.gz`) as PNG
 * files under `outputDir`: `train/` from the five training batches, `test/`
 * from the test batch, numbered `00000.png` upwards per class in record order.
 */
export async function extractCatsDogs(
  archivePath: string,
  outputDir: string,
): Promise<CatsDogsCounts> {
  const batches = await readBatches(archivePath);
  const counts: CatsDogsCounts = { train: { cats: 0, dogs: 0 }, test: { cats: 0, dogs: 0 } };
  const rgb = new Uint8Array(3 * PIXELS);
  for (const split of SPLITS) {
    for (const { folder } of CIFAR10_CLASSES) {
      await Deno.mkdir(join(outputDir, split.folder, folder), { recursive: true });
    }
    for (const batchName of split.batches) {
      const batch = batches.get(batchName)!;
      if (batch.byteLength % RECORD_BYTES !== 0) {
        throw new Error(
          `${batchName} holds ${batch.byteLength} bytes, not a multiple of the ${RECORD_BYTES}-byte ` +
            `CIFAR-10 record: the archive is corrupt. Delete it and download again.`,
        );
      }
      for (let offset = 0; offset < batch.byteLength; offset += RECORD_BYTES) {
        const record = batch.subarray(offset, offset + RECORD_BYTES);
        const kept = CIFAR10_CLASSES.find((entry) => entry.label === record[0]);
        if (kept === undefined) continue;
        cifar10RecordToRgb(record, rgb);
        const png = PNG.sync.write({ width: SIDE, height: SIDE, data: rgb }, {
          colorType: 2,
          inputColorType: 2,
          inputHasAlpha: false,
        });
        const index = counts[split.folder][kept.folder]++;
        const name = `${String(index).padStart(5, "0")}.png`;
        await Deno.writeFile(join(outputDir, split.folder, kept.folder, name), png);
      }
    }
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
