import { assertEquals, assertRejectsWith } from "../assert.ts";
import { noiseImageSet } from "../fixtures/noise_images.ts";
import { imageCount, type ImageSet, indicesOfClass } from "../../lib/data/image_set.ts";

/** Three classes, labels given per image; the pixels are not looked at. */
function labelledSet(labels: number[]): ImageSet {
  return {
    classNames: ["bird", "cat", "dog"],
    height: 1,
    width: 1,
    pixels: new Uint8Array(labels.length * 3),
    labels: Uint8Array.from(labels),
    paths: labels.map((_, index) => `image${index}.png`),
  };
}

Deno.test("imageCount counts the images by their labels", () => {
  assertEquals(imageCount(labelledSet([2, 0, 1, 1])), 4);
  assertEquals(imageCount(labelledSet([])), 0);
  assertEquals(imageCount(noiseImageSet(24, 1)), 24);
});

Deno.test("indicesOfClass lists the images of one class in file order", () => {
  const set = labelledSet([2, 0, 1, 2, 1, 2, 0]);
  assertEquals(indicesOfClass(set, "bird"), [1, 6]);
  assertEquals(indicesOfClass(set, "cat"), [2, 4]);
  assertEquals(indicesOfClass(set, "dog"), [0, 3, 5]);
  // A class with no image is an empty list, not an error.
  assertEquals(indicesOfClass(labelledSet([1, 1]), "dog"), []);
});

Deno.test("indicesOfClass names an unknown class and the classes the set has", async () => {
  await assertRejectsWith(
    () => indicesOfClass(labelledSet([0, 1]), "dogs"),
    'Unknown class "dogs"',
    "bird, cat, dog",
  );
});
