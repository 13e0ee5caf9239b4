/** selectEngine: validation, forcing, the automatic choice's reasons, and caching. */
import * as tf from "@tensorflow/tfjs";
import assert from "node:assert/strict";
import { announcement, engineNames, selectEngine } from "../lib/engine.ts";

/** Runs `body` with TFJS_BACKEND set to `value` (or unset), then restores it and the backend. */
async function withEnvironment(
  value: string | undefined,
  body: () => Promise<void>,
): Promise<void> {
  const savedVariable = Deno.env.get("TFJS_BACKEND");
  const savedBackend = tf.getBackend();
  if (value === undefined) Deno.env.delete("TFJS_BACKEND");
  else Deno.env.set("TFJS_BACKEND", value);
  try {
    await body();
  } finally {
    if (savedVariable === undefined) Deno.env.delete("TFJS_BACKEND");
    else Deno.env.set("TFJS_BACKEND", savedVariable);
    if (savedBackend !== undefined) await tf.setBackend(savedBackend);
  }
}

Deno.test("an unknown TFJS_BACKEND is an error listing the valid names", async () => {
  await withEnvironment("tpu", async () => {
    await assert.rejects(selectEngine({ log: () => {} }), (error: Error) => {
      assert.match(error.message, /"tpu"/);
      assert.match(error.message, /TFJS_BACKEND/);
      for (const name of engineNames) assert.ok(error.message.includes(name), name);
      return true;
    });
  });
});

Deno.test("an unknown options.backend is an error too, and wins over TFJS_BACKEND", async () => {
  await withEnvironment("cpu", async () => {
    await assert.rejects(selectEngine({ backend: "gpu", log: () => {} }), /options\.backend/);
  });
});

Deno.test("forcing cpu, then wasm, activates each and says so once", async () => {
  await withEnvironment(undefined, async () => {
    const lines: string[] = [];
    const log = (line: string) => lines.push(line);
    const cpu = await selectEngine({ backend: "cpu", log });
    assert.equal(cpu.backend, "cpu");
    assert.equal(tf.getBackend(), "cpu");
    assert.match(cpu.reason, /options\.backend=cpu/);
    assert.equal(cpu.threads, 1);

    const wasm = await selectEngine({ backend: "WASM", log });
    assert.equal(wasm.backend, "wasm");
    assert.equal(tf.getBackend(), "wasm");
    assert.match(wasm.reason, new RegExp(`WebAssembly, ${wasm.threads} threads? \\(`));
    assert.ok(wasm.threads! >= 1);
    assert.ok(tf.getKernel(tf.Conv2DBackpropFilter, "wasm") !== undefined);
    assert.deepEqual(Array.from(tf.tidy(() => tf.square(tf.tensor1d([2, 3]))).dataSync()), [4, 9]);

    assert.equal(lines.length, 2);
    assert.match(lines[1], /^TensorFlow\.js engine: wasm\./);
  });
});

Deno.test("TFJS_BACKEND forces the engine", async () => {
  await withEnvironment("cpu", async () => {
    await selectEngine({ backend: "wasm", log: () => {} });
    const choice = await selectEngine({ log: () => {} });
    assert.equal(choice.backend, "cpu");
    assert.match(choice.reason, /Forced by TFJS_BACKEND=cpu/);
    assert.equal(tf.getBackend(), "cpu");
  });
});

Deno.test("the automatic choice explains why tfjs-node was skipped", async () => {
  await withEnvironment(undefined, async () => {
    await selectEngine({ backend: "cpu", log: () => {} });
    const lines: string[] = [];
    const choice = await selectEngine({ backend: "auto", log: (line) => lines.push(line) });
    assert.ok(["webgpu", "wasm"].includes(choice.backend), choice.backend);
    assert.equal(tf.getBackend(), choice.backend);
    assert.match(
      choice.reason,
      /tfjs-node-gpu skipped: @tensorflow\/tfjs-node-gpu is not installed/,
    );
    assert.match(choice.reason, /tfjs-node skipped: @tensorflow\/tfjs-node is not installed/);
    assert.match(choice.reason, new RegExp(`${choice.backend} chosen`));
    assert.equal(lines.length, 1);
    assert.equal(lines[0], announcement(choice, false));
    assert.doesNotMatch(lines[0], /\n/, "the announcement is one line");
  });
});

Deno.test("later calls return the cached choice silently and re-activate it", async () => {
  await withEnvironment(undefined, async () => {
    const first = await selectEngine({ backend: "wasm", log: () => {} });
    const lines: string[] = [];
    await tf.setBackend("cpu");
    const again = await selectEngine({ log: (line) => lines.push(line) });
    const forcedAgain = await selectEngine({ backend: "wasm", log: (line) => lines.push(line) });
    assert.deepEqual(again, first);
    assert.deepEqual(forcedAgain, first);
    assert.equal(tf.getBackend(), "wasm");
    assert.deepEqual(lines, []);
  });
});

Deno.test("forcing an engine that cannot start is an error with the reason", async () => {
  await withEnvironment(undefined, async () => {
    const before = await selectEngine({ backend: "cpu", log: () => {} });
    await assert.rejects(
      selectEngine({ backend: "tfjs-node", log: () => {} }),
      /"tfjs-node" was forced but cannot start: @tensorflow\/tfjs-node is not installed/,
    );
    // The previous choice stays in force.
    assert.deepEqual(await selectEngine({ log: () => {} }), before);
  });
});

Deno.test("announcement: one line with the count of skipped engines, all lines on request", () => {
  const choice = {
    backend: "wasm",
    reason: "wasm chosen: WebAssembly, 1 thread.\n  webgpu skipped: no adapter.\n  cpu x.",
  };
  assert.equal(
    announcement(choice, false),
    "TensorFlow.js engine: wasm. wasm chosen: WebAssembly, 1 thread. 2 faster engines were " +
      "skipped (TFJS_ENGINE_DETAILS=1 says why).",
  );
  assert.equal(
    announcement({ backend: "wasm", reason: "wasm chosen: x.\n  webgpu skipped: y." }, false),
    "TensorFlow.js engine: wasm. wasm chosen: x. One faster engine was skipped " +
      "(TFJS_ENGINE_DETAILS=1 says why).",
  );
  assert.equal(
    announcement(choice, true),
    "TensorFlow.js engine: wasm. wasm chosen: WebAssembly, 1 thread.\n  webgpu skipped: no " +
      "adapter.\n  cpu x.",
  );
  assert.equal(
    announcement({ backend: "cpu", reason: "Forced by TFJS_BACKEND=cpu: plain JS." }, false),
    "TensorFlow.js engine: cpu. Forced by TFJS_BACKEND=cpu: plain JS.",
  );
});
