import assert from "node:assert/strict";
import {
  randomOversample,
  randomUndersample,
  repeatDataset,
  sampleFromDatasets,
} from "../../lib/data/sampling.ts";

const range = (start: number, end: number) =>
  Array.from({ length: end - start }, (_, offset) => start + offset);

Deno.test("repeatDataset concatenates n copies", () => {
  assert.deepEqual(repeatDataset([1, 2], 3), [1, 2, 1, 2, 1, 2]);
  assert.deepEqual(repeatDataset([1, 2], 0), []);
  assert.throws(() => repeatDataset([1], -1), /got -1/);
  assert.throws(() => repeatDataset([1], 1.5), /got 1.5/);
});

Deno.test("sampleFromDatasets keeps every element once, each dataset in its own order", () => {
  const cats = range(0, 500);
  const dogs = range(1000, 1050);
  const mixed = sampleFromDatasets([cats, dogs], [0.5, 0.5], 1);
  assert.equal(mixed.length, 550);
  assert.deepEqual(mixed.filter((item) => item < 1000), cats);
  assert.deepEqual(mixed.filter((item) => item >= 1000), dogs);
});

Deno.test("sampleFromDatasets draws in proportion to the weights until a dataset runs out", () => {
  // 5000 cats and 500 dogs repeated 10 times, weights 0.5/0.5: the series' oversampling.
  // While both last, each draw is a dog with probability 1/2; both hold 5000, so in
  // the first 4000 draws (before either can be exhausted) about 2000 are dogs (sd ≈ 32).
  const cats = range(0, 5000);
  const dogs = repeatDataset(range(10_000, 10_500), 10);
  const mixed = sampleFromDatasets([cats, dogs], [0.5, 0.5], 7);
  assert.equal(mixed.length, 10_000);
  const dogsEarly = mixed.slice(0, 4000).filter((item) => item >= 10_000).length;
  assert.ok(Math.abs(dogsEarly - 2000) < 160, `${dogsEarly} dogs in the first 4000`);
  // Weights 3:1 → three quarters from the first dataset while both last (sd ≈ 27 of 1000).
  const skewed = sampleFromDatasets([range(0, 5000), range(10_000, 15_000)], [3, 1], 8);
  const firstShare = skewed.slice(0, 4000).filter((item) => item < 10_000).length;
  assert.ok(Math.abs(firstShare - 3000) < 140, `${firstShare} of 4000 from dataset 0`);
});

Deno.test("sampleFromDatasets goes on with the rest when one dataset is exhausted", () => {
  // 10 elements against 1000 at equal weights: the small one is exhausted early
  // (within about 20 draws), then only the large one is left, to the end.
  const mixed = sampleFromDatasets([range(0, 10), range(100, 1100)], [1, 1], 2);
  assert.equal(mixed.length, 1010);
  const lastSmall = mixed.findLastIndex((item) => item < 100);
  assert.ok(lastSmall < 60, `the small dataset lasted until position ${lastSmall}`);
  assert.ok(mixed.slice(lastSmall + 1).every((item) => item >= 100));
});

Deno.test("sampleFromDatasets is deterministic per seed and skips zero weights", () => {
  const datasets = [range(0, 100), range(100, 200), range(200, 300)];
  const first = sampleFromDatasets(datasets, [1, 0, 2], 4);
  assert.deepEqual(sampleFromDatasets(datasets, [1, 0, 2], 4), first);
  assert.notDeepEqual(sampleFromDatasets(datasets, [1, 0, 2], 5), first);
  assert.equal(first.length, 200);
  assert.ok(first.every((item) => item < 100 || item >= 200), "a zero-weight dataset was drawn");
  assert.deepEqual(sampleFromDatasets([[], [1, 2]], [1, 1], 0), [1, 2]);
});

Deno.test("sampleFromDatasets refuses bad weights with the fix", () => {
  assert.throws(() => sampleFromDatasets([[1], [2]], [1], 0), /2 datasets but 1 weights/);
  assert.throws(() => sampleFromDatasets([[1], [2]], [1, -0.5], 0), /Weight -0.5 \(position 1/);
  assert.throws(() => sampleFromDatasets([[1], [2]], [1, NaN], 0), /Weight NaN/);
  assert.throws(() => sampleFromDatasets([[1], [2]], [0, 0], 0), /All weights are zero.*positive/);
});

Deno.test("randomUndersample cuts every class to the minority count, seeded", () => {
  const cats = range(0, 100);
  const dogs = range(1000, 1010);
  const [someCats, allDogs] = randomUndersample([cats, dogs], 3);
  assert.equal(someCats.length, 10);
  assert.deepEqual(allDogs, dogs);
  assert.equal(new Set(someCats).size, 10, "drawn twice");
  assert.ok(someCats.every((cat) => cats.includes(cat)));
  assert.deepEqual([...someCats].sort((a, b) => a - b), someCats, "original order not kept");
  assert.deepEqual(randomUndersample([cats, dogs], 3)[0], someCats);
  assert.notDeepEqual(randomUndersample([cats, dogs], 4)[0], someCats);
  assert.throws(() => randomUndersample([], 0), /no classes/);
});

Deno.test("randomOversample grows every class to the majority count, keeping the originals", () => {
  const cats = range(0, 100);
  const dogs = range(1000, 1010);
  const [allCats, manyDogs] = randomOversample([cats, dogs], 3);
  assert.deepEqual(allCats, cats);
  assert.equal(manyDogs.length, 100);
  assert.deepEqual(manyDogs.slice(0, 10), dogs);
  assert.ok(manyDogs.every((dog) => dogs.includes(dog)));
  // 90 draws with replacement from 10 dogs: each dog drawn about 9 times, every one at least once
  // with near certainty (chance some dog is missed ≈ 10·0.9^90 ≈ 8e-4; this seed is fixed).
  assert.equal(new Set(manyDogs.slice(10)).size, 10);
  assert.deepEqual(randomOversample([cats, dogs], 3)[1], manyDogs);
  assert.notDeepEqual(randomOversample([cats, dogs], 4)[1], manyDogs);
  assert.throws(() => randomOversample([cats, []], 0), /class 1 has no examples/);
});
