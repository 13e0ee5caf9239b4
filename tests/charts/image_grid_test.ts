import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import { chartToPng } from "../../lib/charts/display.ts";
import { imageGrid, imagesOfSet, type LabelledImage } from "../../lib/charts/image_grid.ts";
import { assertDisplayable, parseSvg, texts } from "../fixtures/chart_svg.ts";

/** An image filled with one colour. */
function solidImage(label: string, rgb: [number, number, number], size = 4): LabelledImage {
  const pixels = new Uint8Array(size * size * 3);
  for (let index = 0; index < size * size; index++) pixels.set(rgb, index * 3);
  return { pixels, height: size, width: size, label };
}

Deno.test("imageGrid embeds one enlarged PNG per image with its label", () => {
  const chart = imageGrid([
    solidImage("cat", [255, 0, 0]),
    solidImage("dog", [0, 0, 255]),
    solidImage("cat", [0, 255, 0]),
  ], { columns: 2, scale: 5 });
  assertDisplayable(chart);
  const images = [...parseSvg(chart).querySelectorAll("image")];
  assert.equal(images.length, 3);
  for (const image of images) {
    assert.match(image.getAttribute("href") ?? "", /^data:image\/png;base64,/);
    assert.equal(image.getAttribute("width"), "20");
    assert.equal(image.getAttribute("image-rendering"), "pixelated");
  }
  assert.deepEqual(texts(chart).filter((text) => text === "cat" || text === "dog"), [
    "cat",
    "dog",
    "cat",
  ]);
});

Deno.test("imageGrid shows the images' pixels in the PNG", async () => {
  const { PNG } = await import("pngjs");
  const chart = imageGrid([solidImage("red", [255, 0, 0], 8)], { scale: 4 });
  const png = PNG.sync.read(Buffer.from(chartToPng(chart)));
  let red = 0;
  for (let offset = 0; offset < png.data.length; offset += 4) {
    if (png.data[offset] > 240 && png.data[offset + 1] < 15 && png.data[offset + 2] < 15) red++;
  }
  assert.ok(red >= 32 * 32 * 0.9, `expected a 32x32 red square, found ${red} red pixels`);
});

Deno.test("imageGrid rejects mismatched sizes and wrong pixel counts", () => {
  assert.throws(() => imageGrid([]), /images is empty/);
  assert.throws(
    () => imageGrid([solidImage("a", [0, 0, 0], 4), solidImage("b", [0, 0, 0], 5)]),
    /images\[1\] \("b"\) is 5x5 but images\[0\] is 4x4; resize them/,
  );
  const rgba = { ...solidImage("a", [0, 0, 0], 2), pixels: new Uint8Array(16) };
  assert.throws(() => imageGrid([rgba]), /has 16 pixel bytes, expected 2x2x3 = 12/);
  assert.throws(() => imageGrid([solidImage("a", [0, 0, 0])], { columns: 0 }), /options\.columns/);
});

Deno.test("imagesOfSet picks images of an ImageSet with their class names", () => {
  const set = {
    classNames: ["cats", "dogs"],
    height: 1,
    width: 1,
    pixels: new Uint8Array([1, 2, 3, 4, 5, 6]),
    labels: new Uint8Array([0, 1]),
    paths: ["a.jpg", "b.jpg"],
  };
  const [dog] = imagesOfSet(set, [1]);
  assert.equal(dog.label, "dogs");
  assert.deepEqual([...dog.pixels], [4, 5, 6]);
  assert.throws(() => imagesOfSet(set, [2]), /index 2 is outside the image set \(0 to 1\)/);
});

Deno.test("imageGrid refuses an image that differs in one side only, or has no whole size", () => {
  const wide = { pixels: new Uint8Array(4 * 5 * 3), height: 4, width: 5, label: "wide" };
  assert.throws(
    () => imageGrid([solidImage("a", [0, 0, 0], 4), wide]),
    /images\[1\] \("wide"\) is 5x4 but images\[0\] is 4x4/,
  );
  for (const [height, width] of [[0, 4], [4, 2.5]]) {
    const image = { pixels: new Uint8Array(12), height, width, label: "bad" };
    assert.throws(
      () => imageGrid([image]),
      new RegExp(`images\\[0\\] has size ${width}x${height}; width and height must be whole`),
    );
  }
});
