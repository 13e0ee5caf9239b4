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
    Deno.env.delete("PROFILE");
    assertEquals(resultsFolder("07-imbalance"), "results/07-imbalance-full");
  } finally {
    for (const [key, value] of [["RESULTS_DIR", saved.dir], ["PROFILE", saved.profile]]) {
      if (value === undefined) Deno.env.delete(key!);
      else Deno.env.set(key!, value);
    }
  }
});
