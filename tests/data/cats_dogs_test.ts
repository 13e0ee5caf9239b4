/**
 * Tests of the cats-and-dogs data on first use (lib/data/cats_dogs.ts): a tiny
 * CIFAR-10 archive served from a loopback server is downloaded, checked and
 * written once; an interrupted download leaves nothing that passes for data
 * and the next call starts again; offline, the error names the URL and the
 * ways to point at a copy.
 */
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { basename, dirname, join } from "node:path";
import { catsDogsFolder, loadCatsDogs } from "../../lib/data/cats_dogs.ts";
import type { DownloadProgress } from "../../lib/data/download.ts";
import { tinyCifar10Archive } from "../fixtures/cifar10_archive.ts";
import { refusedUrl, serveBrokenOff, serveBytes } from "../fixtures/download_server.ts";

const { archive, counts } = await tinyCifar10Archive();
const md5 = createHash("md5").update(archive).digest("hex");

/** Runs `body` with a fresh data root in a temp folder and CATS_DOGS_DIR, CIFAR10_URL unset. */
async function withDataRoot(body: (root: string) => Promise<void>): Promise<void> {
  const saved = ["CATS_DOGS_DIR", "CIFAR10_URL"].map((name) => [name, Deno.env.get(name)] as const);
  const parent = await Deno.makeTempDir({ prefix: "cats_dogs_test_" });
  try {
    for (const [name] of saved) Deno.env.delete(name);
    await body(join(parent, "cifar10_cats_dogs"));
  } finally {
    for (const [name, value] of saved) {
      value === undefined ? Deno.env.delete(name) : Deno.env.set(name, value);
    }
    await Deno.remove(parent, { recursive: true });
  }
}

async function fileCount(folder: string): Promise<number> {
  return (await Array.fromAsync(Deno.readDir(folder))).filter((entry) => entry.isFile).length;
}

/** The names beside `root` (the root, its lock file, and anything a download left). */
async function besideRoot(root: string): Promise<string[]> {
  return (await Array.fromAsync(Deno.readDir(dirname(root)))).map((entry) => entry.name).sort();
}

Deno.test("first use downloads, checks and writes the folders once, with progress", async () => {
  await withDataRoot(async (root) => {
    const progress: DownloadProgress[] = [];
    const requests = await serveBytes(archive, async (url) => {
      const options = { root, url, md5, onProgress: (p: DownloadProgress) => progress.push(p) };
      assert.equal(await catsDogsFolder(options), join(root, "train"));
      for (const split of ["train", "test"] as const) {
        for (const folder of ["cats", "dogs"] as const) {
          assert.equal(await fileCount(join(root, split, folder)), counts[split][folder]);
        }
      }
      const images = await loadCatsDogs({ download: options });
      assert.deepEqual(images.classNames, ["cats", "dogs"]);
      assert.equal(images.labels.length, counts.train.cats + counts.train.dogs);
    });
    assert.equal(requests, 1, "the second call must use the folder already written");
    assert.ok(progress.length > 0, "the download must report progress");
    assert.deepEqual(
      { ...progress.at(-1)!, bytesPerSecond: 0 },
      { receivedBytes: archive.length, totalBytes: archive.length, bytesPerSecond: 0 },
    );
    assert.deepEqual(await besideRoot(root), ["cifar10_cats_dogs", "cifar10_cats_dogs.lock"]);
  });
});

Deno.test("an interrupted download leaves no data behind, and the next call starts again", async () => {
  await withDataRoot(async (root) => {
    // What a download killed mid-way (the kernel stopped by Ctrl-C) leaves: a partial archive and a
    // half-written folder, which must never pass for the data.
    const stale = `${root}.incomplete-killed`;
    await Deno.mkdir(join(stale, "parts", "data_batch_1.bin", "cats"), { recursive: true });
    await Deno.writeFile(`${stale}.tar.gz.partial`, archive.subarray(0, 100));
    const broken = serveBrokenOff(archive, Math.floor(archive.length / 2));
    await assert.rejects(
      catsDogsFolder({ root, url: broken.url, md5, onProgress: () => {} }),
      (error: Error) => {
        assert.match(error.message, new RegExp(`Could not download .* from ${broken.url}`));
        assert.match(error.message, /broke off|stopped after/);
        return true;
      },
    );
    await broken.done;
    assert.deepEqual(await besideRoot(root), [`${basename(root)}.lock`], "nothing may be kept");
    // This time with the default progress bar (on stderr outside Jupyter).
    const requests = await serveBytes(archive, async (url) => {
      assert.equal(await catsDogsFolder({ root, url, md5 }), join(root, "train"));
    });
    assert.equal(requests, 1);
    assert.equal(await fileCount(join(root, "train", "cats")), counts.train.cats);
  });
});

Deno.test("offline, the error names the URL it tried and how to point at a copy", async () => {
  await withDataRoot(async (root) => {
    const url = refusedUrl("cifar-10-binary.tar.gz");
    await assert.rejects(
      catsDogsFolder({ root, url, md5, onProgress: () => {} }),
      (error: Error) => {
        for (
          const fragment of [
            url,
            "Connection refused",
            "CATS_DOGS_DIR=",
            join(root, "train"),
            "CIFAR10_URL=file:///",
          ]
        ) {
          assert.ok(error.message.includes(fragment), `"${fragment}" missing in: ${error.message}`);
        }
        return true;
      },
    );
    assert.deepEqual(await besideRoot(root), [`${basename(root)}.lock`]);
  });
});

Deno.test("CATS_DOGS_DIR is used as it is and never triggers a download", async () => {
  await withDataRoot(async (root) => {
    const own = join(dirname(root), "own");
    await Deno.mkdir(own);
    Deno.env.set("CATS_DOGS_DIR", own);
    assert.equal(await catsDogsFolder({ root, url: refusedUrl() }), own);
    Deno.env.set("CATS_DOGS_DIR", join(own, "missing"));
    await assert.rejects(catsDogsFolder({ root, url: refusedUrl() }), /CATS_DOGS_DIR is .*missing/);
  });
});
