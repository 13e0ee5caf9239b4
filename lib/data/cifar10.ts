/**
 * The official CIFAR-10 binary archive turned into image folders: the cats
 * and dogs as `train/{cats,dogs}/NNNNN.png` from `data_batch_1..5.bin`
 * (5,000 of each) and `test/{cats,dogs}/NNNNN.png` from `test_batch.bin`
 * (1,000 of each), the layout `loadImageFolder` reads; and, from the same
 * archive in the same pass, the six classes that are neither cats nor dogs
 * (for pretraining a base that has never seen either) in a folder of their own.
 */
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { PNG } from "pngjs";
import tarStream from "tar-stream";
import { type DownloadProgress, downloadVerified, pathExists } from "./download.ts";

/** Where the CIFAR-10 binary archive is published. */
export const CIFAR10_URL = "https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz";
/** The MD5 the CIFAR-10 page gives for the binary archive. */
export const CIFAR10_MD5 = "c32a1d4ab5d03f1284b67883e8d87530";
/** A CIFAR-10 class kept: its label byte in the archive and the folder its images go to. */
export interface Cifar10Class {
  readonly label: number;
  readonly folder: string;
}

/** CIFAR-10 label bytes of the two classes kept, with their folder names. */
export const CIFAR10_CLASSES = [{ label: 3, folder: "cats" }, {
  label: 5,
  folder: "dogs",
}] as const;

/** CIFAR-10's six classes that are neither cats nor dogs (automobile and truck are left out too). */
export const CIFAR10_OTHER_CLASSES: readonly Cifar10Class[] = [
  { label: 0, folder: "airplane" },
  { label: 2, folder: "bird" },
  { label: 4, folder: "deer" },
  { label: 6, folder: "frog" },
  { label: 7, folder: "horse" },
  { label: 8, folder: "ship" },
];

const SIDE = 32;
const PIXELS = SIDE * SIDE;
/** One record: a label byte, then 1,024 red, 1,024 green and 1,024 blue bytes. */
const RECORD_BYTES = 1 + 3 * PIXELS;
const SPLITS = [
  { folder: "train", batches: [1, 2, 3, 4, 5].map((n) => `data_batch_${n}.bin`) },
  { folder: "test", batches: ["test_batch.bin"] },
] as const;

/** Images written per split and class folder, e.g. `counts.train.airplane`. */
export type SplitCounts = Record<"train" | "test", Record<string, number>>;

/** Images written per split and class, e.g. `counts.train.cats`. */
export type CatsDogsCounts = Record<"train" | "test", Record<"cats" | "dogs", number>>;

/** The project's `data/cifar10_cats_dogs` folder, found from this file (not the working directory). */
export function defaultCatsDogsRoot(): string {
  return fileURLToPath(new URL("../../data/cifar10_cats_dogs", import.meta.url));
}

/** The project's `data/cifar10_other_classes` folder, where `deno task data` writes the six other classes. */
export function defaultOtherClassesRoot(): string {
  return fileURLToPath(new URL("../../data/cifar10_other_classes", import.meta.url));
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

/** One image folder to write from the archive: where, and which classes (a folder per class). */
export interface Cifar10Target {
  readonly outputDir: string;
  readonly classes: readonly Cifar10Class[];
}

/** Throws unless every class is a CIFAR-10 label (0–9) kept by one target only, under a usable folder name. */
function checkTargets(targets: readonly Cifar10Target[]): void {
  const seen = new Map<number, string>();
  for (const { outputDir, classes } of targets) {
    for (const { label, folder } of classes) {
      if (!(Number.isInteger(label) && label >= 0 && label <= 9)) {
        throw new Error(`CIFAR-10 labels are 0 to 9; class "${folder}" has label ${label}.`);
      }
      if (!/^[A-Za-z0-9_-]+$/.test(folder)) {
        throw new Error(`Class folder name "${folder}" must be letters, digits, "_" or "-".`);
      }
      const other = seen.get(label);
      if (other !== undefined) {
        throw new Error(
          `CIFAR-10 label ${label} is asked for twice (${other} and ${outputDir}/${folder}); ` +
            "write each class to one folder.",
        );
      }
      seen.set(label, `${outputDir}/${folder}`);
    }
  }
}

/**
 * Writes the chosen classes of a CIFAR-10 binary archive (`.tar.gz`) as PNG
 * files, each target in its own folder: `outputDir/train/<class>/` from the
 * five training batches, `outputDir/test/<class>/` from the test batch,
 * numbered `00000.png` upwards per class in record order (batches 1 to 5,
 * whatever their order in the archive). The archive is read once, as a
 * stream, one record at a time; images go to a `parts/` folder per batch
 * first and are renamed into place once every batch has been read. Returns
 * the counts per target, in order.
 */
export async function extractCifar10Classes(
  archivePath: string,
  targets: readonly Cifar10Target[],
): Promise<SplitCounts[]> {
  checkTargets(targets);
  const perBatch = new Map<string, Record<string, number>[]>();
  const wanted = new Set<string>(SPLITS.flatMap((split) => split.batches));
  const file = await Deno.open(archivePath);
  const tar = file.readable.pipeThrough(new DecompressionStream("gzip"));
  try {
    for await (const entry of readTarFiles(tar)) {
      const batchName = entry.name.split("/").pop()!;
      if (!wanted.has(batchName) || perBatch.has(batchName)) continue;
      perBatch.set(batchName, await writeBatch(entry, batchName, targets));
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
  const allCounts: SplitCounts[] = [];
  for (const [t, { outputDir, classes }] of targets.entries()) {
    const parts = join(outputDir, "parts");
    const counts: SplitCounts = { train: {}, test: {} };
    for (const split of SPLITS) {
      for (const { folder } of classes) {
        const target = join(outputDir, split.folder, folder);
        await Deno.mkdir(target, { recursive: true });
        counts[split.folder][folder] = 0;
        for (const batchName of split.batches) {
          for (let i = 0; i < perBatch.get(batchName)![t][folder]; i++) {
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
    allCounts.push(counts);
  }
  return allCounts;
}

/**
 * Writes the cats and dogs of a CIFAR-10 binary archive (`.tar.gz`) as PNG
 * files under `outputDir` (see {@link extractCifar10Classes}).
 */
export async function extractCatsDogs(
  archivePath: string,
  outputDir: string,
): Promise<CatsDogsCounts> {
  const [counts] = await extractCifar10Classes(archivePath, [
    { outputDir, classes: CIFAR10_CLASSES },
  ]);
  return counts as CatsDogsCounts;
}

/**
 * Streams one batch file's records and writes each kept class's images as
 * `<target>/parts/<batch>/<class>/<n>.png`, numbered from 0 per class;
 * returns the counts per target and class.
 */
async function writeBatch(
  entry: TarFile,
  batchName: string,
  targets: readonly Cifar10Target[],
): Promise<Record<string, number>[]> {
  const byLabel = new Map<number, { target: number; folder: string; dir: string }>();
  const counts = targets.map(() => ({} as Record<string, number>));
  for (const [target, { outputDir, classes }] of targets.entries()) {
    for (const { label, folder } of classes) {
      const dir = join(outputDir, "parts", batchName, folder);
      await Deno.mkdir(dir, { recursive: true });
      byLabel.set(label, { target, folder, dir });
      counts[target][folder] = 0;
    }
  }
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
      const kept = byLabel.get(record[0]);
      if (kept === undefined) continue;
      cifar10RecordToRgb(record, rgb);
      const png = PNG.sync.write({ width: SIDE, height: SIDE, data: rgb }, {
        colorType: 2,
        inputColorType: 2,
        inputHasAlpha: false,
      });
      await Deno.writeFile(join(kept.dir, `${counts[kept.target][kept.folder]++}.png`), png);
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

/** What `downloadCifar10` did for one destination. */
export interface Cifar10DownloadResult {
  readonly destination: string;
  /** True when a complete folder was already there and nothing was written to it. */
  readonly alreadyPresent: boolean;
  /** Images written per split and class (undefined when already present). */
  readonly counts?: SplitCounts;
}

/** One folder `downloadCifar10` makes: where, and which classes it holds. */
export interface Cifar10Destination {
  readonly destination: string;
  readonly classes: readonly Cifar10Class[];
}

/** True when `destination` holds every split's class folders; false when it does not exist; throws when it is incomplete. */
async function isComplete({ destination, classes }: Cifar10Destination): Promise<boolean> {
  if (!(await pathExists(destination))) return false;
  const expected = SPLITS.flatMap((split) =>
    classes.map(({ folder }) => join(destination, split.folder, folder))
  );
  for (const folder of expected) {
    if (!(await pathExists(folder))) {
      throw new Error(
        `"${destination}" exists but has no "${folder}": it is not a complete download. ` +
          `Delete "${destination}" and run again.`,
      );
    }
  }
  return true;
}

/**
 * Downloads the CIFAR-10 binary archive once, verifies its MD5 and writes
 * each destination's classes as `destination/{train,test}/<class>/NNNNN.png`
 * (one pass over the archive for all of them). A complete existing
 * destination is kept; when all are complete nothing is downloaded; an
 * incomplete one is an error asking to delete it. Everything happens beside
 * the destinations under temporary names and each finished folder is renamed
 * into place last: a failure anywhere leaves no new destination and no
 * temporary files. Returns one result per destination, in order.
 */
export async function downloadCifar10(
  destinations: readonly Cifar10Destination[],
  options: Omit<Cifar10DownloadOptions, "destination"> = {},
): Promise<Cifar10DownloadResult[]> {
  checkTargets(
    destinations.map(({ destination, classes }) => ({ outputDir: destination, classes })),
  );
  const complete = await Promise.all(destinations.map(isComplete));
  const pending = destinations.filter((_, index) => !complete[index]);
  const results: Cifar10DownloadResult[] = destinations.map(({ destination }) => ({
    destination,
    alreadyPresent: true,
  }));
  if (pending.length === 0) return results;
  const temporaries = pending.map(({ destination }) =>
    `${destination}.incomplete-${crypto.randomUUID().slice(0, 8)}`
  );
  for (const { destination } of pending) {
    await Deno.mkdir(join(destination, ".."), { recursive: true });
  }
  const archive = `${temporaries[0]}.tar.gz`;
  try {
    await downloadVerified(options.url ?? CIFAR10_URL, archive, {
      md5: options.md5 ?? CIFAR10_MD5,
      onProgress: options.onProgress,
    });
    const counts = await extractCifar10Classes(
      archive,
      pending.map(({ classes }, index) => ({ outputDir: temporaries[index], classes })),
    );
    for (const [index, { destination }] of pending.entries()) {
      await Deno.rename(temporaries[index], destination);
      results[destinations.findIndex((entry) => entry.destination === destination)] = {
        destination,
        alreadyPresent: false,
        counts: counts[index],
      };
    }
    return results;
  } finally {
    for (const path of [archive, ...temporaries]) {
      await Deno.remove(path, { recursive: true }).catch(() => {});
    }
  }
}

/**
 * Downloads the CIFAR-10 binary archive, verifies its MD5 and writes its cats
 * and dogs as `destination/{train,test}/{cats,dogs}/NNNNN.png` (see
 * {@link downloadCifar10}).
 */
export async function downloadCifar10CatsDogs(
  options: Cifar10DownloadOptions = {},
): Promise<Cifar10DownloadResult & { counts?: CatsDogsCounts }> {
  const destination = options.destination ?? defaultCatsDogsRoot();
  const [result] = await downloadCifar10([{ destination, classes: CIFAR10_CLASSES }], options);
  return result as Cifar10DownloadResult & { counts?: CatsDogsCounts };
}
