/**
 * `deno run -A scripts/bench/profile_training.ts [--size N] [--steps N]`: where the
 * time of one training step of the series' CNN (batch 32, Adam, binary
 * cross-entropy) goes on the selected engine, kernel by kernel.
 *
 * Prints each kernel's time per step over `--steps` steps (default 10, after 3
 * warm-up steps), its share and calls per step, and the wall-clock time per
 * step. Kernels that call other kernels (this project's own wasm kernels do)
 * show their total time (outermost calls only) and their self time (without
 * the kernels they run inside).
 */
import * as tf from "@tensorflow/tfjs";
import { selectEngine } from "../../lib/engine/select_engine.ts";
import { syntheticTraining } from "./synthetic_training.ts";
import { positiveNumber } from "./flags.ts";

const BATCH = 32;

const size = positiveNumber(Deno.args, "--size", 32);
const steps = positiveNumber(Deno.args, "--steps", 10);
await selectEngine();

const { step, dispose } = syntheticTraining(size, BATCH);
for (let i = 0; i < 3; i++) step();

// Time every kernel by wrapping the engine's runKernel.
const engine = tf.engine() as unknown as {
  runKernel: (name: string, inputs: unknown, attrs: unknown) => unknown;
};
const originalRunKernel = engine.runKernel.bind(engine);
const totals = new Map<string, { total: number; self: number; calls: number }>();
const innerTime: number[] = [];
engine.runKernel = (name, inputs, attrs) => {
  innerTime.push(0);
  const began = performance.now();
  try {
    return originalRunKernel(name, inputs, attrs);
  } finally {
    const ms = performance.now() - began;
    const inner = innerTime.pop()!;
    const outermost = innerTime.length === 0;
    if (!outermost) innerTime[innerTime.length - 1] += ms;
    const entry = totals.get(name) ?? { total: 0, self: 0, calls: 0 };
    if (outermost) {
      entry.total += ms;
      entry.calls++;
    }
    entry.self += ms - inner;
    totals.set(name, entry);
  }
};
const started = performance.now();
for (let i = 0; i < steps; i++) step();
const wallMs = (performance.now() - started) / steps;
engine.runKernel = originalRunKernel;

const kernelMs = [...totals.values()].reduce((sum, entry) => sum + entry.total, 0) / steps;
console.log(
  `${tf.getBackend()} ${size}x${size} batch ${BATCH}: ${wallMs.toFixed(1)} ms/step wall, ` +
    `${kernelMs.toFixed(1)} ms/step in kernels, ${(BATCH * 1000 / wallMs).toFixed(1)} images/s`,
);
console.log("kernel                        total ms  share  calls   self ms  share");
const perStep = (ms: number) => (ms / steps).toFixed(2).padStart(9);
const share = (ms: number) => `${(100 * ms / steps / kernelMs).toFixed(1).padStart(5)}%`;
for (const [name, entry] of [...totals].sort((a, b) => b[1].total - a[1].total)) {
  console.log(
    `${name.padEnd(28)} ${perStep(entry.total)} ${share(entry.total)} ${
      (entry.calls / steps).toFixed(0).padStart(6)
    } ${perStep(entry.self)} ${share(entry.self)}`,
  );
}
dispose();
