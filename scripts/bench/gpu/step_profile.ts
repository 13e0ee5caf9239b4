/**
 * A per-kernel profile of one WebGPU training step of the series' CNN: GPU
 * time by kernel name (from timestamp queries) and the slowest single calls.
 */
import * as tf from "@tensorflow/tfjs";
import { syntheticTraining } from "../synthetic_training.ts";
import type { Case } from "./options.ts";

/**
 * Prints the profile of one training step at the case's size and batch: the
 * 15 kernels taking the most time. `label` names the kernels registered.
 */
export async function profileStep({ size, batch }: Case, label: string): Promise<void> {
  const { launch, dispose } = syntheticTraining(size, batch);
  for (let i = 0; i < 2; i++) await launch().data();
  const started = performance.now();
  const profile = await tf.profile(async () => {
    await launch().data();
  });
  const wallMs = performance.now() - started;
  const byName = new Map<string, { calls: number; ms: number }>();
  for (const kernel of profile.kernels) {
    const ms = typeof kernel.kernelTimeMs === "number" ? kernel.kernelTimeMs : 0;
    const entry = byName.get(kernel.name) ?? { calls: 0, ms: 0 };
    entry.calls++;
    entry.ms += ms;
    byName.set(kernel.name, entry);
  }
  const rows = [...byName.entries()].sort((a, b) => b[1].ms - a[1].ms).slice(0, 15);
  const slowest = profile.kernels
    .filter((kernel) => typeof kernel.kernelTimeMs === "number")
    .sort((a, b) => (b.kernelTimeMs as number) - (a.kernelTimeMs as number)).slice(0, 5);
  console.log(
    `\nProfile of one ${size}x${size} batch-${batch} training step, ${label}: ${profile.kernels.length} ` +
      `kernels recorded (GPU time per kernel from timestamp queries; wall time of the profiled step ` +
      `${wallMs.toFixed(0)} ms):`,
  );
  console.log("  kernel                          calls   total ms");
  for (const [name, entry] of rows) {
    console.log(
      `  ${name.padEnd(30)}  ${String(entry.calls).padStart(5)}  ${
        entry.ms.toFixed(2).padStart(9)
      }`,
    );
  }
  console.log("  slowest single calls:");
  for (const kernel of slowest) {
    console.log(
      `    ${kernel.name} inputs ${JSON.stringify(kernel.inputShapes)}: ${
        (kernel.kernelTimeMs as number).toFixed(2)
      } ms`,
    );
  }
  console.log(
    "  (a chunked Conv2DBackpropFilter is listed as the kernels it runs: Im2Col, Slice, " +
      "PadV2, BatchMatMul; Identity and Reshape launch nothing)",
  );
  dispose();
}
