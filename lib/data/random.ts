/**
 * Seeded pseudo-random numbers, so that every shuffle, subset and sample in
 * the notebooks is the same on every run and every machine.
 *
 * The generator is mulberry32 (Tommy Ettinger's 32-bit generator: a Weyl
 * sequence with step 0x6D2B79F5 whose state goes through a multiply-xorshift
 * mix). It is fast, has a period of 2^32 and passes the usual statistical
 * batteries for this kind of use; it is not for cryptography.
 */

/** A seeded source of uniform random numbers. */
export interface Random {
  /** The next number, uniform in [0, 1), with 32 bits of resolution. */
  next(): number;
  /** The next integer, uniform in 0 … n − 1 (n a whole number from 1 to 2^32). */
  int(n: number): number;
}

const TWO_TO_32 = 4294967296;

/** Throws unless `seed` is a whole number, naming `what` and the value in the message. */
export function checkSeed(seed: number, what = "The random seed"): void {
  if (!Number.isSafeInteger(seed)) {
    throw new Error(`${what} must be a whole number (e.g. 42), got ${seed}: pass an integer seed.`);
  }
}

/**
 * A mulberry32 generator started from `seed` (any safe integer; it is taken
 * modulo 2^32, so seeds that differ by a multiple of 2^32 give the same
 * sequence). The same seed always gives the same sequence.
 *
 * ```ts
 * import assert from "node:assert/strict";
 * import { createRandom } from "./random.ts";
 *
 * const random = createRandom(42);
 * const draws = [random.next(), random.next(), random.int(6)];
 * assert.ok(draws[0] >= 0 && draws[0] < 1 && draws[0] !== draws[1]);
 * assert.ok(Number.isInteger(draws[2]) && draws[2] >= 0 && draws[2] < 6);
 * const again = createRandom(42);
 * assert.deepEqual([again.next(), again.next(), again.int(6)], draws); // same seed, same numbers
 * assert.notEqual(createRandom(43).next(), draws[0]);
 * ```
 */
export function createRandom(seed: number): Random {
  checkSeed(seed);
  let state = seed >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let mixed = state;
    mixed = Math.imul(mixed ^ (mixed >>> 15), mixed | 1);
    mixed ^= mixed + Math.imul(mixed ^ (mixed >>> 7), mixed | 61);
    return ((mixed ^ (mixed >>> 14)) >>> 0) / TWO_TO_32;
  };
  const int = (n: number): number => {
    if (!Number.isInteger(n) || n < 1 || n > TWO_TO_32) {
      throw new Error(
        `random.int(n) needs a whole number n from 1 to 2^32, got ${n}: pass the count of choices.`,
      );
    }
    return Math.floor(next() * n);
  };
  return { next, int };
}

/** The murmur3 32-bit finaliser: spreads every input bit over the whole output. */
function mix32(value: number): number {
  let mixed = value >>> 0;
  mixed = Math.imul(mixed ^ (mixed >>> 16), 0x85ebca6b);
  mixed = Math.imul(mixed ^ (mixed >>> 13), 0xc2b2ae35);
  return (mixed ^ (mixed >>> 16)) >>> 0;
}

/**
 * A new seed derived from `seed` and further whole numbers (e.g. an epoch),
 * so that one user-given seed can drive many independent, reproducible
 * streams: `createRandom(deriveSeed(seed, epoch))` shuffles each epoch
 * differently yet identically on every run.
 */
export function deriveSeed(seed: number, ...parts: number[]): number {
  checkSeed(seed, "The seed to derive from");
  let hash = mix32(seed ^ 0x9e3779b9);
  parts.forEach((part, position) => {
    checkSeed(part, `Seed part ${position}`);
    hash = mix32(Math.imul(hash ^ mix32(part), 0x9e3779b1) + position);
  });
  return hash;
}

/**
 * A shuffled copy of `items` (Fisher–Yates, walking from the end, each
 * permutation equally likely); `items` itself is left untouched.
 *
 * ```ts
 * import assert from "node:assert/strict";
 * import { createRandom, shuffled } from "./random.ts";
 *
 * const items = [1, 2, 3, 4, 5, 6, 7, 8];
 * const mixed = shuffled(items, createRandom(1));
 * assert.notDeepEqual(mixed, items);
 * assert.deepEqual([...mixed].sort((a, b) => a - b), items); // the same items, reordered
 * assert.deepEqual(shuffled(items, createRandom(1)), mixed); // the same seed, the same order
 * ```
 */
export function shuffled<T>(items: readonly T[], random: Random): T[] {
  const copy = items.slice();
  for (let last = copy.length - 1; last > 0; last--) {
    const chosen = random.int(last + 1);
    const kept = copy[last];
    copy[last] = copy[chosen];
    copy[chosen] = kept;
  }
  return copy;
}
