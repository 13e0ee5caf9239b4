/** The shapes of the series' CNN's convolutions, which the kernel checks and timings run. */

/** A 4-D tensor shape (batch, height, width, channels). */
export type Shape4D = [number, number, number, number];

/** The convolutions' attributes: stride 1, "same" padding, channels last. */
export const SAME_PADDING = { strides: 1, pad: "same", dataFormat: "NHWC" } as const;

/** The three convolutions of the series' CNN at `size` px: input shape and filter shape. */
export function convLayers(size: number, batch: number) {
  return [
    { name: "conv1", xShape: [batch, size, size, 3], filterShape: [3, 3, 3, 32] },
    { name: "conv2", xShape: [batch, size / 2, size / 2, 32], filterShape: [3, 3, 32, 64] },
    { name: "conv3", xShape: [batch, size / 4, size / 4, 64], filterShape: [3, 3, 64, 128] },
  ] as { name: string; xShape: Shape4D; filterShape: Shape4D }[];
}
