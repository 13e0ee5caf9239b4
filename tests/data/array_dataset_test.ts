import { assertAlmostEquals, assertEquals, assertRejectsWith } from "../assert.ts";
import {
  arrayDataset,
  countLabels,
  firstExamples,
  mnistDataset,
  splitValidation,
  takeExamples,
} from "../../lib/data/array_dataset.ts";

Deno.test("arrayDataset checks that there is one example per label", async () => {
  assertEquals(arrayDataset(new Float32Array(6), [3], new Uint8Array(2)).count, 2);
  await assertRejectsWith(
    () => arrayDataset(new Float32Array(5), [3], new Uint8Array(2)),
    "5 values for 2 labels",
    "expected 6",
  );
  await assertRejectsWith(
    () => arrayDataset(new Float32Array(0), [0], new Uint8Array(0)),
    "whole numbers ≥ 1",
  );
});

Deno.test("mnistDataset scales pixels to [0, 1] and shapes digits [28, 28, 1]", () => {
  const images = new Uint8Array(2 * 784);
  images[0] = 255;
  images[784] = 51;
  const data = mnistDataset({ images, labels: Uint8Array.of(3, 7), count: 2 });
  assertEquals(data.exampleShape, [28, 28, 1]);
  assertEquals(data.x[0], 1);
  assertAlmostEquals(data.x[784], 0.2, 1e-6);
  assertEquals([...data.labels], [3, 7]);
});

Deno.test("splitValidation takes the last fraction before any shuffle, as Keras's validation_split", async () => {
  const data = arrayDataset(
    Float32Array.from({ length: 10 }, (_, i) => i),
    [1],
    new Uint8Array(10),
  );
  const { train, validation } = splitValidation(data, 0.25);
  // Keras: split_at = int(10 * (1 - 0.25)) = 7.
  assertEquals([...train.x], [0, 1, 2, 3, 4, 5, 6]);
  assertEquals([...validation.x], [7, 8, 9]);
  await assertRejectsWith(() => splitValidation(data, 1), "not in (0, 1)");
  await assertRejectsWith(() => splitValidation(firstExamples(data, 1), 0.5), "empty side");
});

Deno.test("takeExamples copies examples in the given order; countLabels counts per class", async () => {
  const data = arrayDataset(Float32Array.of(0, 0, 1, 1, 2, 2), [2], Uint8Array.of(0, 1, 1));
  const taken = takeExamples(data, [2, 0, 2]);
  assertEquals([...taken.x], [2, 2, 0, 0, 2, 2]);
  assertEquals([...taken.labels], [1, 0, 1]);
  assertEquals(countLabels(taken.labels, 3), [1, 2, 0]);
  await assertRejectsWith(() => takeExamples(data, [3]), "index 3", "outside 0 … 2");
  await assertRejectsWith(() => countLabels([4], 3), "label 4");
});
