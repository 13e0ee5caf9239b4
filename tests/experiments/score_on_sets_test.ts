import { assertAlmostEquals, assertEquals, assertRejectsWith } from "../assert.ts";
import { noiseImageSet } from "../fixtures/noise_images.ts";
import { selectEngine } from "../../lib/engine/select_engine.ts";
import { scoreOnSets } from "../../lib/experiments/score_on_sets.ts";
import { scorePredictions } from "../../lib/metrics/evaluate.ts";
import { predictProbabilities } from "../../lib/models/predict.ts";
import { buildSimpleCnn } from "../../lib/models/simple_cnn.ts";

await selectEngine({ backend: "wasm", log: () => {} });

/** 8x8 noise images, every fourth one a dog. */
const images = noiseImageSet(24, 11);
const all = [...images.labels.keys()];
const examples = { source: images, indices: all.slice(0, 12) };

Deno.test("scoreOnSets scores the same model on each set, in the order given, on the set's own examples", async () => {
  const model = buildSimpleCnn({ imageSize: [8, 8], seed: 1 });
  // Only dogs (0, 4, 8, ...) then every image of the second half, backwards.
  const dogsOnly = { source: images, indices: all.filter((index) => index % 4 === 0) };
  const second = { source: images, indices: all.slice(12).reverse() };
  const scores = await scoreOnSets(model, { first: examples, second, dogsOnly });
  assertEquals(scores.map((score) => [score.set, score.labels.length]), [
    ["first", 12],
    ["second", 12],
    ["dogsOnly", 6],
  ]);
  assertAlmostEquals(scores[0].evaluation.prevalence, 3 / 12, 1e-12);
  assertEquals(scores[2].evaluation.prevalence, 1);
  for (
    const [score, set] of [[scores[0], examples], [scores[1], second], [
      scores[2],
      dogsOnly,
    ]] as const
  ) {
    assertEquals(Array.from(score.labels), set.indices.map((index) => images.labels[index]));
    assertEquals(
      Array.from(score.probabilities),
      Array.from(await predictProbabilities(model, set)),
    );
    assertEquals(score.evaluation, scorePredictions(score.labels, score.probabilities));
  }
  model.dispose();
});

Deno.test("scoreOnSets takes the counts at the threshold given", async () => {
  const model = buildSimpleCnn({ imageSize: [8, 8], seed: 1 });
  const [score] = await scoreOnSets(model, { test: examples }, 0.3);
  assertEquals(score.evaluation.threshold, 0.3);
  assertEquals(score.evaluation, scorePredictions(score.labels, score.probabilities, 0.3));
  model.dispose();
});

Deno.test("scoreOnSets rejects bad input", async () => {
  const model = buildSimpleCnn({ imageSize: [8, 8], seed: 1 });
  await assertRejectsWith(() => scoreOnSets(model, {}), "no test sets");
  await assertRejectsWith(
    () => scoreOnSets(model, { empty: { source: images, indices: [] } }),
    'test set "empty" is empty',
  );
  model.dispose();
});
