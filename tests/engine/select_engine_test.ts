/** selectEngine: validation, forcing, the automatic choice's reasons, and caching. */
import * as tf from "@tensorflow/tfjs";
import assert from "node:assert/strict";
import { announcement, engineNames, selectEngine } from "../../lib/engine/select_engine.ts";

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

Deno.test("forcing cpu, then wasm (on options.wasmThreads), activates each and says so once", async () => {
  await withEnvironment(undefined, async () => {
    const lines: string[] = [];
    const log = (line: string) => lines.push(line);
    const cpu = await selectEngine({ backend: "cpu", log });
    assert.equal(cpu.backend, "cpu");
    assert.equal(tf.getBackend(), "cpu");
    assert.match(cpu.reason, /options\.backend=cpu/);
    assert.equal(cpu.threads, 1);

    await assert.rejects(
      selectEngine({ backend: "wasm", wasmThreads: 0, log }),
      /options\.wasmThreads="0" is not a thread count\. Fix: set it to a whole number from 1/,
    );
    // options.wasmThreads wins over TFJS_WASM_THREADS, whatever the test run sets.
    const wasm = await selectEngine({ backend: "WASM", wasmThreads: 1, log });
    assert.equal(wasm.backend, "wasm");
    assert.equal(tf.getBackend(), "wasm");
    assert.match(wasm.reason, /WebAssembly, 1 thread \(options\.wasmThreads=1\)/);
    assert.equal(wasm.threads, 1);
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

/** A stand-in for a WebGPU adapter: its description and fallback flag, and a device it never gives. */
interface FakeAdapter {
  description: string;
  isFallbackAdapter: boolean;
}

/**
 * Runs `body` with `navigator.gpu` replaced: absent (`"none"`), finding no
 * adapter (`"no adapter"`), or offering `adapter`, whose requestDevice fails
 * (so a test never depends on a real GPU); returns how many devices were
 * requested, i.e. whether the webgpu backend was started.
 */
async function withFakeGpu(
  gpu: "none" | "no adapter" | FakeAdapter,
  body: () => Promise<void>,
): Promise<{ devicesRequested: number }> {
  let devicesRequested = 0;
  const adapter = typeof gpu === "object"
    ? {
      info: { description: gpu.description, vendor: "", isFallbackAdapter: gpu.isFallbackAdapter },
      isFallbackAdapter: gpu.isFallbackAdapter,
      features: new Set<string>(),
      limits: {},
      requestDevice: () => {
        devicesRequested++;
        return Promise.reject(new Error("fake adapter: no device"));
      },
    }
    : null;
  const fake = gpu === "none" ? undefined : { requestAdapter: () => Promise.resolve(adapter) };
  Object.defineProperty(navigator, "gpu", { value: fake, configurable: true });
  try {
    await withEnvironment(undefined, async () => {
      await selectEngine({ backend: "cpu", log: () => {} }); // so that "auto" chooses afresh
      await body();
    });
  } finally {
    delete (navigator as { gpu?: unknown }).gpu; // the runtime's own getter again
  }
  return { devicesRequested };
}

/** The automatic choice, with the one line it announced. */
async function automaticChoice() {
  const lines: string[] = [];
  const choice = await selectEngine({ backend: "auto", log: (line) => lines.push(line) });
  assert.equal(tf.getBackend(), choice.backend);
  assert.deepEqual(lines, [announcement(choice, false)]);
  assert.doesNotMatch(lines[0], /\n/, "the announcement is one line");
  return choice;
}

const skippedNodeEngines = [
  "tfjs-node-gpu skipped: @tensorflow/tfjs-node-gpu is not installed",
  "tfjs-node skipped: @tensorflow/tfjs-node is not installed",
];

Deno.test("automatic choice without navigator.gpu: wasm, saying why each faster engine was skipped", async () => {
  await withFakeGpu("none", async () => {
    const choice = await automaticChoice();
    assert.equal(choice.backend, "wasm");
    const [chosen, ...skipped] = choice.reason.split("\n  ");
    assert.match(chosen, /^wasm chosen: WebAssembly, /);
    assert.deepEqual(skipped.map((line) => line.split(" (")[0]), [
      ...skippedNodeEngines,
      "webgpu skipped: this runtime has no navigator.gpu.",
    ]);
  });
});

Deno.test("automatic choice when navigator.gpu finds no adapter: wasm", async () => {
  await withFakeGpu("no adapter", async () => {
    const choice = await automaticChoice();
    assert.equal(choice.backend, "wasm");
    assert.match(choice.reason, /\n {2}webgpu skipped: navigator\.gpu found no adapter\.$/);
  });
});

for (
  const adapter of [
    { description: "llvmpipe (LLVM 15.0.6, 256 bits)", isFallbackAdapter: false },
    { description: "Unnamed device", isFallbackAdapter: true },
  ]
) {
  Deno.test(`automatic choice on a software adapter ("${adapter.description}", fallback ${adapter.isFallbackAdapter}): wasm, without starting webgpu`, async () => {
    const { devicesRequested } = await withFakeGpu(adapter, async () => {
      const choice = await automaticChoice();
      assert.equal(choice.backend, "wasm");
      assert.ok(
        choice.reason.endsWith(
          `\n  webgpu skipped: the only WebGPU adapter is a software renderer ` +
            `(${adapter.description}), slower than wasm.`,
        ),
        choice.reason,
      );
    });
    assert.equal(devicesRequested, 0, "the webgpu backend was started on a software adapter");
  });
}

Deno.test("automatic choice on a hardware adapter: webgpu is started first (here its device fails, so wasm)", async () => {
  const warnings: string[] = [];
  const warn = console.warn;
  console.warn = (...parts: unknown[]) => warnings.push(parts.join(" "));
  const { devicesRequested } = await withFakeGpu(
    { description: "NVIDIA H200", isFallbackAdapter: false },
    async () => {
      const choice = await automaticChoice().finally(() => console.warn = warn);
      assert.equal(choice.backend, "wasm");
      assert.match(
        choice.reason,
        /\n {2}webgpu skipped: tf\.setBackend\("webgpu"\) failed to initialise it\.$/,
      );
    },
  );
  assert.equal(devicesRequested, 1, "the webgpu backend did not ask the adapter for a device");
  // tfjs's own warning when a backend fails to start.
  assert.ok(warnings.includes("Initialization of backend webgpu failed"), warnings.join("; "));
});

Deno.test("automatic choice on this machine: webgpu only on a hardware adapter, else wasm", async () => {
  const gpu = (navigator as Navigator & { gpu?: GPU }).gpu;
  const adapter = await gpu?.requestAdapter({ powerPreference: "high-performance" });
  const hardware = adapter != null &&
    !(adapter.info as GPUAdapterInfo & { isFallbackAdapter?: boolean }).isFallbackAdapter &&
    !/llvmpipe|lavapipe|softpipe|swiftshader/i.test(adapter.info.description);
  await withEnvironment(undefined, async () => {
    await selectEngine({ backend: "cpu", log: () => {} });
    const choice = await automaticChoice();
    assert.equal(choice.backend, hardware ? "webgpu" : "wasm", choice.reason);
    for (const line of skippedNodeEngines) assert.ok(choice.reason.includes(line), line);
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
