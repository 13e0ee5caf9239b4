/**
 * JPEG and PNG bytes to RGB pixels, and bilinear resizing of RGB pixels.
 *
 * The format is told by the file's first bytes, not its extension, so a PNG
 * saved as `.jpg` still loads. Every decoder error is rethrown as one message
 * naming the file and what to do, never as a decoder's stack.
 */
import { Buffer } from "node:buffer";
import jpeg from "jpeg-js";
import { PNG } from "pngjs";

/** One decoded image: `height × width × 3` bytes, RGB, row-major. */
export interface RgbImage {
  readonly width: number;
  readonly height: number;
  readonly rgb: Uint8Array;
}

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const JPEG_SIGNATURE = [0xff, 0xd8, 0xff];

function startsWith(bytes: Uint8Array, signature: readonly number[]): boolean {
  return bytes.length >= signature.length && signature.every((byte, i) => bytes[i] === byte);
}

/** What pngjs's synchronous reader returns: always 8-bit RGBA. */
interface PngRgba {
  width: number;
  height: number;
  data: Uint8Array;
}

function decodeJpeg(bytes: Uint8Array): RgbImage {
  // formatAsRGBA false gives 3 bytes per pixel; grayscale and CMYK come out as RGB.
  const image = jpeg.decode(bytes, { useTArray: true, formatAsRGBA: false });
  return { width: image.width, height: image.height, rgb: image.data };
}

function decodePng(bytes: Uint8Array): RgbImage {
  // pngjs needs a Buffer (a view, no copy) and expands grayscale, palette and
  // 16-bit images to 8-bit RGBA.
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const image = PNG.sync.read(buffer) as PngRgba;
  const pixelCount = image.width * image.height;
  const rgb = new Uint8Array(pixelCount * 3);
  const rgba = image.data;
  // Alpha is dropped (as PIL's convert("RGB") does), not blended.
  for (let pixel = 0, from = 0, to = 0; pixel < pixelCount; pixel++, from += 4, to += 3) {
    rgb[to] = rgba[from];
    rgb[to + 1] = rgba[from + 1];
    rgb[to + 2] = rgba[from + 2];
  }
  return { width: image.width, height: image.height, rgb };
}

/**
 * Decodes JPEG or PNG bytes to RGB; grayscale, palette and RGBA inputs become
 * RGB (alpha dropped). `path` only serves the error message, which names the
 * file and suggests replacing or removing it.
 */
export function decodeImage(bytes: Uint8Array, path: string): RgbImage {
  const fix = "Replace the file with a valid JPEG or PNG, or move it out of the image folder.";
  if (bytes.length === 0) throw new Error(`Image file "${path}" is empty (0 bytes). ${fix}`);
  const isPng = startsWith(bytes, PNG_SIGNATURE);
  if (!isPng && !startsWith(bytes, JPEG_SIGNATURE)) {
    const head = Array.from(bytes.subarray(0, 4), (b) => b.toString(16).padStart(2, "0"));
    throw new Error(
      `Image file "${path}" is neither JPEG nor PNG (it starts with bytes ${
        head.join(" ")
      }). ${fix}`,
    );
  }
  const format = isPng ? "PNG" : "JPEG";
  let image: RgbImage;
  try {
    image = isPng ? decodePng(bytes) : decodeJpeg(bytes);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(
      `Could not decode "${path}" as ${format} (${reason}); the file is probably truncated or corrupt. ${fix}`,
    );
  }
  if (image.width === 0 || image.height === 0) {
    throw new Error(`Image file "${path}" has no pixels (${image.width}x${image.height}). ${fix}`);
  }
  return image;
}

/**
 * Resizes an RGB image with bilinear interpolation (half-pixel centres, edges
 * clamped: what Keras's default `interpolation="bilinear"` does), writing the
 * `height × width × 3` result into `output` at `outputOffset` so that callers
 * can fill one big buffer without an allocation per image.
 */
export function resizeBilinearInto(
  image: RgbImage,
  height: number,
  width: number,
  output: Uint8Array,
  outputOffset: number,
): void {
  const { rgb, width: sourceWidth, height: sourceHeight } = image;
  if (sourceWidth === width && sourceHeight === height) {
    output.set(rgb, outputOffset);
    return;
  }
  const scaleY = sourceHeight / height;
  const scaleX = sourceWidth / width;
  const rowStride = sourceWidth * 3;
  let to = outputOffset;
  for (let y = 0; y < height; y++) {
    const sourceY = Math.min(Math.max((y + 0.5) * scaleY - 0.5, 0), sourceHeight - 1);
    const y0 = Math.floor(sourceY);
    const y1 = Math.min(y0 + 1, sourceHeight - 1);
    const wy = sourceY - y0;
    for (let x = 0; x < width; x++) {
      const sourceX = Math.min(Math.max((x + 0.5) * scaleX - 0.5, 0), sourceWidth - 1);
      const x0 = Math.floor(sourceX);
      const x1 = Math.min(x0 + 1, sourceWidth - 1);
      const wx = sourceX - x0;
      const topLeft = y0 * rowStride + x0 * 3;
      const topRight = y0 * rowStride + x1 * 3;
      const bottomLeft = y1 * rowStride + x0 * 3;
      const bottomRight = y1 * rowStride + x1 * 3;
      for (let channel = 0; channel < 3; channel++) {
        const top = rgb[topLeft + channel] * (1 - wx) + rgb[topRight + channel] * wx;
        const bottom = rgb[bottomLeft + channel] * (1 - wx) + rgb[bottomRight + channel] * wx;
        output[to++] = Math.round(top * (1 - wy) + bottom * wy);
      }
    }
  }
}
