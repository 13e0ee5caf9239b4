import { assert, assertEquals, assertRejectsWith } from "../assert.ts";
import { noiseImageSet } from "../fixtures/noise_images.ts";
import { prepareDataset } from "../../lib/data/batches.ts";
import { randomOversample, randomUndersample } from "../../lib/data/sampling.ts";
import {
  imbalanceStrategies,
  strategyExamples,
  trainingForStrategy,
} from "../../lib/training/imbalance_strategy.ts";

/** 8x8 noise images, every fourth one a dog. */
const images = noiseImageSet(24, 7);
const all = [...images.labels.keys()];
const cats = all.filter((index) => images.labels[index] === 0);
const dogs = all.filter((index) => images.labels[index] === 1);

Deno.test("trainingForStrategy: the class counts and weights of each strategy", () => {
  const byClass = [cats.slice(0, 12), dogs.slice(0, 3)];
  const counts = (strategy: (typeof imbalanceStrategies)[number]) =>
    trainingForStrategy(images, byClass, strategy, 5).train.classCounts();
  assertEquals(counts("nothing"), { cats: 12, dogs: 3 });
  assertEquals(counts("balanced weights"), { cats: 12, dogs: 3 });
  assertEquals(counts("oversampling"), { cats: 12, dogs: 12 });
  assertEquals(counts("undersampling"), { cats: 3, dogs: 3 });
  // scikit-learn's "balanced": 15 / (2 × 12) and 15 / (2 × 3).
  assertEquals(trainingForStrategy(images, byClass, "balanced weights", 5).classWeight, {
    0: 15 / 24,
    1: 15 / 6,
  });
  // Without weights there is no classWeight key at all, so spreading the result into
  // trainModel's options keeps a class weight given there.
  const unweighted = trainingForStrategy(images, byClass, "nothing", 5);
  assertEquals(Object.keys(unweighted), ["train"]);
  assertEquals({ classWeight: { 0: 1, 1: 3 }, ...unweighted }.classWeight, { 0: 1, 1: 3 });
  // Oversampling keeps every original dog and only repeats dogs.
  const oversampled = trainingForStrategy(images, byClass, "oversampling", 5).train.indices;
  assert(byClass[1].every((dog) => oversampled.includes(dog)), "an original dog was dropped");
  assert(oversampled.every((index) => byClass.flat().includes(index)), "an unknown image appeared");
});

Deno.test("trainingForStrategy is seeded and refuses an unknown strategy", async () => {
  const byClass = [cats.slice(0, 12), dogs.slice(0, 3)];
  const order = (seed: number) =>
    trainingForStrategy(images, byClass, "undersampling", seed).train.epochOrder(0);
  assertEquals(order(3), order(3));
  assert(JSON.stringify(order(3)) !== JSON.stringify(order(4)), "two seeds gave the same order");
  await assertRejectsWith(
    // @ts-expect-error: an unknown strategy, as a notebook typo would pass it
    () => trainingForStrategy(images, byClass, "smote", 1),
    'unknown strategy "smote"',
    '"nothing", "balanced weights", "oversampling", "undersampling"',
  );
});

Deno.test("trainingForStrategy streams the lists sampling.ts draws from the seed, batched as asked", () => {
  const byClass = [cats.slice(0, 10), dogs.slice(0, 4)];
  const seed = 9;
  const expected = {
    "nothing": byClass,
    "balanced weights": byClass,
    "oversampling": randomOversample(byClass, seed),
    "undersampling": randomUndersample(byClass, seed),
  };
  for (const strategy of imbalanceStrategies) {
    const { train } = trainingForStrategy(images, byClass, strategy, seed, { batchSize: 5 });
    const reference = prepareDataset(images, expected[strategy], { seed, batchSize: 5 });
    assertEquals(train.indices, reference.indices, strategy);
    assertEquals(train.batchSize, 5, strategy);
    // The same seed orders the batches: epoch by epoch, the stream the strategy would build.
    for (const epoch of [0, 1]) {
      assertEquals(train.epochOrder(epoch), reference.epochOrder(epoch), `${strategy}, ${epoch}`);
    }
  }
  // Keras's default batch size when none is given.
  assertEquals(trainingForStrategy(images, byClass, "nothing", seed).train.batchSize, 32);
});

Deno.test("imbalanceStrategies lists the four strategies in the order the notebooks show them", () => {
  assertEquals(imbalanceStrategies, [
    "nothing",
    "balanced weights",
    "oversampling",
    "undersampling",
  ]);
});

Deno.test("strategyExamples: the index lists and class weight each strategy trains on", () => {
  const cats = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
  const dogs = [10, 11];
  const nothing = strategyExamples([cats, dogs], "nothing", 3);
  assertEquals(nothing, { parts: [cats, dogs] });
  const weighted = strategyExamples([cats, dogs], "balanced weights", 3);
  assertEquals(weighted.parts, [cats, dogs]);
  assertEquals(weighted.classWeight, { 0: 12 / 20, 1: 12 / 4 });
  const over = strategyExamples([cats, dogs], "oversampling", 3);
  assertEquals(over.parts[0], cats);
  assertEquals(over.parts[1].length, 10);
  assert(over.parts[1].every((index) => dogs.includes(index)), "only dogs are repeated");
  assertEquals(new Set(over.parts[1]).size, 2, "both dogs are kept");
  const under = strategyExamples([cats, dogs], "undersampling", 3);
  assertEquals(under.parts[1], dogs);
  assertEquals(under.parts[0].length, 2);
  assert(under.parts[0].every((index) => cats.includes(index)), "only cats are dropped");
  assertEquals(strategyExamples([cats, dogs], "undersampling", 3), under, "seeded");
  assert(
    JSON.stringify(strategyExamples([cats, dogs], "undersampling", 4).parts[0]) !==
      JSON.stringify(under.parts[0]),
    "another seed keeps other cats",
  );
});
