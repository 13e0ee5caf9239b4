/**
 * Multi-threaded wasm in Deno: each test runs a fresh Deno process (the wasm
 * backend starts once per process), which must pick the thread count asked
 * for, compute what the cpu backend computes, and exit by itself.
 */
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { otherRunnableThreads, threadsForFreeCores } from "../../../lib/engine/wasm/threads.ts";

const projectRoot = fileURLToPath(new URL("../../..", import.meta.url));

/**
 * A program that selects the engine, prints its reason, then prints the
 * largest difference between wasm and cpu over a conv layer's output and
 * gradients (strides 1 and 2, same and valid padding, non-square input),
 * matrix products, a max-pool gradient and a bias-gradient sum.
 */
const childProgram = `
import * as tf from "@tensorflow/tfjs";
import { selectEngine } from "./lib/engine/select_engine.ts";
const choice = await selectEngine({ log: () => {} });
console.log("reason:", choice.reason);
function values(count, seed) {
  const out = new Float32Array(count);
  let state = seed;
  for (let i = 0; i < count; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    out[i] = state / 2 ** 31 - 1;
  }
  return out;
}
function compute() {
  const results = [];
  for (const [strides, pad] of [[1, "same"], [2, "valid"], [2, "same"]]) {
    const x = tf.tensor4d(values(4 * 11 * 9 * 5, 1), [4, 11, 9, 5]);
    const filter = tf.tensor4d(values(3 * 3 * 5 * 16, 2), [3, 3, 5, 16]);
    const layer = (input, kernel) => tf.relu(tf.conv2d(input, kernel, strides, pad));
    results.push(layer(x, filter));
    results.push(...tf.grads((input, kernel) => tf.sum(tf.square(layer(input, kernel))))([x, filter]));
  }
  const a = tf.tensor2d(values(64 * 300, 3), [64, 300]);
  const b = tf.tensor2d(values(300 * 48, 4), [300, 48]);
  const aT = tf.tensor2d(values(300 * 64, 5), [300, 64]);
  const bT = tf.tensor2d(values(48 * 300, 6), [48, 300]);
  results.push(tf.matMul(a, b), tf.matMul(aT, b, true, false), tf.matMul(a, bT, false, true));
  // The WebAssembly loops on the shared heap: max-pool gradient, bias-gradient sums.
  const pooled = tf.relu(tf.tensor4d(values(4 * 10 * 8 * 16, 7), [4, 10, 8, 16]));
  const poolWeights = tf.tensor4d(values(4 * 5 * 4 * 16, 8), [4, 5, 4, 16]);
  results.push(...tf.grads((input) => tf.sum(tf.mul(tf.maxPool(input, 2, 2, "valid"), poolWeights)))([pooled]));
  results.push(tf.sum(pooled, [0, 1, 2]));
  return results.map((t) => t.dataSync());
}
const onWasm = compute();
await tf.setBackend("cpu");
const onCpu = compute();
let worst = 0;
onCpu.forEach((expected, i) => expected.forEach((v, j) => {
  worst = Math.max(worst, Math.abs(v - onWasm[i][j]) / Math.max(1, Math.abs(v)));
}));
console.log("difference:", worst);
`;

/** Runs the child program with `environment` added; fails if it runs over 90 s (it must exit by itself). */
async function runChild(environment: Record<string, string>): Promise<string> {
  const output = await new Deno.Command(Deno.execPath(), {
    args: ["eval", "--ext=js", childProgram],
    cwd: projectRoot,
    env: { TFJS_BACKEND: "wasm", ...environment },
    stdout: "piped",
    stderr: "piped",
    signal: AbortSignal.timeout(90_000),
  }).output();
  const stdout = new TextDecoder().decode(output.stdout);
  const stderr = new TextDecoder().decode(output.stderr);
  assert.ok(
    output.success,
    `the child process failed (code ${output.code}):\n${stdout}\n${stderr}`,
  );
  return stdout;
}

/** The relative difference the child printed between wasm and cpu. */
function difference(stdout: string): number {
  const match = /difference: (\S+)/.exec(stdout);
  assert.ok(match, `no difference line in:\n${stdout}`);
  return Number(match[1]);
}

Deno.test("TFJS_WASM_THREADS=2 runs the threaded build, matches cpu, and the process exits", async () => {
  const stdout = await runChild({ TFJS_WASM_THREADS: "2" });
  assert.match(stdout, /WebAssembly, 2 threads \(TFJS_WASM_THREADS=2\), SIMD/);
  const error = difference(stdout);
  assert.ok(error <= 1e-4, `threaded wasm differs from cpu by ${error}`);
});

Deno.test("TFJS_WASM_THREADS=1 keeps the single-threaded build", async () => {
  const stdout = await runChild({ TFJS_WASM_THREADS: "1" });
  assert.match(stdout, /WebAssembly, 1 thread \(TFJS_WASM_THREADS=1\)/);
  const error = difference(stdout);
  assert.ok(error <= 1e-4, `wasm differs from cpu by ${error}`);
});

Deno.test("a TFJS_WASM_THREADS that is no thread count is an error naming the fix", async () => {
  const output = await new Deno.Command(Deno.execPath(), {
    args: ["eval", "--ext=js", childProgram],
    cwd: projectRoot,
    env: { TFJS_BACKEND: "wasm", TFJS_WASM_THREADS: "many" },
    stdout: "piped",
    stderr: "piped",
    signal: AbortSignal.timeout(90_000),
  }).output();
  assert.equal(output.success, false);
  const stderr = new TextDecoder().decode(output.stderr);
  assert.match(stderr, /TFJS_WASM_THREADS="many" is not a thread count/);
  assert.match(stderr, /whole number from 1 to 8/);
});

Deno.test("the automatic thread count is the cores other processes leave free, 1 to 8", () => {
  assert.equal(threadsForFreeCores(2, 0), 2);
  assert.equal(threadsForFreeCores(2, 0.3), 2);
  assert.equal(threadsForFreeCores(2, 0.8), 1);
  assert.equal(threadsForFreeCores(2, 7.5), 1);
  assert.equal(threadsForFreeCores(8, 2), 6);
  assert.equal(threadsForFreeCores(16, 0), 8);
  assert.equal(threadsForFreeCores(1, 0), 1);
});

Deno.test("the count of other runnable threads is a number on Linux", async () => {
  const busy = await otherRunnableThreads();
  if (Deno.build.os !== "linux") return;
  assert.ok(busy !== undefined && busy >= 0 && Number.isFinite(busy), String(busy));
});
