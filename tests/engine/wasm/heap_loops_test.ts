/**
 * heapLoops (lib/engine/wasm/heap_loops.ts) links heap_loops.wat to a
 * backend's memory: found where each wasm build keeps it, shared or not,
 * once per memory. The loops run here on small memories worked by hand; the
 * kernels' tests in this folder run them on real tensors.
 */
import * as tf from "@tensorflow/tfjs";
import { assert, assertEquals, assertRejectsWith } from "../../assert.ts";
import { withWasm } from "../../fixtures/wasm_against_cpu.ts";
import { heapLoops } from "../../../lib/engine/wasm/heap_loops.ts";
import { heapAddress, makeHeapOutput } from "../../../lib/engine/wasm/wasm_heap.ts";

/** A stand-in for the wasm backend whose module keeps `memory` as the threaded build does, or the other. */
function fakeBackend(
  memory: { wasmMemory?: WebAssembly.Memory; asm?: { memory?: WebAssembly.Memory } },
): tf.KernelBackend {
  return { wasm: memory } as unknown as tf.KernelBackend;
}

/** A one-page memory (64 KiB) like the backend's, shared or not. */
function memory(shared: boolean): WebAssembly.Memory {
  return new WebAssembly.Memory({ initial: 1, maximum: 4, shared });
}

/** Sums the columns of a 3 × 16 matrix written at byte 64 into byte 1024, and returns them. */
function sumThreeRows(loops: ReturnType<typeof heapLoops>, heap: WebAssembly.Memory): number[] {
  const x = new Float32Array(heap.buffer, 64, 3 * 16);
  // Row r, column c holds r + c / 4: column c sums to 0 + 1 + 2 + 3c/4 = 3 + 0.75c.
  x.forEach((_, i) => x[i] = Math.floor(i / 16) + (i % 16) / 4);
  loops.sumLeadingRows(64, 1024, 3, 16);
  return Array.from(new Float32Array(heap.buffer, 1024, 16));
}

const columnSums = Array.from({ length: 16 }, (_, column) => 3 + 0.75 * column);

Deno.test("heapLoops links to the memory of either wasm build, shared or not", () => {
  const plain = memory(false);
  assertEquals(sumThreeRows(heapLoops(fakeBackend({ asm: { memory: plain } })), plain), columnSums);
  // The threaded build's memory is shared: linking the unshared module to it would fail.
  const shared = memory(true);
  const threaded = fakeBackend({ wasmMemory: shared, asm: { memory: memory(false) } });
  assertEquals(sumThreeRows(heapLoops(threaded), shared), columnSums);
});

Deno.test("heapLoops instantiates once per memory", () => {
  const heap = memory(false);
  const first = heapLoops(fakeBackend({ asm: { memory: heap } }));
  assert(
    heapLoops(fakeBackend({ asm: { memory: heap } })) === first,
    "the same memory was linked twice",
  );
  assert(
    heapLoops(fakeBackend({ asm: { memory: memory(false) } })) !== first,
    "two memories share loops",
  );
});

Deno.test("heapLoops names the tfjs wasm version it knows when the backend's memory is not where it looks", async () => {
  await assertRejectsWith(
    () => heapLoops(fakeBackend({})),
    "memory is not reachable (wasmMemory, asm.memory)",
    "@tensorflow/tfjs-backend-wasm",
    "4.22.0",
  );
});

Deno.test("maxPoolGrad2x2 sends each window's gradient to its first largest pixel, worked by hand", () => {
  const heap = memory(false);
  // One 2x2 image of 4 channels (NHWC): channel c is largest at pixel c in row-major order,
  // except channel 3, whose maximum 9 is tied between pixels 1 and 3 (the first wins).
  const x = new Float32Array(heap.buffer, 0, 16);
  x.set([
    [9, 1, 1, 1], // pixel (0, 0)
    [1, 9, 1, 9], // pixel (0, 1)
    [1, 1, 9, 1], // pixel (1, 0)
    [1, 1, 1, 9], // pixel (1, 1)
  ].flat());
  new Float32Array(heap.buffer, 64, 4).set([10, 20, 30, 40]);
  const dx = new Float32Array(heap.buffer, 128, 16).fill(-1);
  heapLoops(fakeBackend({ asm: { memory: heap } })).maxPoolGrad2x2(0, 64, 128, 1, 2, 2, 4, 1, 1);
  assertEquals(
    Array.from(dx),
    [
      [10, 0, 0, 0],
      [0, 20, 0, 40],
      [0, 0, 30, 0],
      [0, 0, 0, 0],
    ].flat(),
  );
});

Deno.test("heapLoops runs on the wasm backend's own heap, where its tensors lie", async () => {
  await withWasm(async () => {
    const backend = tf.backend();
    const values = Float32Array.from({ length: 5 * 32 }, (_, i) => (i % 7) - 3 + i / 64);
    const x = tf.tensor2d(values, [5, 32]);
    const out = makeHeapOutput(backend, [32]);
    heapLoops(backend).sumLeadingRows(heapAddress(backend, x), heapAddress(backend, out), 5, 32);
    const sums = tf.engine().makeTensorFromTensorInfo(out, backend);
    const expected = Array.from(
      { length: 32 },
      (_, column) =>
        Math.fround([0, 1, 2, 3, 4].reduce((sum, row) => sum + values[row * 32 + column], 0)),
    );
    assertEquals(Array.from(await sums.data()), expected);
    tf.dispose([x, sums]);
  });
});
