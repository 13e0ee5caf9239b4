import { join } from "node:path";
import pl from "nodejs-polars";
import { assert, assertEquals, assertRejectsWith } from "../assert.ts";
import { resultsFolder, storedFrames } from "../../lib/experiments/stored_frames.ts";
import { thresholdMetric } from "../../lib/statistics/seed_test_interval.ts";

const frame = () => pl.DataFrame({ condition: ["a", "b"], value: [0.25, 0.75] });

Deno.test("storedFrames computes once, stores Parquet and a manifest, then reads them back", async () => {
  const folder = join(Deno.makeTempDirSync(), "study-full");
  let computed = 0;
  const compute = () => {
    computed++;
    return Promise.resolve({ runs: frame() });
  };
  const first = await storedFrames(folder, compute, { rerun: false });
  assertEquals(first.reused, false);
  assertEquals(computed, 1);
  assertEquals(Deno.readDirSync(folder).toArray().map((entry) => entry.name).sort(), [
    "manifest.json",
    "runs.parquet",
  ]);
  const second = await storedFrames(folder, compute, { rerun: false });
  assertEquals(second.reused, true);
  assertEquals(computed, 1);
  assertEquals(second.frames.runs.toRecords(), frame().toRecords());
  assertEquals(second.manifest.frames, ["runs"]);
  assert(second.manifest.seconds >= 0, "the manifest has no run time");
  // Intervals computed from the stored frames are kept in the folder until a re-run replaces it.
  const labels = [1, 0, 1, 0];
  const scores = [[0.9, 0.2, 0.4, 0.1], [0.8, 0.3, 0.7, 0.6]];
  const accuracy = thresholdMetric("accuracy");
  second.intervals.interval(labels, scores, "accuracy", accuracy, { seed: 1, resamples: 20 });
  assertEquals(second.intervals.file, join(folder, "intervals.json"));
  const reread = await storedFrames(folder, compute, { rerun: false });
  reread.intervals.interval(labels, scores, "accuracy", accuracy, { seed: 1, resamples: 20 });
  assertEquals([reread.intervals.hits, reread.intervals.size], [1, 1]);
  const third = await storedFrames(folder, compute, { rerun: true });
  assertEquals(third.reused, false);
  assertEquals(computed, 2);
  assertEquals(third.intervals.size, 0);
});

Deno.test("storedFrames leaves nothing behind when the computation fails", async () => {
  const parent = Deno.makeTempDirSync();
  const folder = join(parent, "study-full");
  await assertRejectsWith(
    () => storedFrames(folder, () => Promise.reject(new Error("kernel died")), { rerun: false }),
    "kernel died",
  );
  assertEquals(Deno.readDirSync(parent).toArray().length, 0);
  // A failed re-run keeps the previous results.
  await storedFrames(folder, () => Promise.resolve({ runs: frame() }), { rerun: false });
  await assertRejectsWith(
    () => storedFrames(folder, () => Promise.reject(new Error("interrupted")), { rerun: true }),
    "interrupted",
  );
  assertEquals(Deno.readDirSync(parent).toArray().map((entry) => entry.name), ["study-full"]);
  const kept = await storedFrames(folder, () => Promise.reject(new Error("unused")), {
    rerun: false,
  });
  assertEquals(kept.frames.runs.height, 2);
});

Deno.test("storedFrames names a damaged folder and the fix", async () => {
  const folder = join(Deno.makeTempDirSync(), "study-full");
  await storedFrames(folder, () => Promise.resolve({ runs: frame() }), { rerun: false });
  Deno.removeSync(join(folder, "runs.parquet"));
  await assertRejectsWith(
    () => storedFrames(folder, () => Promise.resolve({ runs: frame() }), { rerun: false }),
    "lacks runs.parquet",
  );
  Deno.removeSync(join(folder, "manifest.json"));
  await assertRejectsWith(
    () => storedFrames(folder, () => Promise.resolve({ runs: frame() }), { rerun: false }),
    "RERUN=1",
  );
});

Deno.test("resultsFolder is RESULTS_DIR/<name>-<profile>", () => {
  const saved = { dir: Deno.env.get("RESULTS_DIR"), profile: Deno.env.get("PROFILE") };
  try {
    Deno.env.set("RESULTS_DIR", "/tmp/somewhere");
    Deno.env.set("PROFILE", "quick");
    assertEquals(resultsFolder("07-imbalance"), "/tmp/somewhere/07-imbalance-quick");
    Deno.env.delete("RESULTS_DIR");
    Deno.env.set("PROFILE", "full");
    assertEquals(resultsFolder("07-imbalance"), "results/07-imbalance-full");
    Deno.env.delete("PROFILE");
    assertEquals(resultsFolder("07-imbalance"), "results/07-imbalance-class");
  } finally {
    for (const [key, value] of [["RESULTS_DIR", saved.dir], ["PROFILE", saved.profile]]) {
      if (value === undefined) Deno.env.delete(key!);
      else Deno.env.set(key!, value);
    }
  }
});

/** Runs `fn` with console.log captured; returns the lines it printed. */
async function printed(fn: () => Promise<unknown>): Promise<string[]> {
  const lines: string[] = [];
  const log = console.log;
  console.log = (...args: unknown[]) => lines.push(args.join(" "));
  try {
    await fn();
  } finally {
    console.log = log;
  }
  return lines;
}

/** Runs `fn` with the environment variable `key` set to `value` (deleted when undefined), then restores it. */
async function withEnv<T>(
  key: string,
  value: string | undefined,
  fn: () => Promise<T>,
): Promise<T> {
  const saved = Deno.env.get(key);
  if (value === undefined) Deno.env.delete(key);
  else Deno.env.set(key, value);
  try {
    return await fn();
  } finally {
    if (saved === undefined) Deno.env.delete(key);
    else Deno.env.set(key, saved);
  }
}

Deno.test("storedFrames prints what it read (when, minutes, profile, the RERUN hint) and what it computed", async () => {
  const folder = join(Deno.makeTempDirSync(), "study-full");
  const now = performance.now;
  const clock = [1_000, 91_000]; // the computation takes 90 s: 1.5 min
  performance.now = () => clock.shift() ?? now.call(performance);
  let stored;
  const computedLines = await printed(async () => {
    stored = await storedFrames(
      folder,
      () => Promise.resolve({ runs: frame(), curves: frame() }),
      { rerun: false },
    );
  }).finally(() => performance.now = now);
  assertEquals(stored!.manifest.seconds, 90);
  assertEquals(computedLines, [`Computed in 1.5 min; stored in ${folder} (runs, curves).`]);
  // The manifest is pretty-printed JSON ending in a newline.
  const manifestPath = join(folder, "manifest.json");
  assertEquals(
    Deno.readTextFileSync(manifestPath),
    JSON.stringify(stored!.manifest, null, 2) + "\n",
  );
  // What is printed on reading comes from the manifest: its time to the minute, its minutes, its profile.
  Deno.writeTextFileSync(
    manifestPath,
    JSON.stringify({
      frames: ["runs"],
      createdAt: "2026-03-04T05:06:07.890Z",
      seconds: 135,
      profile: "quick",
    }),
  );
  const readLines = await printed(() =>
    storedFrames(folder, () => Promise.reject(new Error("unused")), { rerun: false })
  );
  assertEquals(readLines, [
    `Read the stored results in ${folder} (computed 2026-03-04T05:06Z in 2.3 min, quick profile); ` +
    "RERUN=1 computes them again.",
  ]);
});

Deno.test("storedFrames measures the computation's wall-clock seconds", async () => {
  const folder = join(Deno.makeTempDirSync(), "study-full");
  const started = performance.now();
  const stored = await storedFrames(folder, async () => {
    await new Promise((resolve) => setTimeout(resolve, 50));
    return { runs: frame() };
  }, { rerun: false });
  const elapsed = (performance.now() - started) / 1000;
  assert(
    stored.manifest.seconds >= 0.045 && stored.manifest.seconds <= elapsed,
    `${stored.manifest.seconds} s is not the 50 ms computation's time (at most ${elapsed} s)`,
  );
});

Deno.test("storedFrames recomputes when RERUN=1 and reads the folder when RERUN is unset or not 1", async () => {
  const folder = join(Deno.makeTempDirSync(), "study-full");
  let computed = 0;
  const compute = () => {
    computed++;
    return Promise.resolve({ runs: frame() });
  };
  await withEnv("RERUN", undefined, () => storedFrames(folder, compute));
  assertEquals(computed, 1);
  assertEquals(
    (await withEnv("RERUN", undefined, () => storedFrames(folder, compute))).reused,
    true,
  );
  assertEquals((await withEnv("RERUN", "0", () => storedFrames(folder, compute))).reused, true);
  assertEquals(computed, 1);
  assertEquals((await withEnv("RERUN", "1", () => storedFrames(folder, compute))).reused, false);
  assertEquals(computed, 2);
  // An explicit option wins over the environment.
  assertEquals(
    (await withEnv("RERUN", "1", () => storedFrames(folder, compute, { rerun: false }))).reused,
    true,
  );
});

Deno.test("storedFrames creates missing parent folders and a successful re-run leaves only the folder", async () => {
  const parent = join(Deno.makeTempDirSync(), "results", "nested");
  const folder = join(parent, "study-full");
  await storedFrames(folder, () => Promise.resolve({ runs: frame() }), { rerun: false });
  assertEquals(Deno.readDirSync(parent).toArray().map((entry) => entry.name), ["study-full"]);
  const rerun = await storedFrames(
    folder,
    () => Promise.resolve({ other: frame() }),
    { rerun: true },
  );
  assertEquals(rerun.manifest.frames, ["other"]);
  assertEquals(Deno.readDirSync(parent).toArray().map((entry) => entry.name), ["study-full"]);
  assertEquals(Deno.readDirSync(folder).toArray().map((entry) => entry.name).sort(), [
    "manifest.json",
    "other.parquet",
  ]);
});

Deno.test("storedFrames reports a write into an occupied place and cleans up its partial folder", async () => {
  const parent = Deno.makeTempDirSync();
  const folder = join(parent, "study-full");
  // A dangling link is no folder to read, but a directory cannot be renamed onto it.
  Deno.symlinkSync(join(parent, "nowhere"), folder);
  await assertRejectsWith(
    () => storedFrames(folder, () => Promise.resolve({ runs: frame() }), { rerun: false }),
    "Not a directory",
    "rename",
  );
  assertEquals(Deno.readDirSync(parent).toArray().map((entry) => entry.name), ["study-full"]);
  // The previous folder's temporary name is taken: the old results stay where they were.
  Deno.removeSync(folder);
  await storedFrames(folder, () => Promise.resolve({ runs: frame() }), { rerun: false });
  const previous = `${folder}.previous-${Deno.pid}`;
  Deno.mkdirSync(join(previous, "occupied"), { recursive: true });
  await assertRejectsWith(
    () => storedFrames(folder, () => Promise.resolve({ other: frame() }), { rerun: true }),
    "rename",
  );
  assertEquals(Deno.readDirSync(parent).toArray().map((entry) => entry.name).sort(), [
    "study-full",
    `study-full.previous-${Deno.pid}`,
  ]);
  assertEquals(Deno.readDirSync(folder).toArray().map((entry) => entry.name).sort(), [
    "manifest.json",
    "runs.parquet",
  ]);
});

/** Runs `fn` with `Deno[name]` failing on its `failOn`-th call (counting from 1) and passing the others through. */
async function withFailingCall<T>(
  name: "renameSync" | "removeSync",
  failOn: number,
  fn: () => Promise<T>,
): Promise<T> {
  const original = Deno[name];
  let calls = 0;
  // deno-lint-ignore no-explicit-any
  (Deno as any)[name] = (...args: unknown[]) => {
    if (++calls === failOn) throw new Error(`${name} failed`);
    // deno-lint-ignore no-explicit-any
    return (original as any)(...args);
  };
  try {
    return await fn();
  } finally {
    // deno-lint-ignore no-explicit-any
    (Deno as any)[name] = original;
  }
}

Deno.test("storedFrames puts the previous results back when the new folder cannot be moved into place", async () => {
  const parent = Deno.makeTempDirSync();
  const folder = join(parent, "study-full");
  await storedFrames(folder, () => Promise.resolve({ runs: frame() }), { rerun: false });
  // The 1st rename moves the old folder aside, the 2nd (the new one into place) fails.
  await withFailingCall("renameSync", 2, () =>
    assertRejectsWith(
      () => storedFrames(folder, () => Promise.resolve({ other: frame() }), { rerun: true }),
      "renameSync failed",
    ));
  assertEquals(Deno.readDirSync(parent).toArray().map((entry) => entry.name), ["study-full"]);
  assertEquals(Deno.readDirSync(folder).toArray().map((entry) => entry.name).sort(), [
    "manifest.json",
    "runs.parquet",
  ]);
});

Deno.test("storedFrames keeps the new folder when only removing the previous one fails", async () => {
  const parent = Deno.makeTempDirSync();
  const folder = join(parent, "study-full");
  await storedFrames(folder, () => Promise.resolve({ runs: frame() }), { rerun: false });
  await withFailingCall("removeSync", 1, () =>
    assertRejectsWith(
      () => storedFrames(folder, () => Promise.resolve({ other: frame() }), { rerun: true }),
      "removeSync failed",
    ));
  assertEquals(Deno.readDirSync(folder).toArray().map((entry) => entry.name).sort(), [
    "manifest.json",
    "other.parquet",
  ]);
});

Deno.test("storedFrames names the missing or unreadable manifest, the missing frames, and the fix", async () => {
  const folder = join(Deno.makeTempDirSync(), "study-full");
  await storedFrames(folder, () => Promise.resolve({ runs: frame(), curves: frame() }), {
    rerun: false,
  });
  Deno.removeSync(join(folder, "runs.parquet"));
  Deno.removeSync(join(folder, "curves.parquet"));
  const lacks = await assertRejectsWith(() =>
    storedFrames(folder, () => Promise.resolve({ runs: frame() }), { rerun: false })
  );
  assertEquals(
    lacks.message,
    `storedFrames: ${folder} lacks runs.parquet, curves.parquet; ` +
      "delete the folder or run with RERUN=1 to compute the results again.",
  );
  Deno.writeTextFileSync(join(folder, "manifest.json"), "{");
  const unreadable = await assertRejectsWith(() =>
    storedFrames(folder, () => Promise.resolve({ runs: frame() }), { rerun: false })
  );
  const path = join(folder, "manifest.json");
  let parseError = "";
  try {
    JSON.parse("{");
  } catch (error) {
    parseError = (error as Error).message;
  }
  assertEquals(
    unreadable.message,
    `storedFrames: ${path} is missing or unreadable (${parseError}); ` +
      `delete ${folder} or run with RERUN=1 to compute the results again.`,
  );
});

Deno.test("storedFrames passes on an error other than a missing folder instead of computing", async () => {
  const file = join(Deno.makeTempDirSync(), "a-file");
  Deno.writeTextFileSync(file, "");
  let computed = 0;
  await assertRejectsWith(
    () =>
      storedFrames(join(file, "study-full"), () => {
        computed++;
        return Promise.resolve({ runs: frame() });
      }, { rerun: false }),
    "Not a directory",
    "stat",
  );
  assertEquals(computed, 0);
});
