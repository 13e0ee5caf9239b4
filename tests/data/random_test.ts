import assert from "node:assert/strict";
import { createRandom, deriveSeed, shuffled } from "../../lib/data/random.ts";

Deno.test("createRandom gives the same sequence for the same seed and another for another", () => {
  const draw = (seed: number) => Array.from({ length: 20 }, createRandom(seed).next);
  assert.deepEqual(draw(42), draw(42));
  assert.notDeepEqual(draw(42), draw(43));
  for (const value of draw(7)) assert.ok(value >= 0 && value < 1, `${value} outside [0, 1)`);
});

Deno.test("mulberry32 matches the reference C algorithm for seed 0", () => {
  // The C reference (z = state += 0x6D2B79F5; z = (z ^ z>>15) * (z|1);
  // z ^= z + (z ^ z>>7) * (z|61); return z ^ z>>14), run in Python with 32-bit
  // masking, gives 1144304738, 1416247, 958946056 for state 0.
  const random = createRandom(0);
  const outputs = [random.next(), random.next(), random.next()].map((value) => value * 2 ** 32);
  assert.deepEqual(outputs, [1144304738, 1416247, 958946056]);
});

Deno.test("random.int is roughly uniform and stays in range", () => {
  const random = createRandom(1);
  const counts = [0, 0, 0, 0];
  for (let draw = 0; draw < 40_000; draw++) counts[random.int(4)]++;
  // Each count is Binomial(40000, 1/4): mean 10000, sd ≈ 87; allow ±5 sd.
  for (const count of counts) assert.ok(Math.abs(count - 10_000) < 435, `count ${count}`);
  assert.throws(() => random.int(0), /whole number n from 1/);
  assert.throws(() => random.int(2.5), /got 2.5/);
});

Deno.test("bad seeds are refused with the value in the message", () => {
  assert.throws(() => createRandom(1.5), /whole number.*got 1.5/);
  assert.throws(() => createRandom(NaN), /got NaN/);
});

Deno.test("deriveSeed is deterministic and separates epochs", () => {
  assert.equal(deriveSeed(42, 3), deriveSeed(42, 3));
  const seeds = new Set(Array.from({ length: 100 }, (_, epoch) => deriveSeed(42, epoch)));
  assert.equal(seeds.size, 100);
  assert.notEqual(deriveSeed(42, 1), deriveSeed(43, 1));
  assert.notEqual(deriveSeed(1, 2), deriveSeed(2, 1));
});

Deno.test("shuffled returns a permutation, leaves the input alone, and is seeded", () => {
  const items = Array.from({ length: 50 }, (_, index) => index);
  const first = shuffled(items, createRandom(5));
  assert.deepEqual([...first].sort((a, b) => a - b), items);
  assert.deepEqual(items, Array.from({ length: 50 }, (_, index) => index));
  assert.deepEqual(shuffled(items, createRandom(5)), first);
  assert.notDeepEqual(shuffled(items, createRandom(6)), first);
  assert.notDeepEqual(first, items);
});

Deno.test("shuffled puts each item in each position about equally often", () => {
  // 3 items have 6 permutations; 60,000 shuffles → 10,000 each (sd ≈ 91).
  const random = createRandom(9);
  const counts = new Map<string, number>();
  for (let run = 0; run < 60_000; run++) {
    const key = shuffled(["a", "b", "c"], random).join("");
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  assert.equal(counts.size, 6);
  for (const count of counts.values()) assert.ok(Math.abs(count - 10_000) < 460, `${count}`);
});
