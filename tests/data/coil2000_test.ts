import assert from "node:assert/strict";
import { dirname, join } from "node:path";
import { zipSync } from "fflate";
import pl from "nodejs-polars";
import {
  coil2000Dir,
  coil2000Folder,
  featuresAndTarget,
  fitStandardizer,
  loadCoil2000,
  standardize,
} from "../../lib/data/coil2000.ts";
import type { DownloadProgress } from "../../lib/data/download.ts";
import { COIL2000_FILES, tinyCoil2000Archive } from "../fixtures/coil2000_archive.ts";
import { refusedUrl, serveBrokenOff, serveBytes } from "../fixtures/download_server.ts";

const NAMES = Array.from({ length: 85 }, (_, index) => `F${index + 1}`).concat("CARAVAN");

/** A data row of `fields` tab-separated integers: row number, then column numbers. */
function row(rowNumber: number, fields: number): string {
  return Array.from({ length: fields }, (_, column) => column === 0 ? rowNumber : column)
    .join("\t");
}

/** Writes a small CoIL-shaped folder (CR LF lines); `overrides` replace whole files. */
async function fixture(overrides: Record<string, string | null> = {}): Promise<string> {
  const dir = await Deno.makeTempDir();
  const files: Record<string, string | null> = {
    "columns.tsv": ["index\tname\tdescription", ...NAMES.map((name, i) => `${i + 1}\t${name}\tx`)]
      .join("\n") + "\n",
    // Training rows end in CARAVAN 1, 0, 1 (the last field replaced).
    "ticdata2000.txt": [1, 2, 3].map((r) => row(r, 85) + `\t${r % 2}`).join("\r\n") + "\r\n",
    // The second evaluation row has a stray space before its CR LF, as in the UCI file.
    "ticeval2000.txt": row(1, 85) + "\r\n" + row(2, 85) + " \r\n",
    "tictgts2000.txt": "1\r\n0",
    ...overrides,
  };
  for (const [name, text] of Object.entries(files)) {
    if (text !== null) await Deno.writeTextFile(join(dir, name), text);
  }
  return dir;
}

async function withFixture(
  overrides: Record<string, string | null>,
  check: (dir: string) => void,
): Promise<void> {
  const dir = await fixture(overrides);
  try {
    check(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("loadCoil2000 reads CR LF files, names columns and joins the evaluation targets", async () => {
  await withFixture({}, (dir) => {
    const { train, evaluation } = loadCoil2000(dir);
    assert.deepEqual(train.shape, { height: 3, width: 86 });
    assert.deepEqual(train.columns, NAMES);
    assert.deepEqual([...train.getColumn("F1")], [1, 2, 3]);
    assert.deepEqual([...train.getColumn("F85")], [84, 84, 84]);
    assert.deepEqual([...train.getColumn("CARAVAN")], [1, 0, 1]);
    assert.deepEqual(evaluation.shape, { height: 2, width: 86 });
    assert.deepEqual(evaluation.columns, NAMES);
    assert.deepEqual([...evaluation.getColumn("F1")], [1, 2]);
    assert.deepEqual([...evaluation.getColumn("CARAVAN")], [1, 0]);
  });
});

Deno.test("loadCoil2000 uses the UCI dictionary's names when columns.tsv is absent", async () => {
  await withFixture({ "columns.tsv": null }, (dir) => {
    const { train } = loadCoil2000(dir);
    assert.equal(train.columns[0], "MOSTYPE");
    assert.equal(train.columns[84], "ABYSTAND");
    assert.equal(train.columns[85], "CARAVAN");
  });
});

Deno.test("a missing data file names the file and where to download it", async () => {
  await withFixture({ "tictgts2000.txt": null }, (dir) => {
    assert.throws(
      () => loadCoil2000(dir),
      /Missing CoIL 2000 file .*tictgts2000\.txt\. Download .*archive\.ics\.uci\.edu/,
    );
  });
});

Deno.test("a row with a missing column names the file, line and column", async () => {
  const data = row(1, 86) + "\r\n" + row(2, 85) + "\r\n";
  await withFixture({ "ticdata2000.txt": data }, (dir) => {
    assert.throws(
      () => loadCoil2000(dir),
      /ticdata2000\.txt, line 2: found 85 tab-separated field\(s\), expected 86: column 86 \(CARAVAN\) and after are missing/,
    );
  });
});

Deno.test("a comma- or space-separated file is reported as a wrong separator", async () => {
  const commas = NAMES.map(() => "0").join(",") + "\r\n";
  await withFixture({ "ticdata2000.txt": commas }, (dir) => {
    assert.throws(
      () => loadCoil2000(dir),
      /ticdata2000\.txt, line 1: found 1 tab-separated field\(s\), expected 86.* comma-separated; the CoIL 2000 files are tab-separated/,
    );
  });
  const spaces = row(1, 85) + "\r\n" + NAMES.slice(1).map(() => "0").join(" ") + "\r\n";
  await withFixture({ "ticeval2000.txt": spaces }, (dir) => {
    assert.throws(() => loadCoil2000(dir), /ticeval2000\.txt, line 2: found 1 .* space-separated/);
  });
});

Deno.test("a non-numeric value names the line, the column number and its name", async () => {
  const fields = row(3, 86).split("\t");
  fields[4] = "abc";
  const data = row(1, 86) + "\r\n" + row(2, 86) + "\r\n" + fields.join("\t") + "\r\n";
  await withFixture({ "ticdata2000.txt": data }, (dir) => {
    assert.throws(
      () => loadCoil2000(dir),
      /ticdata2000\.txt, line 3, column 5 \(F5\): "abc" is not an integer/,
    );
  });
});

Deno.test("an empty line inside the data and mismatched target counts are errors", async () => {
  await withFixture({ "ticdata2000.txt": row(1, 86) + "\r\n\r\n" + row(2, 86) }, (dir) => {
    assert.throws(() => loadCoil2000(dir), /ticdata2000\.txt, line 2: empty line inside the data/);
  });
  await withFixture({ "tictgts2000.txt": "1\r\n0\r\n1\r\n" }, (dir) => {
    assert.throws(
      () => loadCoil2000(dir),
      /tictgts2000\.txt has 3 targets but .*ticeval2000\.txt has 2 rows/,
    );
  });
});

Deno.test("coil2000Dir follows COIL2000_DIR and explains how to get missing data", async () => {
  const previous = Deno.env.get("COIL2000_DIR");
  const dir = await Deno.makeTempDir();
  try {
    Deno.env.set("COIL2000_DIR", dir);
    assert.equal(coil2000Dir(), dir);
    Deno.env.set("COIL2000_DIR", join(dir, "absent"));
    assert.throws(
      () => coil2000Dir(),
      /COIL2000_DIR points to .*absent, which is not a folder\. Download the CoIL 2000 data from https:\/\/archive\.ics\.uci\.edu\/dataset\/125/,
    );
  } finally {
    if (previous === undefined) Deno.env.delete("COIL2000_DIR");
    else Deno.env.set("COIL2000_DIR", previous);
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("featuresAndTarget gives a row-major Float32 matrix and a 0/1 target", () => {
  const df = pl.DataFrame({ a: [1, 2, 3], CARAVAN: [0, 1, 0], b: [10, 20, 30] });
  const { x, y, featureNames, rows } = featuresAndTarget(df);
  assert.deepEqual(featureNames, ["a", "b"]);
  assert.equal(rows, 3);
  assert.deepEqual([...x], [1, 10, 2, 20, 3, 30]);
  assert.ok(x instanceof Float32Array);
  assert.deepEqual([...y], [0, 1, 0]);
  assert.throws(() => featuresAndTarget(df, "target"), /no column "target" in \[a, CARAVAN, b\]/);
  const notBinary = pl.DataFrame({ a: [1, 2], CARAVAN: [0, 2] });
  assert.throws(
    () => featuresAndTarget(notBinary),
    /"CARAVAN" is 2 in row 1; the target must be 0 or 1/,
  );
});

Deno.test("a standardizer fitted on training rows scales other rows with the same numbers", () => {
  // Feature 0: 1 and 3 → mean 2, population std 1. Feature 1: constant 5 → mean 5, scale 1.
  const train = new Float32Array([1, 5, 3, 5]);
  const standardizer = fitStandardizer(train, 2);
  assert.deepEqual([...standardizer.mean], [2, 5]);
  assert.deepEqual([...standardizer.scale], [1, 1]);
  assert.deepEqual([...standardize(train, standardizer)], [-1, 0, 1, 0]);
  // Other rows: (4 − 2) / 1 = 2, (7 − 5) / 1 = 2.
  assert.deepEqual([...standardize(new Float32Array([4, 7]), standardizer)], [2, 2]);
  assert.throws(() => fitStandardizer(new Float32Array(3), 2), /3 values do not make rows of 2/);
  assert.throws(() => standardize(new Float32Array(3), standardizer), /3 values do not make rows/);
});

const zipped = await tinyCoil2000Archive();

/** Runs `body` with a data folder path in a fresh temp folder and COIL2000_DIR unset. */
async function withDataDir(body: (dir: string) => Promise<void>): Promise<void> {
  const saved = Deno.env.get("COIL2000_DIR");
  const parent = await Deno.makeTempDir({ prefix: "coil2000_download_test_" });
  try {
    Deno.env.delete("COIL2000_DIR");
    await body(join(parent, "coil2000"));
  } finally {
    if (saved === undefined) Deno.env.delete("COIL2000_DIR");
    else Deno.env.set("COIL2000_DIR", saved);
    await Deno.remove(parent, { recursive: true });
  }
}

/** The names beside `dir`: the folder, its lock file, and anything a download left. */
async function besideDir(dir: string): Promise<string[]> {
  return (await Array.fromAsync(Deno.readDir(dirname(dir)))).map((entry) => entry.name).sort();
}

Deno.test("coil2000Folder downloads the UCI zip once, checks each file and loads", async () => {
  await withDataDir(async (dir) => {
    const progress: DownloadProgress[] = [];
    const options = {
      dir,
      sha256: zipped.sha256,
      onProgress: (event: DownloadProgress) => progress.push(event),
    };
    const requests = await serveBytes(zipped.archive, async (url) => {
      // Two notebooks at once: the lock makes the second wait and find the folder written.
      const both = await Promise.all([
        coil2000Folder({ ...options, url }),
        coil2000Folder({ ...options, url }),
      ]);
      assert.deepEqual(both, [dir, dir]);
      assert.equal(await coil2000Folder({ ...options, url }), dir);
    });
    assert.equal(requests, 1, "one download, however many callers");
    for (const name of COIL2000_FILES) {
      assert.deepEqual(await Deno.readFile(join(dir, name)), zipped.files[name], name);
    }
    assert.equal(loadCoil2000(dir).train.height, 40);
    assert.equal(progress.at(-1)?.receivedBytes, zipped.archive.length);
    assert.deepEqual(await besideDir(dir), ["coil2000", "coil2000.lock"]);
  });
});

Deno.test("coil2000Folder refuses a file whose SHA-256 differs and keeps nothing", async () => {
  await withDataDir(async (dir) => {
    const sha256 = { ...zipped.sha256, "tictgts2000.txt": "0".repeat(64) };
    await serveBytes(zipped.archive, async (url) => {
      await assert.rejects(
        coil2000Folder({ dir, url, sha256, onProgress: () => {} }),
        /tictgts2000\.txt in the zip has SHA-256 [0-9a-f]{64}, not the expected 0{64}/,
      );
    });
    assert.deepEqual(await besideDir(dir), ["coil2000.lock"]);
  });
});

Deno.test("an interrupted CoIL download keeps nothing, and the next call starts again", async () => {
  await withDataDir(async (dir) => {
    // What a killed download left: a partial zip and a half-filled folder.
    await Deno.mkdir(`${dir}.incomplete-killed`);
    await Deno.writeTextFile(`${dir}.incomplete-killed/ticdata2000.txt`, "1\t2\r\n");
    await Deno.writeFile(`${dir}.incomplete-killed.zip.partial`, zipped.archive.subarray(0, 50));
    const broken = serveBrokenOff(zipped.archive, 100);
    await assert.rejects(
      coil2000Folder({ dir, url: broken.url, sha256: zipped.sha256, onProgress: () => {} }),
      /Could not download the CoIL 2000 data from .*(broke off|stopped after)/,
    );
    await broken.done;
    assert.deepEqual(await besideDir(dir), ["coil2000.lock"], "nothing may be kept");
    await serveBytes(zipped.archive, async (url) => {
      assert.equal(await coil2000Folder({ dir, url, sha256: zipped.sha256 }), dir);
    });
    assert.equal(loadCoil2000(dir).evaluation.height, 20);
  });
});

Deno.test("offline, coil2000Folder names the URL and how to point at a copy", async () => {
  await withDataDir(async (dir) => {
    const url = refusedUrl("coil2000.zip");
    await assert.rejects(coil2000Folder({ dir, url, onProgress: () => {} }), (error: Error) => {
      for (const fragment of [url, "Connection refused", "COIL2000_DIR", dir, "ticdata2000.txt"]) {
        assert.ok(error.message.includes(fragment), `"${fragment}" missing in: ${error.message}`);
      }
      return true;
    });
    assert.deepEqual(await besideDir(dir), ["coil2000.lock"]);
  });
});

Deno.test("a zip without the data files is refused", async () => {
  await withDataDir(async (dir) => {
    const other = zipSync({ "readme.txt": new TextEncoder().encode("not the data") });
    await serveBytes(other as Uint8Array<ArrayBuffer>, async (url) => {
      await assert.rejects(
        coil2000Folder({ dir, url, onProgress: () => {} }),
        /lacks ticdata2000\.txt, ticeval2000\.txt, tictgts2000\.txt: it is not the UCI/,
      );
    });
    assert.deepEqual(await besideDir(dir), ["coil2000.lock"]);
  });
});
