import assert from "node:assert/strict";
import { join } from "node:path";
import jpeg from "jpeg-js";
import { PNG } from "pngjs";
import { catsDogsDir, listImageFolder, loadImageFolder } from "../../lib/data/image_folder.ts";

/** A width × height RGB image whose pixel (x, y) has channel c = (seed + 7x + 13y + 50c) mod 256. */
function patternRgb(width: number, height: number, seed: number): Uint8Array {
  const rgb = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      for (let c = 0; c < 3; c++) {
        rgb[(y * width + x) * 3 + c] = (seed + 7 * x + 13 * y + 50 * c) % 256;
      }
    }
  }
  return rgb;
}

function encodePng(rgb: Uint8Array, width: number, height: number): Uint8Array {
  return PNG.sync.write({ width, height, data: rgb }, {
    colorType: 2,
    inputColorType: 2,
    inputHasAlpha: false,
  });
}

function encodeJpeg(rgb: Uint8Array, width: number, height: number): Uint8Array {
  const rgba = new Uint8Array(width * height * 4);
  for (let i = 0; i < width * height; i++) {
    rgba.set(rgb.subarray(i * 3, i * 3 + 3), i * 4);
    rgba[i * 4 + 3] = 255;
  }
  return jpeg.encode({ width, height, data: rgba }, 100).data;
}

async function writeFiles(root: string, files: Record<string, Uint8Array | string>) {
  for (const [relative, content] of Object.entries(files)) {
    const path = join(root, relative);
    await Deno.mkdir(join(path, ".."), { recursive: true });
    if (typeof content === "string") await Deno.writeTextFile(path, content);
    else await Deno.writeFile(path, content);
  }
}

async function withTempDir(run: (dir: string) => Promise<void> | void) {
  const dir = await Deno.makeTempDir({ prefix: "image_folder_test_" });
  try {
    await run(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

async function assertRejectsWith(promise: Promise<unknown>, ...fragments: string[]) {
  await assert.rejects(promise, (error: Error) => {
    for (const fragment of fragments) {
      assert.ok(error.message.includes(fragment), `"${fragment}" not in: ${error.message}`);
    }
    return true;
  });
}

Deno.test("classes are sorted, files sorted by name, PNG pixels exact, others ignored", async () => {
  await withTempDir(async (dir) => {
    const image = (seed: number) => encodePng(patternRgb(4, 3, seed), 4, 3);
    await writeFiles(dir, {
      "dogs/b.png": image(1),
      "dogs/a.PNG": image(2),
      "cats/z.png": image(3),
      "cats/.DS_Store": "junk",
      "cats/Thumbs.db": "junk",
      "cats/notes.txt": "junk",
      "cats/._z.png": "macOS resource fork",
      "cats/nested/x.png": image(4),
      ".ipynb_checkpoints/y.png": image(5),
      "README.md": "a file beside the class folders",
    });
    const set = await loadImageFolder(dir);
    assert.deepEqual(set.classNames, ["cats", "dogs"]);
    assert.deepEqual(set.paths, [
      join(dir, "cats/z.png"),
      join(dir, "dogs/a.PNG"),
      join(dir, "dogs/b.png"),
    ]);
    assert.deepEqual([...set.labels], [0, 1, 1]);
    assert.equal(set.height, 3);
    assert.equal(set.width, 4);
    const expected = [3, 2, 1].map((seed) => [...patternRgb(4, 3, seed)]).flat();
    assert.deepEqual([...set.pixels], expected);
  });
});

Deno.test("JPEG (.jpg, .JPEG) decodes within a small tolerance; progress reaches the total", async () => {
  await withTempDir(async (dir) => {
    const rgb = patternRgb(16, 16, 40);
    await writeFiles(dir, {
      "cats/1.jpg": encodeJpeg(rgb, 16, 16),
      "dogs/2.JPEG": encodeJpeg(rgb, 16, 16),
    });
    const progress: [number, number][] = [];
    const set = await loadImageFolder(dir, {
      onProgress: (done, total) => progress.push([done, total]),
    });
    assert.deepEqual(progress, [[1, 2], [2, 2]]);
    let worst = 0;
    set.pixels.forEach((value, i) =>
      worst = Math.max(worst, Math.abs(value - rgb[i % rgb.length]))
    );
    assert.ok(worst <= 12, `JPEG error ${worst} exceeds 12`);
  });
});

Deno.test("grayscale and RGBA PNGs become RGB (alpha dropped)", async () => {
  await withTempDir(async (dir) => {
    const gray = PNG.sync.write({ width: 2, height: 1, data: new Uint8Array([10, 200]) }, {
      colorType: 0,
      inputColorType: 0,
      inputHasAlpha: false,
    });
    const rgba = PNG.sync.write({
      width: 2,
      height: 1,
      data: new Uint8Array([1, 2, 3, 0, 4, 5, 6, 128]),
    });
    await writeFiles(dir, { "a/gray.png": gray, "b/rgba.png": rgba });
    const set = await loadImageFolder(dir);
    assert.deepEqual([...set.pixels], [10, 10, 10, 200, 200, 200, 1, 2, 3, 4, 5, 6]);
  });
});

Deno.test("size resizes every image", async () => {
  await withTempDir(async (dir) => {
    await writeFiles(dir, {
      "cats/big.png": encodePng(patternRgb(10, 6, 0), 10, 6),
      "dogs/small.png": encodePng(patternRgb(3, 2, 0), 3, 2),
    });
    const square = await loadImageFolder(dir, { size: 4 });
    assert.equal(square.height, 4);
    assert.equal(square.width, 4);
    assert.equal(square.pixels.length, 2 * 4 * 4 * 3);
    const oblong = await loadImageFolder(dir, { size: [3, 5] });
    assert.equal(oblong.height, 3);
    assert.equal(oblong.width, 5);
    assert.equal(oblong.pixels.length, 2 * 3 * 5 * 3);
  });
});

Deno.test("images of different sizes without size: error names both files and suggests size", async () => {
  await withTempDir(async (dir) => {
    await writeFiles(dir, {
      "cats/a.png": encodePng(patternRgb(4, 4, 0), 4, 4),
      "dogs/b.png": encodePng(patternRgb(5, 4, 0), 5, 4),
    });
    await assertRejectsWith(
      loadImageFolder(dir),
      join(dir, "cats/a.png"),
      join(dir, "dogs/b.png"),
      "size",
    );
  });
});

Deno.test("bad folder layouts: each error names the path and the fix", async () => {
  await withTempDir(async (dir) => {
    const png = encodePng(patternRgb(2, 2, 0), 2, 2);
    await assertRejectsWith(
      loadImageFolder(join(dir, "nowhere")),
      join(dir, "nowhere"),
      "does not exist",
    );
    await writeFiles(dir, { "flat/a.png": png });
    await assertRejectsWith(loadImageFolder(join(dir, "flat")), "has no sub-folders", "cats/");
    await writeFiles(dir, { "one/cats/a.png": png });
    await assertRejectsWith(loadImageFolder(join(dir, "one")), "only one class", '"cats"');
    await writeFiles(dir, { "empty/cats/a.png": png, "empty/dogs/readme.txt": "no images" });
    await assertRejectsWith(
      loadImageFolder(join(dir, "empty")),
      join(dir, "empty", "dogs"),
      "no .jpg",
    );
    await assertRejectsWith(
      loadImageFolder(join(dir, "empty"), { classes: ["cats", "horses"] }),
      '"horses"',
      "cats, dogs",
    );
    await assertRejectsWith(
      loadImageFolder(join(dir, "one"), { size: 0 }),
      "positive whole number",
    );
  });
});

Deno.test("files that do not decode: the error names the file, not a decoder stack", async () => {
  await withTempDir(async (dir) => {
    const good = encodeJpeg(patternRgb(8, 8, 0), 8, 8);
    const truncated = good.subarray(0, 200);
    await writeFiles(dir, { "a/ok.jpg": good, "b/broken.jpg": truncated });
    await assertRejectsWith(loadImageFolder(dir), join(dir, "b/broken.jpg"), "as JPEG", "corrupt");
    await writeFiles(dir, { "b/broken.jpg": "GIF89a pretending" });
    await assertRejectsWith(
      loadImageFolder(dir),
      join(dir, "b/broken.jpg"),
      "neither JPEG nor PNG",
    );
    await writeFiles(dir, { "b/broken.jpg": "" });
    await assertRejectsWith(loadImageFolder(dir), join(dir, "b/broken.jpg"), "empty");
  });
});

Deno.test("listImageFolder lists without decoding; classes option picks folders, labels stay sorted", async () => {
  await withTempDir(async (dir) => {
    await writeFiles(dir, {
      "dogs/1.png": "not decoded",
      "cats/2.jpg": "not decoded",
      "birds/3.png": "x",
    });
    const listing = await listImageFolder(dir, ["dogs", "cats"]);
    assert.deepEqual(listing.classNames, ["cats", "dogs"]);
    assert.deepEqual(listing.files, [[join(dir, "cats/2.jpg")], [join(dir, "dogs/1.png")]]);
  });
});

Deno.test("catsDogsDir follows CATS_DOGS_DIR and explains how to fix a missing folder", async () => {
  const saved = Deno.env.get("CATS_DOGS_DIR");
  try {
    await withTempDir((dir) => {
      Deno.env.set("CATS_DOGS_DIR", dir);
      assert.equal(catsDogsDir(), dir);
      Deno.env.set("CATS_DOGS_DIR", join(dir, "missing"));
      assert.throws(() => catsDogsDir(), (error: Error) => {
        for (const fragment of [join(dir, "missing"), "CATS_DOGS_DIR", "deno task data"]) {
          assert.ok(error.message.includes(fragment), `"${fragment}" not in: ${error.message}`);
        }
        return true;
      });
    });
  } finally {
    if (saved === undefined) Deno.env.delete("CATS_DOGS_DIR");
    else Deno.env.set("CATS_DOGS_DIR", saved);
  }
});
