/**
 * `deno run -A scripts/profile_training.ts [--size N] [--steps N]`: where the
 * time of one training step of the series' CNN (batch 32, Adam, binary
 * cross-entropy) goes on the selected engine, kernel by kernel.
 *
 * Prints each kernel's share of the summed kernel time over `--steps` steps
 * (default 10, after 3 warm-up steps), with its calls per step and ms per
 * step, and the wall-clock time per step. Kernels that call other kernels
 * (this project's own wasm kernels do) are listed with their total time and
 * their inner kernels are counted only inside them.
 */
import * as tf from "@tensorflow/tfjs";
import { selectEngine } from "../lib/engine.ts";
import { buildSimpleCnn } from "../lib/model.ts";
import { weightedBinaryCrossEntropy } from "../lib/weighted_loss.ts";

const BATCH = 32;

function numberOption(name: string, fallback: number): number {
  const at = Deno.args.indexOf(name);
  const value = at >= 0 ? Number(Deno.args[at + 1]) : fallback;
  if (!(value > 0)) throw new Error(`${name} needs a positive number, got ${Deno.args[at + 1]}.`);
  return value;
}

const size = numberOption("--size", 32);
const steps = numberOption("--steps", 10);
await selectEngine();

const model = buildSimpleCnn({ imageSize: size, seed: 0 });
const optimizer = tf.train.adam(1e-3);
const variables = model.trainableWeights.map((weight) => weight.read() as tf.Variable);
const x = tf.randomUniform([BATCH, size, size, 3]);
const y = tf.cast(tf.randomUniform([BATCH, 1], 0, 2, "int32"), "float32");
const step = () => {
  const loss = optimizer.minimize(
    () => weightedBinaryCrossEntropy(y, model.apply(x, { training: true }) as tf.Tensor),
    true,
    variables,
  )!;
  loss.dataSync();
  loss.dispose();
};
for (let i = 0; i < 3; i++) step();

// Time every kernel at the outermost level by wrapping the engine's runKernel.
const engine = tf.engine() as unknown as {
  runKernel: (name: string, inputs: unknown, attrs: unknown) => unknown;
};
const originalRunKernel = engine.runKernel.bind(engine);
const totals = new Map<string, { ms: number; calls: number }>();
let depth = 0;
engine.runKernel = (name, inputs, attrs) => {
  if (depth > 0) return originalRunKernel(name, inputs, attrs);
  depth++;
  const started = performance.now();
  try {
    return originalRunKernel(name, inputs, attrs);
  } finally {
    const ms = performance.now() - started;
    depth--;
    const entry = totals.get(name) ?? { ms: 0, calls: 0 };
    entry.ms += ms;
    entry.calls++;
    totals.set(name, entry);
  }
};
const started = performance.now();
for (let i = 0; i < steps; i++) step();
const wallMs = (performance.now() - started) / steps;
engine.runKernel = originalRunKernel;

const kernelMs = [...totals.values()].reduce((sum, entry) => sum + entry.ms, 0) / steps;
console.log(
  `${tf.getBackend()} ${size}x${size} batch ${BATCH}: ${wallMs.toFixed(1)} ms/step wall, ` +
    `${kernelMs.toFixed(1)} ms/step in kernels, ${(BATCH * 1000 / wallMs).toFixed(1)} images/s`,
);
console.log("kernel                         share   ms/step  calls/step");
for (const [name, entry] of [...totals].sort((a, b) => b[1].ms - a[1].ms)) {
  const ms = entry.ms / steps;
  console.log(
    `${name.padEnd(28)} ${(100 * ms / kernelMs).toFixed(1).padStart(6)}% ${
      ms.toFixed(2).padStart(8)
    } ${(entry.calls / steps).toFixed(0).padStart(10)}`,
  );
}
tf.dispose([x, y]);
optimizer.dispose();
model.dispose();
