import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { join } from "node:path";
import {
  CIFAR10_CLASSES,
  CIFAR10_OTHER_CLASSES,
  downloadCifar10,
  downloadCifar10CatsDogs,
  readTarFiles,
} from "../../lib/data/cifar10.ts";
import { loadImageFolder } from "../../lib/data/image_folder.ts";

const RECORD_BYTES = 3073;

/** A CIFAR-10 record: label byte, then planar R, G, B planes derived from `seed`. */
function record(label: number, seed: number): Uint8Array {
  const bytes = new Uint8Array(RECORD_BYTES);
  bytes[0] = label;
  for (let i = 1; i < RECORD_BYTES; i++) bytes[i] = (seed * 31 + i * 7) % 256;
  return bytes;
}

/** The interleaved RGB a record should decode to. */
function expectedRgb(recordBytes: Uint8Array): number[] {
  const rgb: number[] = [];
  for (let pixel = 0; pixel < 1024; pixel++) {
    rgb.push(recordBytes[1 + pixel], recordBytes[1025 + pixel], recordBytes[2049 + pixel]);
  }
  return rgb;
}

/** A 512-byte tar header; `magic` "ustar\0" + "00" is POSIX ustar, "ustar  \0" old GNU. */
function tarHeader(
  name: string,
  size: number,
  type: string,
  { prefix = "", magic = "ustar\x0000" } = {},
): Uint8Array {
  const header = new Uint8Array(512);
  const put = (offset: number, value: string) =>
    header.set(new TextEncoder().encode(value), offset);
  put(0, name);
  put(100, "0000644\0");
  put(108, "0000000\0");
  put(116, "0000000\0");
  put(124, size.toString(8).padStart(11, "0") + "\0");
  put(136, "00000000000\0");
  put(156, type);
  put(257, magic);
  put(345, prefix);
  put(148, "        ");
  const sum = header.reduce((total, byte) => total + byte, 0);
  put(148, sum.toString(8).padStart(6, "0") + "\0 ");
  return header;
}

/** `bytes` followed by zeros up to the next 512-byte block. */
function padded(bytes: Uint8Array): Uint8Array[] {
  return [bytes, new Uint8Array((512 - bytes.length % 512) % 512)];
}

/**
 * A tar archive of `files` (null bytes: a directory). Names up to 100 bytes go in the name field;
 * longer ones are split into a ustar prefix and name where `longNames` is "ustar", or written as a
 * GNU "././@LongLink" entry (type L) before an old-GNU header where it is "gnu".
 */
function tar(
  files: [name: string, bytes: Uint8Array | null][],
  longNames: "ustar" | "gnu" = "ustar",
): Uint8Array<ArrayBuffer> {
  const parts: Uint8Array[] = [];
  for (const [name, bytes] of files) {
    const type = bytes === null ? "5" : "0";
    const size = bytes?.length ?? 0;
    if (name.length <= 100) {
      parts.push(tarHeader(name, size, type));
    } else if (longNames === "ustar") {
      const split = name.lastIndexOf("/", name.length - 1 - 1);
      assert.ok(
        split > 0 && split <= 155 && name.length - split - 1 <= 100,
        `cannot split ${name}`,
      );
      parts.push(tarHeader(name.slice(split + 1), size, type, { prefix: name.slice(0, split) }));
    } else {
      const longName = new TextEncoder().encode(name + "\0");
      const gnu = { magic: "ustar  \0" };
      parts.push(tarHeader("././@LongLink", longName.length, "L", gnu), ...padded(longName));
      parts.push(tarHeader(name.slice(0, 100), size, type, gnu));
    }
    if (bytes !== null) parts.push(...padded(bytes));
  }
  parts.push(new Uint8Array(1024));
  return concat(parts);
}

function concat(parts: Uint8Array[]): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(parts.reduce((total, part) => total + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

async function gzip(bytes: Uint8Array<ArrayBuffer>): Promise<Uint8Array<ArrayBuffer>> {
  const stream = new Blob([bytes]).stream().pipeThrough(new CompressionStream("gzip"));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

function md5(bytes: Uint8Array): string {
  return createHash("md5").update(bytes).digest("hex");
}

/** The six classes that are neither cats nor dogs, by label. */
const OTHER_FOLDERS: Record<number, string> = {
  0: "airplane",
  2: "bird",
  4: "deer",
  6: "frog",
  7: "horse",
  8: "ship",
};

/** A small fake CIFAR-10 binary archive, and the records it holds per split and class. */
async function fakeArchive() {
  const expected = {
    train: { cats: [] as Uint8Array[], dogs: [] as Uint8Array[] },
    test: { cats: [] as Uint8Array[], dogs: [] as Uint8Array[] },
  };
  const others = {
    train: {} as Record<string, Uint8Array[]>,
    test: {} as Record<string, Uint8Array[]>,
  };
  const files: [string, Uint8Array | null][] = [["cifar-10-batches-bin/", null]];
  files.push(["cifar-10-batches-bin/batches.meta.txt", new TextEncoder().encode("airplane\n")]);
  let seed = 0;
  const batch = (split: "train" | "test", labels: number[]) =>
    concat(labels.map((label) => {
      const bytes = record(label, seed++);
      if (label === 3) expected[split].cats.push(bytes);
      if (label === 5) expected[split].dogs.push(bytes);
      const other = OTHER_FOLDERS[label];
      if (other !== undefined) (others[split][other] ??= []).push(bytes);
      return bytes;
    }));
  // Batches in a shuffled archive order: numbering must still follow batches 1..5.
  for (const n of [3, 1, 5, 2, 4]) {
    files.push([`cifar-10-batches-bin/data_batch_${n}.bin`, new Uint8Array()]);
  }
  // Every class appears (1 automobile and 9 truck are in neither output), some in several batches.
  const trainLabels: Record<number, number[]> = {
    1: [3, 0, 5, 3, 4],
    2: [9, 5, 6, 8],
    3: [5, 5, 1, 7],
    4: [3, 0],
    5: [2, 3, 5, 8],
  };
  for (const n of [1, 2, 3, 4, 5]) {
    const entry = files.find(([name]) => name.endsWith(`data_batch_${n}.bin`))!;
    entry[1] = batch("train", trainLabels[n]);
  }
  files.push([
    "cifar-10-batches-bin/test_batch.bin",
    batch("test", [5, 3, 7, 3, 0, 2, 4, 6, 8, 9, 0]),
  ]);
  const archive = await gzip(tar(files));
  return { archive, expected, others };
}

async function serve(
  respond: () => Response,
  run: (url: string) => Promise<void>,
): Promise<void> {
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, respond);
  try {
    await run(`http://127.0.0.1:${server.addr.port}/cifar-10-binary.tar.gz`);
  } finally {
    await server.shutdown();
  }
}

/** A raw HTTP server that announces the whole archive, sends half of it, and hangs up. */
function serveBrokenOff(archive: Uint8Array) {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const done = (async () => {
    const connection = await listener.accept();
    await connection.read(new Uint8Array(4096));
    const head = `HTTP/1.1 200 OK\r\nContent-Length: ${archive.length}\r\n\r\n`;
    await connection.write(concat([new TextEncoder().encode(head), archive.subarray(0, 100)]));
    connection.close();
    listener.close();
  })();
  return { url: `http://127.0.0.1:${listener.addr.port}/cifar-10-binary.tar.gz`, done };
}

async function withTempDir(run: (dir: string) => Promise<void>) {
  const dir = await Deno.makeTempDir({ prefix: "cifar10_test_" });
  try {
    await run(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("downloads, verifies and writes cats and dogs PNGs whose pixels round-trip", async () => {
  const { archive, expected } = await fakeArchive();
  await withTempDir(async (dir) => {
    const destination = join(dir, "cifar10_cats_dogs");
    let lastProgress = 0;
    await serve(() => new Response(archive), async (url) => {
      const result = await downloadCifar10CatsDogs({
        url,
        md5: md5(archive),
        destination,
        onProgress: (progress) => lastProgress = progress.receivedBytes,
      });
      assert.equal(result.alreadyPresent, false);
      assert.deepEqual(result.counts, {
        train: { cats: 4, dogs: 5 },
        test: { cats: 2, dogs: 1 },
      });
    });
    assert.equal(lastProgress, archive.length);
    for (const split of ["train", "test"] as const) {
      const set = await loadImageFolder(join(destination, split));
      assert.deepEqual(set.classNames, ["cats", "dogs"]);
      assert.equal(set.height, 32);
      assert.equal(set.width, 32);
      const records = [...expected[split].cats, ...expected[split].dogs];
      assert.deepEqual(set.paths.map((path) => path.slice(-9)), [
        ...expected[split].cats.map((_, i) => `0000${i}.png`),
        ...expected[split].dogs.map((_, i) => `0000${i}.png`),
      ]);
      assert.deepEqual([...set.pixels], records.flatMap(expectedRgb));
    }
    assert.deepEqual([...Deno.readDirSync(dir)].map((entry) => entry.name), ["cifar10_cats_dogs"]);

    // A second run finds the complete folder and downloads nothing.
    const again = await downloadCifar10CatsDogs({ url: "http://127.0.0.1:9/unused", destination });
    assert.equal(again.alreadyPresent, true);
  });
});

Deno.test("a wrong checksum or a broken-off download leaves no destination and no temporary files", async () => {
  const { archive } = await fakeArchive();
  await withTempDir(async (dir) => {
    const destination = join(dir, "cifar10_cats_dogs");
    await serve(() => new Response(archive), async (url) => {
      await assert.rejects(
        downloadCifar10CatsDogs({ url, md5: "0".repeat(32), destination }),
        /has MD5 [0-9a-f]{32}, not the expected 0{32}.*run again/,
      );
    });
    assert.deepEqual([...Deno.readDirSync(dir)], []);

    const brokenOff = serveBrokenOff(archive);
    await assert.rejects(
      downloadCifar10CatsDogs({ url: brokenOff.url, md5: md5(archive), destination }),
      /broke off after \d+ bytes.*run again/,
    );
    await brokenOff.done;
    assert.deepEqual([...Deno.readDirSync(dir)], []);

    await serve(() => new Response("gone", { status: 404 }), async (url) => {
      await assert.rejects(downloadCifar10CatsDogs({ url, destination }), /HTTP 404/);
    });
    assert.deepEqual([...Deno.readDirSync(dir)], []);
  });
});

Deno.test("an archive without the CIFAR-10 batches is rejected by name", async () => {
  const archive = await gzip(tar([["cifar-10-batches-py/data_batch_1", new Uint8Array(10)]]));
  await withTempDir(async (dir) => {
    const destination = join(dir, "out");
    await serve(() => new Response(archive), async (url) => {
      await assert.rejects(
        downloadCifar10CatsDogs({ url, md5: md5(archive), destination }),
        /lacks data_batch_1\.bin.*binary/,
      );
    });
    assert.deepEqual([...Deno.readDirSync(dir)], []);
  });
});

async function readAll(stream: ReadableStream<Uint8Array>) {
  const files: { name: string; size: number; bytes: number[] }[] = [];
  for await (const file of readTarFiles(stream)) {
    const bytes: number[] = [];
    for await (const chunk of file.body) bytes.push(...chunk);
    files.push({ name: file.name, size: file.size, bytes });
  }
  return files;
}

const LONG_DIR = `cifar-10-batches-bin/${"sub-folder-with-a-long-name/".repeat(3)}`;
const LONG_NAME = `${LONG_DIR}${"b".repeat(40)}.bin`;

for (const longNames of ["ustar", "gnu"] as const) {
  Deno.test(`readTarFiles reads ${longNames} long names and exact bytes, skipping directories`, async () => {
    assert.ok(LONG_NAME.length > 100 && LONG_NAME.length - LONG_DIR.length < 100);
    const bytes = new Uint8Array(700).map((_, i) => i % 251);
    const archive = tar([
      ["dir/", null],
      ["dir/a.bin", bytes],
      [LONG_NAME, new Uint8Array([1, 2, 3])],
      ["b.txt", new Uint8Array([65])],
    ], longNames);
    const files = await readAll(new Blob([archive]).stream());
    assert.deepEqual(files.map((file) => file.name), ["dir/a.bin", LONG_NAME, "b.txt"]);
    assert.deepEqual(files.map((file) => file.size), [700, 3, 1]);
    assert.deepEqual(files[0].bytes, [...bytes]);
    assert.deepEqual(files[1].bytes, [1, 2, 3]);
  });
}

Deno.test("readTarFiles rejects a truncated archive and a block that is not a tar header", async () => {
  const archive = tar([["a.bin", new Uint8Array(2000).fill(7)]]);
  await assert.rejects(
    () => readAll(new Blob([archive.subarray(0, 1200)]).stream()),
    /end of data/i,
  );
  await assert.rejects(
    () => readAll(new Blob([new Uint8Array(512).fill(49)]).stream()),
    /tar header/i,
  );
});

Deno.test("readTarFiles streams: a file's first bytes arrive before the archive is read", async () => {
  const fileBytes = 4 << 20;
  const archive = tar([["big.bin", new Uint8Array(fileBytes)], ["next.bin", new Uint8Array(9)]]);
  const chunk = 64 << 10;
  let served = 0;
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (served >= archive.length) return controller.close();
      controller.enqueue(archive.slice(served, served + chunk));
      served += chunk;
    },
  }, { highWaterMark: 0 });
  const servedAtFirstChunk: number[] = [];
  const names: string[] = [];
  for await (const file of readTarFiles(stream)) {
    names.push(file.name);
    for await (const _ of file.body) servedAtFirstChunk.push(served);
  }
  assert.deepEqual(names, ["big.bin", "next.bin"]);
  assert.ok(
    servedAtFirstChunk[0] < fileBytes / 4,
    `${servedAtFirstChunk[0]} of ${archive.length} bytes read before the first file's bytes`,
  );
});

Deno.test("a truncated archive with a matching checksum: a clear error, nothing written", async () => {
  const { archive } = await fakeArchive();
  const tarBytes = new Uint8Array(
    await new Response(new Blob([archive]).stream().pipeThrough(new DecompressionStream("gzip")))
      .arrayBuffer(),
  );
  const cases = {
    "tar cut inside a batch": await gzip(tarBytes.slice(0, 4096 + 512 * 3)),
    "gzip cut short": archive.slice(0, Math.floor(archive.length * 0.6)),
  };
  for (const [what, truncated] of Object.entries(cases)) {
    await withTempDir(async (dir) => {
      const destination = join(dir, "cifar10_cats_dogs");
      await serve(() => new Response(truncated), async (url) => {
        await assert.rejects(
          downloadCifar10CatsDogs({ url, md5: md5(truncated), destination }),
          /Could not read .*cifar10_cats_dogs\.incomplete-\w+\.tar\.gz as a gzipped tar archive \(.+\)\. .*run again/,
          what,
        );
      });
      assert.deepEqual([...Deno.readDirSync(dir)], [], what);
    });
  }
});

Deno.test("one download writes the cats and dogs and the six other classes, each folder whole", async () => {
  const { archive, others } = await fakeArchive();
  await withTempDir(async (dir) => {
    const catsDogs = { destination: join(dir, "cats_dogs"), classes: CIFAR10_CLASSES };
    const other = { destination: join(dir, "other_classes"), classes: CIFAR10_OTHER_CLASSES };
    let requests = 0;
    await serve(() => (requests++, new Response(archive)), async (url) => {
      const results = await downloadCifar10([catsDogs, other], { url, md5: md5(archive) });
      assert.deepEqual(results.map((result) => result.alreadyPresent), [false, false]);
      assert.deepEqual(results[0].counts, {
        train: { cats: 4, dogs: 5 },
        test: { cats: 2, dogs: 1 },
      });
      assert.deepEqual(results[1].counts, {
        train: { airplane: 2, bird: 1, deer: 1, frog: 1, horse: 1, ship: 2 },
        test: { airplane: 2, bird: 1, deer: 1, frog: 1, horse: 1, ship: 1 },
      });
    });
    assert.equal(requests, 1, "one download serves both folders");
    for (const split of ["train", "test"] as const) {
      const set = await loadImageFolder(join(other.destination, split));
      assert.deepEqual(set.classNames, ["airplane", "bird", "deer", "frog", "horse", "ship"]);
      const records = set.classNames.flatMap((name) => others[split][name]);
      assert.deepEqual([...set.pixels], records.flatMap(expectedRgb), `${split} pixels`);
    }
    assert.deepEqual(
      [...Deno.readDirSync(dir)].map((entry) => entry.name).sort(),
      ["cats_dogs", "other_classes"],
      "no temporary files left",
    );

    // Both complete: nothing is downloaded.
    const again = await downloadCifar10([catsDogs, other], { url: "http://127.0.0.1:9/unused" });
    assert.deepEqual(again.map((result) => result.alreadyPresent), [true, true]);
  });
});

Deno.test("with the cats and dogs already there, only the six other classes are written", async () => {
  const { archive } = await fakeArchive();
  await withTempDir(async (dir) => {
    const catsDogs = { destination: join(dir, "cats_dogs"), classes: CIFAR10_CLASSES };
    const other = { destination: join(dir, "other_classes"), classes: CIFAR10_OTHER_CLASSES };
    await serve(() => new Response(archive), async (url) => {
      await downloadCifar10CatsDogs({ url, md5: md5(archive), destination: catsDogs.destination });
      const before = [...Deno.readDirSync(join(catsDogs.destination, "train", "cats"))].length;
      const results = await downloadCifar10([catsDogs, other], { url, md5: md5(archive) });
      assert.deepEqual(results.map((result) => result.alreadyPresent), [true, false]);
      assert.equal(
        [...Deno.readDirSync(join(catsDogs.destination, "train", "cats"))].length,
        before,
      );
      assert.equal(results[1].counts!.train.ship, 2);
    });
  });
});

Deno.test("a class asked for twice, or an incomplete folder, is refused before downloading", async () => {
  await withTempDir(async (dir) => {
    await assert.rejects(
      downloadCifar10([
        { destination: join(dir, "a"), classes: CIFAR10_CLASSES },
        { destination: join(dir, "b"), classes: [{ label: 3, folder: "cat_again" }] },
      ], { url: "http://127.0.0.1:9/unused" }),
      /label 3 is asked for twice/,
    );
    await Deno.mkdir(join(dir, "other", "train", "airplane"), { recursive: true });
    await assert.rejects(
      downloadCifar10([{ destination: join(dir, "other"), classes: CIFAR10_OTHER_CLASSES }], {
        url: "http://127.0.0.1:9/unused",
      }),
      /not a complete download/,
    );
  });
});
