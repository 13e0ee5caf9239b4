/**
 * Resampling of lists of examples (indices, rows, file names): repeating,
 * mixing several lists by weight like `tf.data`'s `sample_from_datasets`, and
 * random under- and oversampling of classes. All of it is generic and seeded,
 * so the image notebooks and the tabular (insurance) notebook share it.
 */

import { createRandom, type Random, shuffled } from "./random.ts";

/** `n` back-to-back copies of `items`, like `tf.data.Dataset.repeat(n)` (n a whole number ≥ 0). */
export function repeatDataset<T>(items: readonly T[], n: number): T[] {
  if (!Number.isInteger(n) || n < 0) {
    throw new Error(
      `repeatDataset needs a whole number of copies ≥ 0, got ${n}: pass e.g. 10 for ten copies.`,
    );
  }
  const repeated: T[] = [];
  for (let copy = 0; copy < n; copy++) for (const item of items) repeated.push(item);
  return repeated;
}

/** Throws unless `weights` fits `datasetCount` lists and has a positive, finite, non-negative total. */
function checkWeights(weights: readonly number[], datasetCount: number): void {
  if (weights.length !== datasetCount) {
    throw new Error(
      `sampleFromDatasets got ${datasetCount} datasets but ${weights.length} weights: ` +
        `give exactly one weight per dataset.`,
    );
  }
  weights.forEach((weight, position) => {
    if (!Number.isFinite(weight) || weight < 0) {
      throw new Error(
        `Weight ${weight} (position ${position} of [${weights.join(", ")}]) is not a finite ` +
          `number ≥ 0: weights are relative sampling rates such as [0.5, 0.5].`,
      );
    }
  });
  if (weights.every((weight) => weight === 0)) {
    throw new Error(
      `All weights are zero ([${weights.join(", ")}]), so nothing can be sampled: ` +
        `give at least one dataset a positive weight.`,
    );
  }
}

/**
 * One list mixing `datasets` at random, the equivalent of
 * `tf.data.Dataset.sample_from_datasets(datasets, weights, seed)` with TF's
 * default `stop_on_empty_dataset=False`: each next element comes from dataset
 * `i` with probability proportional to `weights[i]` among the datasets not yet
 * exhausted, each dataset is consumed in its own order (front to back, no
 * element twice), and the result ends once every dataset with a positive
 * weight is exhausted. So the output holds every element of every
 * positive-weight dataset exactly once; datasets with weight 0 contribute
 * nothing (TF drops them too). The weights need not sum to 1.
 *
 * ```ts
 * import assert from "node:assert/strict";
 * import { sampleFromDatasets } from "./sampling.ts";
 *
 * const mixed = sampleFromDatasets([["c1", "c2", "c3"], ["d1", "d2"]], [0.5, 0.5], 1);
 * assert.deepEqual([...mixed].sort(), ["c1", "c2", "c3", "d1", "d2"]); // each element once
 * assert.deepEqual(mixed.filter((name) => name.startsWith("c")), ["c1", "c2", "c3"]); // in order
 * ```
 */
export function sampleFromDatasets<T>(
  datasets: readonly (readonly T[])[],
  weights: readonly number[],
  seed: number,
): T[] {
  checkWeights(weights, datasets.length);
  const random = createRandom(seed);
  const positions = datasets.map(() => 0);
  const live = datasets
    .map((dataset, index) => ({ dataset, index, weight: weights[index] }))
    .filter(({ dataset, weight }) => weight > 0 && dataset.length > 0);
  const mixed: T[] = [];
  while (live.length > 0) {
    const total = live.reduce((sum, { weight }) => sum + weight, 0);
    let remaining = random.next() * total;
    let pick = 0;
    while (pick < live.length - 1 && remaining >= live[pick].weight) {
      remaining -= live[pick].weight;
      pick++;
    }
    const { dataset, index } = live[pick];
    mixed.push(dataset[positions[index]]);
    positions[index]++;
    if (positions[index] === dataset.length) live.splice(pick, 1);
  }
  return mixed;
}

/** Throws unless `byClass` holds at least one list, naming the helper that was called. */
function checkClasses(byClass: readonly (readonly unknown[])[], helper: string): void {
  if (byClass.length === 0) {
    throw new Error(
      `${helper} got no classes: pass one list of examples per class, e.g. [cats, dogs].`,
    );
  }
}

/** `count` elements of `items` drawn without replacement, kept in their original order. */
function drawWithoutReplacement<T>(items: readonly T[], count: number, random: Random): T[] {
  const positions = shuffled(items.map((_, position) => position), random).slice(0, count);
  return positions.sort((a, b) => a - b).map((position) => items[position]);
}

/**
 * Random undersampling: every class cut to the size of the smallest one by
 * drawing that many of its examples without replacement (the survivors keep
 * their original order). Returns one list per class, in the order given.
 *
 * ```ts
 * import assert from "node:assert/strict";
 * import { randomUndersample } from "./sampling.ts";
 *
 * const [cats, dogs] = randomUndersample([["c1", "c2", "c3", "c4"], ["d1", "d2"]], 1);
 * assert.deepEqual(dogs, ["d1", "d2"]); // the smallest class is kept whole
 * assert.equal(cats.length, 2);
 * assert.ok(cats.every((name) => ["c1", "c2", "c3", "c4"].includes(name)) && cats[0] < cats[1]);
 * ```
 */
export function randomUndersample<T>(byClass: readonly (readonly T[])[], seed: number): T[][] {
  checkClasses(byClass, "randomUndersample");
  const random = createRandom(seed);
  const minority = Math.min(...byClass.map((examples) => examples.length));
  return byClass.map((examples) => drawWithoutReplacement(examples, minority, random));
}

/**
 * Random oversampling: every class grown to the size of the largest one by
 * keeping all its examples and appending examples drawn from it with
 * replacement. Returns one list per class, in the order given; an empty class
 * cannot be grown and is an error unless every class is empty.
 *
 * ```ts
 * import assert from "node:assert/strict";
 * import { randomOversample } from "./sampling.ts";
 *
 * const [cats, dogs] = randomOversample([["c1", "c2", "c3", "c4"], ["d1", "d2"]], 1);
 * assert.deepEqual(cats, ["c1", "c2", "c3", "c4"]); // the largest class is kept as it is
 * assert.deepEqual(dogs.slice(0, 2), ["d1", "d2"]); // every dog, then two drawn again
 * assert.ok(dogs.length === 4 && dogs.every((name) => name === "d1" || name === "d2"));
 * ```
 */
export function randomOversample<T>(byClass: readonly (readonly T[])[], seed: number): T[][] {
  checkClasses(byClass, "randomOversample");
  const random = createRandom(seed);
  const majority = Math.max(...byClass.map((examples) => examples.length));
  return byClass.map((examples, classIndex) => {
    if (examples.length === 0 && majority > 0) {
      throw new Error(
        `randomOversample: class ${classIndex} has no examples, so it cannot be grown to ` +
          `${majority}: give every class at least one example.`,
      );
    }
    const grown = examples.slice();
    while (grown.length < majority) grown.push(examples[random.int(examples.length)]);
    return grown;
  });
}
