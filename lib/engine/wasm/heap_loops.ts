/**
 * The loops of heap_loops.wat, linked to the tfjs wasm backend's own memory,
 * for the kernels in this folder: they read and write tensors where they lie
 * on the heap, by byte offset (heapAddress in ./wasm_heap.ts).
 */
import type * as tf from "@tensorflow/tfjs";
import { sharedMemoryModule, unsharedMemoryModule } from "./heap_loops_binary.ts";

/** The exports of heap_loops.wat; every pointer is a byte offset on the heap. */
export interface HeapLoops {
  /** dx of a 2x2, stride-2, unpadded max-pool; channels a multiple of 4. */
  maxPoolGrad2x2(
    x: number,
    dy: number,
    dx: number,
    batch: number,
    inHeight: number,
    inWidth: number,
    channels: number,
    outHeight: number,
    outWidth: number,
  ): void;
  /** The im2col patch matrix of a convolution of NHWC input x. */
  patchMatrix(
    x: number,
    patches: number,
    batch: number,
    inHeight: number,
    inWidth: number,
    channels: number,
    outHeight: number,
    outWidth: number,
    strideHeight: number,
    strideWidth: number,
    filterHeight: number,
    filterWidth: number,
    padTop: number,
    padLeft: number,
  ): void;
  /** Column sums of a [rows, inner] matrix in float64, stored as float32; inner a multiple of 16. */
  sumLeadingRows(x: number, out: number, rows: number, inner: number): void;
}

/** What these loops need of the wasm backend: its emscripten module, which holds the memory. */
interface WasmBackendModule {
  wasm: { wasmMemory?: WebAssembly.Memory; asm?: { memory?: WebAssembly.Memory } };
}

const linked = new WeakMap<WebAssembly.Memory, HeapLoops>();

/** Decodes base64 text to bytes. */
function decodeBase64(text: string): Uint8Array<ArrayBuffer> {
  return Uint8Array.from(atob(text), (character) => character.charCodeAt(0));
}

/**
 * The loops linked to the memory of the wasm `backend`, instantiated on first
 * use (about 2 kB of WebAssembly, compiled synchronously).
 */
export function heapLoops(backend: tf.KernelBackend): HeapLoops {
  const { wasm } = backend as unknown as WasmBackendModule;
  // The threaded build exports its memory as wasmMemory, the other in its raw exports.
  const memory = wasm.wasmMemory ?? wasm.asm?.memory;
  if (memory === undefined) {
    throw new Error(
      "The tfjs wasm backend's memory is not reachable (wasmMemory, asm.memory): this " +
        "version of @tensorflow/tfjs-backend-wasm differs from the one these kernels know (4.22.0).",
    );
  }
  let loops = linked.get(memory);
  if (loops === undefined) {
    const shared = memory.buffer instanceof SharedArrayBuffer;
    const module = new WebAssembly.Module(
      decodeBase64(shared ? sharedMemoryModule : unsharedMemoryModule),
    );
    loops = new WebAssembly.Instance(module, { env: { memory } }).exports as unknown as HeapLoops;
    linked.set(memory, loops);
  }
  return loops;
}
