/**
 * Uploads through `queue.writeBuffer` (lib/engine/webgpu/upload.ts) deliver the same
 * data as tfjs's own uploads, for every dtype, for views into larger arrays
 * and when a pooled buffer is reused right after commands that read its old
 * contents were submitted. Runs where a WebGPU adapter exists (lavapipe in CI).
 */
import * as tf from "@tensorflow/tfjs";
import type { WebGPUBackend } from "@tensorflow/tfjs-backend-webgpu";
import { assert, assertEquals } from "../../assert.ts";
import { onWebGpu, whyNoWebGpu } from "../../fixtures/webgpu_adapter.ts";
import { useStockWebGpuKernels } from "../../../lib/engine/webgpu/kernels.ts";
import { usesQueuedUploads } from "../../../lib/engine/webgpu/upload.ts";

const skipReason = await whyNoWebGpu();
if (skipReason !== undefined) console.log(`WebGPU upload tests skipped: ${skipReason}.`);

/** Counts `queue.writeBuffer` calls and their bytes while `run` runs. */
async function countQueuedWrites<T>(
  run: () => Promise<T>,
): Promise<{ result: T; bytes: number[] }> {
  const queue = (tf.backend() as WebGPUBackend).queue;
  const bytes: number[] = [];
  const writeBuffer = queue.writeBuffer;
  queue.writeBuffer = function (this: GPUQueue, ...args: Parameters<GPUQueue["writeBuffer"]>) {
    bytes.push(args[4] ?? (args[2] as ArrayBuffer).byteLength);
    return writeBuffer.apply(this, args);
  };
  try {
    return { result: await run(), bytes };
  } finally {
    queue.writeBuffer = writeBuffer;
  }
}

/** Runs `body` with every op on the GPU, however small its inputs (no CPU hand-off). */
function onGpuOnly(body: () => Promise<void>): Promise<void> {
  return onWebGpu(async () => {
    const threshold = tf.env().getNumber("WEBGPU_CPU_HANDOFF_SIZE_THRESHOLD");
    tf.env().set("WEBGPU_CPU_HANDOFF_SIZE_THRESHOLD", 0);
    try {
      await body();
    } finally {
      tf.env().set("WEBGPU_CPU_HANDOFF_SIZE_THRESHOLD", threshold);
    }
  });
}

Deno.test({
  name: "webgpu uploads float32, int32 and bool values through the queue, unchanged",
  ignore: skipReason !== undefined,
  fn: () =>
    onGpuOnly(async () => {
      assert(usesQueuedUploads(tf.backend() as WebGPUBackend), "the engine's uploads are queued");
      for (const length of [1, 3, 1001]) {
        const floats = Float32Array.from({ length }, (_, i) => Math.fround(Math.sin(i) * 1e3));
        const ints = Int32Array.from({ length }, (_, i) => (i * 7919) % 2003 - 1000);
        const bools = Uint8Array.from({ length }, (_, i) => (i % 3 === 0 ? 1 : 0));
        const { result, bytes } = await countQueuedWrites(async () => {
          const x = tf.tensor1d(floats);
          const n = tf.tensor1d(ints, "int32");
          const b = tf.tensor1d(bools, "bool");
          // Ops that run on the GPU and return their input's values: each forces an upload.
          const outputs = [
            tf.mul(x, 1),
            tf.add(n, tf.scalar(0, "int32")),
            tf.cast(tf.logicalNot(tf.logicalNot(b)), "int32"),
          ];
          const values = await Promise.all(outputs.map((t) => t.data()));
          tf.dispose([x, n, b, ...outputs]);
          return values;
        });
        assertEquals(result[0], floats);
        assertEquals(result[1], ints);
        assertEquals(Array.from(result[2]), Array.from(bools));
        if (length === 1001) {
          const uploads = bytes.filter((written) => written === 4 * length).length;
          assertEquals(uploads, 3, `three ${4 * length}-byte queued writes, saw [${bytes}]`);
        }
      }
    }),
});

Deno.test({
  name: "webgpu queued upload of a view into a larger array sends only the view's elements",
  ignore: skipReason !== undefined,
  fn: () =>
    onGpuOnly(async () => {
      const whole = Float32Array.from({ length: 100 }, (_, i) => i);
      const view = whole.subarray(13, 13 + 40);
      const x = tf.tensor2d(view, [5, 8]);
      const doubled = tf.mul(x, 2);
      assertEquals(await doubled.data(), Float32Array.from(view, (v) => v * 2));
      tf.dispose([x, doubled]);
    }),
});

Deno.test({
  name:
    "webgpu queued upload into a reused pooled buffer leaves earlier submitted work its old data",
  ignore: skipReason !== undefined,
  fn: () =>
    onGpuOnly(async () => {
      const backend = tf.backend() as WebGPUBackend & {
        endComputePassEncoder(): void;
        submitQueue(): void;
      };
      const length = 4096;
      const first = tf.tensor1d(Float32Array.from({ length }, (_, i) => i));
      const fromFirst = tf.add(first, 1);
      backend.endComputePassEncoder();
      backend.submitQueue(); // fromFirst's command is on the queue, maybe not run yet
      first.dispose(); // its buffer goes back to the pool now
      const before = backend.bufferManager.getNumFreeBuffers();
      const second = tf.tensor1d(Float32Array.from({ length }, (_, i) => -i));
      const fromSecond = tf.add(second, 1);
      assert(
        backend.bufferManager.getNumFreeBuffers() < before,
        "the second upload took a buffer from the pool",
      );
      assertEquals(await fromFirst.data(), Float32Array.from({ length }, (_, i) => i + 1));
      assertEquals(await fromSecond.data(), Float32Array.from({ length }, (_, i) => 1 - i));
      tf.dispose([fromFirst, second, fromSecond]);
    }),
});

Deno.test({
  name: "useStockWebGpuKernels returns uploads to tfjs's own mapped buffers, with the same data",
  ignore: skipReason !== undefined,
  fn: () =>
    onGpuOnly(async () => {
      const backend = tf.backend() as WebGPUBackend;
      useStockWebGpuKernels();
      try {
        assert(!usesQueuedUploads(backend));
        const values = Float32Array.from({ length: 777 }, (_, i) => i / 7);
        const { result, bytes } = await countQueuedWrites(async () => {
          const x = tf.tensor1d(values);
          const y = tf.mul(x, 1);
          const data = await y.data();
          tf.dispose([x, y]);
          return data;
        });
        assertEquals(result, values);
        assert(!bytes.includes(values.byteLength), `no ${values.byteLength}-byte queued write`);
      } finally {
        await import("../../../lib/engine/webgpu/kernels.ts").then((m) =>
          m.registerWebGpuTrainingKernels()
        );
      }
      assert(usesQueuedUploads(backend), "registering again queues uploads again");
    }),
});
