import assert from "node:assert/strict";
import { subsetDataset } from "../../lib/data/subsets.ts";

const files = Array.from({ length: 100 }, (_, index) => `cat.${index}.jpg`);

Deno.test("subsetDataset without a seed slices the list in order", () => {
  const [train, validation, test] = subsetDataset(files, [50, 30, 20]);
  assert.deepEqual(train, files.slice(0, 50));
  assert.deepEqual(validation, files.slice(50, 80));
  assert.deepEqual(test, files.slice(80));
});

Deno.test("subsetDataset gives the exact sizes, no overlap, and leaves the rest out", () => {
  const subsets = subsetDataset(files, [40, 25, 0, 10], { seed: 3 });
  assert.deepEqual(subsets.map((subset) => subset.length), [40, 25, 0, 10]);
  const all = subsets.flat();
  assert.equal(new Set(all).size, 75, "an item is in two subsets");
  for (const item of all) assert.ok(files.includes(item));
});

Deno.test("subsetDataset with a seed is deterministic per seed and shuffles", () => {
  const first = subsetDataset(files, [60, 40], { seed: 11 });
  assert.deepEqual(subsetDataset(files, [60, 40], { seed: 11 }), first);
  assert.notDeepEqual(subsetDataset(files, [60, 40], { seed: 12 }), first);
  assert.notDeepEqual(first[0], files.slice(0, 60));
  assert.equal(files[0], "cat.0.jpg", "the input was modified");
});

Deno.test("subsetDataset refuses sizes beyond the data, naming both totals and the fix", () => {
  assert.throws(
    () => subsetDataset(files, [60, 50]),
    (error: Error) =>
      /need 110 items/.test(error.message) && /only 100 are available/.test(error.message) &&
      /add up to at most 100/.test(error.message),
  );
});

Deno.test("subsetDataset refuses negative and fractional sizes", () => {
  assert.throws(() => subsetDataset(files, [10, -1]), /Subset size -1 \(position 1/);
  assert.throws(() => subsetDataset(files, [2.5]), /Subset size 2.5 .*whole/);
  assert.throws(() => subsetDataset(files, [NaN]), /Subset size NaN/);
});
