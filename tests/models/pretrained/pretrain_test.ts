import { assert, assertEquals, assertRejectsWith } from "../../assert.ts";
import { selectEngine } from "../../../lib/engine/select_engine.ts";
import type { ImageSet } from "../../../lib/data/image_set.ts";
import { defaultCutLayer } from "../../../lib/models/pretrained/frozen_base.ts";
import { loadPretrainedModel } from "../../../lib/models/pretrained/load_pretrained.ts";
import { modelFolder } from "../../../lib/models/pretrained/model_folder.ts";
import {
  buildPretrainCnn,
  imageSetArrays,
  pretrainBase,
  weightsSha256,
} from "../../../lib/models/pretrained/pretrain.ts";
import { createRandom } from "../../../lib/data/random.ts";

await selectEngine({ backend: "wasm", log: () => {} });

/** `perClass` 8x8 images of three classes, each class a different dominant colour plus noise. */
function tinySet(perClass: number, seed: number, classNames = ["a", "b", "c"]): ImageSet {
  const random = createRandom(seed);
  const count = perClass * classNames.length;
  const pixels = new Uint8Array(count * 8 * 8 * 3);
  const labels = new Uint8Array(count);
  for (let image = 0; image < count; image++) {
    const label = image % classNames.length;
    labels[image] = label;
    for (let p = 0; p < 64; p++) {
      for (let c = 0; c < 3; c++) {
        const base = c === label ? 180 : 40;
        pixels[(image * 64 + p) * 3 + c] = base + random.int(60);
      }
    }
  }
  const paths = Array.from({ length: count }, (_, i) => `${i}.png`);
  return { classNames, height: 8, width: 8, pixels, labels, paths };
}

Deno.test("the base is the series' three blocks with a softmax, cut by default at pool3", () => {
  const model = buildPretrainCnn({ classCount: 6, seed: 3 });
  assertEquals(model.outputs[0].shape, [null, 6]);
  assertEquals(defaultCutLayer(model), "pool3");
  assertEquals(model.getLayer("pool3").outputShape, [null, 4, 4, 128]);
  const refused = () => buildPretrainCnn({ classCount: 1 });
  let message = "";
  try {
    refused();
  } catch (error) {
    message = (error as Error).message;
  }
  assert(message.includes("classCount"), message);
});

Deno.test("imageSetArrays scales bytes to [0, 1] and keeps the labels", () => {
  const set = tinySet(2, 1);
  const arrays = imageSetArrays(set);
  assertEquals(arrays.exampleShape, [8, 8, 3]);
  assertEquals(arrays.x[5], Math.fround(set.pixels[5] / 255));
  assertEquals([...arrays.labels], [...set.labels]);
});

Deno.test("pretraining from one seed twice gives bit-identical weights; another seed does not", async () => {
  const train = tinySet(12, 1);
  const test = tinySet(6, 2);
  const options = { seed: 7, epochs: 2, batchSize: 8, progress: "none" as const };
  const first = await pretrainBase(train, test, options);
  const second = await pretrainBase(train, test, options);
  const other = await pretrainBase(train, test, { ...options, seed: 8 });
  const hash = await weightsSha256(first.model);
  assertEquals(await weightsSha256(second.model), hash, "same seed, same weights");
  assert((await weightsSha256(other.model)) !== hash, "another seed gives other weights");
  assertEquals(first.testAccuracy, second.testAccuracy);
  assertEquals(first.history.length, 2);
  assert(first.testAccuracy > 0.5, `colour classes should be learnt: ${first.testAccuracy}`);
  // Saved and loaded through the same loader as any pretrained model, the weights are the same.
  const folder = await Deno.makeTempDir();
  await first.model.save(modelFolder(folder));
  const loaded = await loadPretrainedModel(folder);
  assertEquals(await weightsSha256(loaded), hash);
  [first, second, other].forEach((base) => base.model.dispose());
  loaded.dispose();
});

Deno.test("training and test sets with different classes are refused", async () => {
  await assertRejectsWith(
    () => pretrainBase(tinySet(2, 1), tinySet(2, 2, ["a", "b", "d"]), { seed: 1, epochs: 1 }),
    "differ from the test classes",
  );
});
