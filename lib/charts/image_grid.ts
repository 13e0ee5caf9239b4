/** A grid of sample images with their labels: to see what the model is trained on. */
import * as Plot from "@observablehq/plot";
import { PNG } from "pngjs";
import { bytesToBase64, type Chart } from "./display.ts";
import { imageCount, type ImageSet } from "../data/image_set.ts";
import { requireNonEmpty } from "./checks.ts";
import { type ChartText, figure } from "./figure.ts";

/** One image to show: RGB pixels and the text written under it. */
export interface LabelledImage {
  /** `height × width × 3` bytes, RGB, row-major. */
  pixels: Uint8Array;
  /** Height in pixels. */
  height: number;
  /** Width in pixels. */
  width: number;
  /** Text under the image (its class, a prediction, a file name). */
  label: string;
}

/** Options of `imageGrid`. */
export interface ImageGridOptions extends ChartText {
  /** Images per row (default: up to 8). */
  columns?: number;
  /** Whole-number zoom of every image (default: about 96 px per image). */
  scale?: number;
}

const gap = 8;
const labelHeight = 16;
const labelSize = 11;

/**
 * The images in rows of `columns`, each enlarged `scale` times with sharp
 * pixels (nearest neighbour, so 32x32 images stay readable) and its label below.
 * All images must have the same size.
 */
export function imageGrid(images: readonly LabelledImage[], options: ImageGridOptions = {}): Chart {
  requireNonEmpty(
    images,
    "images",
    "imageGrid",
    "pass at least one {pixels, height, width, label}",
  );
  const { height, width } = images[0];
  images.forEach((image, index) => {
    if (
      !Number.isInteger(image.height) || !Number.isInteger(image.width) || image.height < 1 ||
      image.width < 1
    ) {
      throw new Error(
        `imageGrid: images[${index}] has size ${image.width}x${image.height}; width and height must be whole numbers ≥ 1.`,
      );
    }
    if (image.height !== height || image.width !== width) {
      throw new Error(
        `imageGrid: images[${index}] ("${image.label}") is ${image.width}x${image.height} but images[0] is ${width}x${height}; resize them to one size first.`,
      );
    }
    if (!(image.pixels instanceof Uint8Array) || image.pixels.length !== height * width * 3) {
      throw new Error(
        `imageGrid: images[${index}] ("${image.label}") has ${image.pixels?.length} pixel bytes, expected ${width}x${height}x3 = ${
          height * width * 3
        } (RGB); pass RGB bytes, not RGBA or grey.`,
      );
    }
  });
  const columns = options.columns ?? Math.min(images.length, 8);
  const scale = options.scale ?? Math.max(1, Math.round(96 / Math.max(height, width)));
  for (const [name, value] of [["columns", columns], ["scale", scale]] as const) {
    if (!Number.isInteger(value) || value < 1) {
      throw new Error(`imageGrid: options.${name} is ${value}; it must be a whole number ≥ 1.`);
    }
  }
  const [cellWidth, cellHeight] = [width * scale, height * scale];
  const maxLabelChars = Math.max(3, Math.floor(cellWidth / (labelSize * 0.6)));
  const tiles = images.map((image, index) => {
    const [column, row] = [index % columns, Math.floor(index / columns)];
    const left = gap + column * (cellWidth + gap);
    const top = gap + row * (cellHeight + labelHeight + gap);
    return {
      x: left + cellWidth / 2,
      y: top + cellHeight / 2,
      labelY: top + cellHeight + labelHeight / 2 + 2,
      label: image.label.length > maxLabelChars
        ? `${image.label.slice(0, maxLabelChars - 1)}…`
        : image.label,
      src: pngDataUrl(image, scale),
    };
  });
  const rows = Math.ceil(images.length / columns);
  return figure({
    description: `${images.length} images of ${width}x${height} px`,
    title: options.title,
    subtitle: options.subtitle,
    caption: options.caption,
    plot: {
      width: gap + columns * (cellWidth + gap),
      height: gap + rows * (cellHeight + labelHeight + gap),
      margin: 0,
      axis: null,
      x: { type: "identity" },
      y: { type: "identity" },
      marks: [
        Plot.image(tiles, {
          x: "x",
          y: "y",
          src: "src",
          width: cellWidth,
          height: cellHeight,
          imageRendering: "pixelated",
        }),
        Plot.text(tiles, { x: "x", y: "labelY", text: "label", fontSize: labelSize }),
      ],
    },
  });
}

/** The images at `indices` of an image set, labelled with their class names. */
export function imagesOfSet(set: ImageSet, indices: readonly number[]): LabelledImage[] {
  const bytes = set.height * set.width * 3;
  return indices.map((index) => {
    if (!Number.isInteger(index) || index < 0 || index >= imageCount(set)) {
      throw new Error(
        `imagesOfSet: index ${index} is outside the image set (0 to ${imageCount(set) - 1}).`,
      );
    }
    return {
      pixels: set.pixels.subarray(index * bytes, (index + 1) * bytes),
      height: set.height,
      width: set.width,
      label: set.classNames[set.labels[index]],
    };
  });
}

/**
 * A PNG data URL of the image enlarged `scale` times by repeating pixels:
 * renderers smooth small images when they scale them, so the enlargement is
 * done here and stays sharp everywhere.
 */
function pngDataUrl(image: LabelledImage, scale: number): string {
  const png = new PNG({ width: image.width * scale, height: image.height * scale });
  for (let y = 0; y < png.height; y++) {
    const sourceRow = Math.floor(y / scale) * image.width;
    for (let x = 0; x < png.width; x++) {
      const source = (sourceRow + Math.floor(x / scale)) * 3;
      const target = (y * png.width + x) * 4;
      png.data[target] = image.pixels[source];
      png.data[target + 1] = image.pixels[source + 1];
      png.data[target + 2] = image.pixels[source + 2];
      png.data[target + 3] = 255;
    }
  }
  return `data:image/png;base64,${bytesToBase64(PNG.sync.write(png))}`;
}
