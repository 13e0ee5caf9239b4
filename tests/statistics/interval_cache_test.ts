import { join } from "node:path";
import { assert, assertEquals, assertRejectsWith } from "../assert.ts";
import { hashValues, IntervalCache } from "../../lib/statistics/interval_cache.ts";
import {
  pairedSeedTestSetInterval,
  seedTestSetInterval,
  thresholdMetric,
} from "../../lib/statistics/seed_test_interval.ts";

const labels = [1, 0, 1, 0, 1, 0, 1, 0];
const a = [
  [0.9, 0.1, 0.8, 0.3, 0.4, 0.2, 0.6, 0.1],
  [0.8, 0.2, 0.7, 0.6, 0.6, 0.3, 0.4, 0.2],
  [0.7, 0.4, 0.9, 0.2, 0.3, 0.1, 0.7, 0.3],
];
const b = [
  [0.6, 0.5, 0.8, 0.3, 0.4, 0.7, 0.6, 0.1],
  [0.4, 0.2, 0.7, 0.6, 0.6, 0.3, 0.4, 0.6],
  [0.7, 0.4, 0.3, 0.2, 0.3, 0.6, 0.7, 0.3],
];
const accuracy = thresholdMetric("accuracy");
const options = { seed: 3, resamples: 50 };
const storeFile = async () => join(await Deno.makeTempDir({ prefix: "intervals_" }), "i.json");

Deno.test("IntervalCache gives the computed intervals, and a later session reads them back", async () => {
  const file = await storeFile();
  const cache = new IntervalCache(file);
  const single = cache.interval(labels, a, "accuracy", accuracy, options);
  const paired = cache.pairedInterval(labels, a, b, "accuracy", accuracy, options);
  assertEquals(single, seedTestSetInterval(labels, a, accuracy, options));
  assertEquals(paired, pairedSeedTestSetInterval(labels, a, b, accuracy, options));
  assertEquals([cache.hits, cache.misses, cache.size], [0, 2, 2]);

  // A store whose stored value was changed by hand returns that value: it is read, not recomputed.
  const stored = JSON.parse(Deno.readTextFileSync(file));
  const [singleKey] = Object.keys(stored.intervals).filter((key) => key.startsWith("single"));
  stored.intervals[singleKey].estimate = 0.123;
  Deno.writeTextFileSync(file, JSON.stringify(stored));
  const later = new IntervalCache(file);
  assertEquals(later.interval(labels, a, "accuracy", accuracy, options).estimate, 0.123);
  assertEquals(later.pairedInterval(labels, a, b, "accuracy", accuracy, options), paired);
  assertEquals([later.hits, later.misses], [2, 0]);
  // Each write went through a temporary file renamed into place: nothing else is left.
  assertEquals([...Deno.readDirSync(join(file, ".."))].map((entry) => entry.name), ["i.json"]);
});

Deno.test("IntervalCache computes anew when anything that sets the interval changed", async () => {
  const cache = new IntervalCache(await storeFile());
  const first = cache.interval(labels, a, "accuracy", accuracy, options);
  const changedScore = a.map((scores) => [...scores]);
  changedScore[2][4] = 0.55; // seed 3 now gets example 4 right
  const changed = [
    cache.interval(labels, changedScore, "accuracy", accuracy, options),
    cache.interval(labels, a.slice(0, 2), "accuracy", accuracy, options),
    cache.interval(labels, a, "accuracy", accuracy, { ...options, seed: 4 }),
    cache.interval(labels, a, "accuracy", accuracy, { ...options, resamples: 60 }),
    cache.interval(labels, a, "accuracy", accuracy, { ...options, confidence: 0.9 }),
    cache.interval(labels, a, "recall", thresholdMetric("recall"), options),
    cache.interval([0, 1, 1, 0, 1, 0, 1, 0], a, "accuracy", accuracy, options),
    cache.pairedInterval(labels, b, a, "accuracy", accuracy, options),
  ];
  assertEquals([cache.hits, cache.misses], [0, 9]);
  // Every one was computed, not read; the changed score moves the estimate itself.
  assertEquals(cache.size, 9);
  assert(changed[0].estimate > first.estimate);
  assertEquals(cache.interval(labels, changedScore, "accuracy", accuracy, options), changed[0]);
  assertEquals(cache.hits, 1);
});

Deno.test("IntervalCache refuses a damaged or foreign file, naming it and the fix", async () => {
  const file = await storeFile();
  Deno.writeTextFileSync(file, '{"version": 1, "intervals": {');
  await assertRejectsWith(() => new IntervalCache(file), `${file} is not valid JSON; delete it`);
  Deno.writeTextFileSync(file, '{"version": 0, "intervals": {}}');
  await assertRejectsWith(
    () => new IntervalCache(file),
    "not a version-1 interval store; delete it",
  );
});

Deno.test("hashValues tells apart changed values, orders and lengths", () => {
  const hashes = [
    [0.1, 0.2, 0.3],
    [0.1, 0.2, 0.30000000000000004],
    [0.2, 0.1, 0.3],
    [0.1, 0.2, 0.3, 0],
    [0.1, 0.2],
  ].map(hashValues);
  assertEquals(new Set(hashes).size, hashes.length);
  assertEquals(hashValues(Float32Array.from([0.5, 1])), hashValues([0.5, 1]));
});

Deno.test("IntervalCache keys a paired interval by its second runs too", async () => {
  const cache = new IntervalCache(await storeFile());
  const changedB = b.map((scores) => [...scores]);
  changedB[0][0] = 0.3; // seed 1's second condition now gets example 0 wrong
  const first = cache.pairedInterval(labels, a, b, "accuracy", accuracy, options);
  const second = cache.pairedInterval(labels, a, changedB, "accuracy", accuracy, options);
  assertEquals([cache.hits, cache.misses, cache.size], [0, 2, 2]);
  assertEquals(second, pairedSeedTestSetInterval(labels, a, changedB, accuracy, options));
  assert(second.estimate !== first.estimate, "the changed runs left the difference as it was");
});

Deno.test("IntervalCache passes on a read error other than a missing file, and refuses a store without intervals", async () => {
  const folder = await Deno.makeTempDir({ prefix: "intervals_" });
  await assertRejectsWith(() => new IntervalCache(folder), "Is a directory");
  const file = join(folder, "i.json");
  const foreign = `IntervalCache: ${file} is not a version-1 interval store; delete it and the ` +
    "intervals are computed again.";
  for (const text of ["null", '{"version": 1, "intervals": 5}', '{"version": 1}']) {
    Deno.writeTextFileSync(file, text);
    const error = await assertRejectsWith(() => new IntervalCache(file));
    assertEquals(error.message, foreign, text);
  }
});

Deno.test("hashValues is stable across sessions, so a stored interval store stays valid", () => {
  // Values this implementation gave when the notebooks' stores were written: a changed hash would
  // silently turn every stored interval into a miss and recompute it.
  assertEquals(hashValues([0.5, 1]), "23y2ik3fvne");
  assertEquals(hashValues([]), "wvjl67o803");
  assertEquals(hashValues([0.1, 0.2, 0.3]), "1q72z0ou83e");
});
