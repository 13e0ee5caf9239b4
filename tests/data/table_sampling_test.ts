import assert from "node:assert/strict";
import pl from "nodejs-polars";
import {
  classHistogram,
  oversampleMinority,
  undersampleMajority,
} from "../../lib/data/table_sampling.ts";

/** `negatives` rows with y = 0 then `positives` rows with y = 1; `id` is the row number. */
function table(negatives: number, positives: number): pl.DataFrame {
  const rows = negatives + positives;
  return pl.DataFrame({
    id: Array.from({ length: rows }, (_, index) => index),
    y: Array.from({ length: rows }, (_, index) => index < negatives ? 0 : 1),
  });
}

function ids(df: pl.DataFrame, y?: number): number[] {
  const rows = y === undefined ? df : df.filter(pl.col("y").eq(y));
  return [...rows.getColumn("id")] as number[];
}

Deno.test("classHistogram counts the rows of each class, with their share", () => {
  const histogram = classHistogram(table(8, 2), "y");
  assert.deepEqual(histogram.columns, ["y", "count", "fraction"]);
  assert.deepEqual([...histogram.getColumn("y")], [0, 1]);
  assert.deepEqual([...histogram.getColumn("count")], [8, 2]);
  assert.deepEqual([...histogram.getColumn("fraction")], [0.8, 0.2]);
  const labels = pl.DataFrame({ kind: ["dog", "cat", "cat"] });
  assert.deepEqual([...classHistogram(labels, "kind").getColumn("kind")], ["cat", "dog"]);
  assert.throws(
    () => classHistogram(table(2, 1), "target"),
    /No target column "target" in \[id, y\]/,
  );
});

Deno.test("undersampleMajority keeps every minority row and as many distinct majority rows", () => {
  const df = table(8, 2);
  const sampled = undersampleMajority(df, "y", 7);
  assert.deepEqual(sampled.columns, ["id", "y"]);
  assert.equal(sampled.height, 4);
  assert.deepEqual(ids(sampled, 1).sort(), [8, 9]);
  const majority = ids(sampled, 0);
  assert.equal(majority.length, 2);
  assert.equal(new Set(majority).size, 2);
  assert.ok(majority.every((id) => id < 8));
});

Deno.test("oversampleMinority keeps every row and adds minority duplicates up to the majority", () => {
  const df = table(8, 2);
  const sampled = oversampleMinority(df, "y", 7);
  assert.equal(sampled.height, 16);
  assert.deepEqual(ids(sampled, 0).sort((a, b) => a - b), [0, 1, 2, 3, 4, 5, 6, 7]);
  const minority = ids(sampled, 1);
  assert.equal(minority.length, 8);
  assert.ok(minority.includes(8) && minority.includes(9));
  assert.ok(minority.every((id) => id === 8 || id === 9));
});

Deno.test("the samplers are deterministic per seed, differ across seeds and shuffle the rows", () => {
  const df = table(100, 20);
  for (const sampler of [undersampleMajority, oversampleMinority]) {
    const first = sampler(df, "y", 3);
    assert.deepEqual(ids(sampler(df, "y", 3)), ids(first));
    assert.notDeepEqual(ids(sampler(df, "y", 4)), ids(first));
    const targets = [...first.getColumn("y")] as number[];
    const sortedTargets = [...targets].sort((a, b) => a - b);
    assert.notDeepEqual(targets, sortedTargets, `${sampler.name} left the classes in blocks`);
  }
  // The minority is whichever class is smaller, here y = 0.
  const counts = classHistogram(undersampleMajority(table(3, 9), "y", 1), "y");
  assert.deepEqual([...counts.getColumn("count")], [3, 3]);
});

Deno.test("already balanced tables come back whole", () => {
  const df = table(5, 5);
  assert.deepEqual(ids(undersampleMajority(df, "y", 1)).sort((a, b) => a - b), ids(df));
  assert.deepEqual(ids(oversampleMinority(df, "y", 1)).sort((a, b) => a - b), ids(df));
});

Deno.test("a target that is not binary, or a bad seed, is an error", () => {
  const threeClasses = pl.DataFrame({ y: [0, 1, 2, 2] });
  assert.throws(
    () => undersampleMajority(threeClasses, "y", 1),
    /"y" has 3 classes \[0, 1, 2\], expected 2/,
  );
  assert.throws(
    () => oversampleMinority(pl.DataFrame({ y: [1, 1] }), "y", 1),
    /has 1 classes \[1\]/,
  );
  assert.throws(() => oversampleMinority(table(3, 1), "y", 1.5), /seed must be a whole number/);
  const withNull = pl.DataFrame({ y: [0, null, 1] });
  assert.throws(() => undersampleMajority(withNull, "y", 1), /has 1 missing values/);
});
