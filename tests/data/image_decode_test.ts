import assert from "node:assert/strict";
import { decodeImage, resizeBilinearInto } from "../../lib/data/image_decode.ts";

Deno.test("resizeBilinearInto: bilinear with half-pixel centres", () => {
  const row = new Uint8Array([0, 0, 0, 100, 100, 100]);
  const output = new Uint8Array(4 * 3);
  resizeBilinearInto({ width: 2, height: 1, rgb: row }, 1, 4, output, 0);
  assert.deepEqual([...output], [0, 0, 0, 25, 25, 25, 75, 75, 75, 100, 100, 100]);
  const uniform = new Uint8Array(8 * 8 * 3).fill(77);
  const shrunk = new Uint8Array(3 * 3 * 3);
  resizeBilinearInto({ width: 8, height: 8, rgb: uniform }, 3, 3, shrunk, 0);
  assert.ok(shrunk.every((value) => value === 77));
});

Deno.test("decodeImage names the file it cannot decode, not a decoder stack", () => {
  assert.throws(
    () =>
      decodeImage(new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0]), "x.png"),
    /Could not decode "x.png" as PNG/,
  );
});
