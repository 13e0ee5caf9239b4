/**
 * Non-overlapping subsets of a list, the series' `subset_dataset`: carve
 * training, validation and test sets out of one list of files or indices so
 * that no example is in two of them.
 */

import { createRandom, shuffled } from "./random.ts";

/** Options of {@link subsetDataset}. */
export interface SubsetOptions {
  /** Shuffle `items` with this seed before slicing; without it the slices follow the list order. */
  seed?: number;
}

/**
 * Consecutive, non-overlapping slices of `items` with the given sizes (the
 * first `sizes[0]` items, then the next `sizes[1]`, …), after a seeded
 * shuffle when `options.seed` is given. Items past the total are left out.
 * Sizes must be whole numbers ≥ 0 whose sum is at most `items.length`.
 *
 * ```ts
 * import assert from "node:assert/strict";
 * import { subsetDataset } from "./subsets.ts";
 *
 * const files = Array.from({ length: 10 }, (_, i) => `cat.${i}.jpg`);
 * const [train, validation, test] = subsetDataset(files, [5, 3, 2], { seed: 1 });
 * assert.deepEqual([train.length, validation.length, test.length], [5, 3, 2]);
 * assert.equal(new Set([...train, ...validation, ...test]).size, 10); // no file in two subsets
 * assert.deepEqual(subsetDataset(files, [2]), [["cat.0.jpg", "cat.1.jpg"]]); // no seed: list order
 * ```
 */
export function subsetDataset<T>(
  items: readonly T[],
  sizes: readonly number[],
  options: SubsetOptions = {},
): T[][] {
  sizes.forEach((size, position) => {
    if (!Number.isInteger(size) || size < 0) {
      throw new Error(
        `Subset size ${size} (position ${position} of [${sizes.join(", ")}]) is not a whole ` +
          `number ≥ 0: give every subset a size such as 1000.`,
      );
    }
  });
  const requested = sizes.reduce((total, size) => total + size, 0);
  if (requested > items.length) {
    throw new Error(
      `The subsets [${sizes.join(", ")}] need ${requested} items in total but only ` +
        `${items.length} are available: make the sizes add up to at most ${items.length}, ` +
        `or supply more data.`,
    );
  }
  const ordered = options.seed === undefined ? items : shuffled(items, createRandom(options.seed));
  const subsets: T[][] = [];
  let start = 0;
  for (const size of sizes) {
    subsets.push(ordered.slice(start, start + size));
    start += size;
  }
  return subsets;
}
