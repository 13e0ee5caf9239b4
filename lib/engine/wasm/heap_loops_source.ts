/**
 * Compiles heap_loops.wat to WebAssembly, in its two variants: importing a
 * shared memory (the wasm backend's threaded build) or an ordinary one.
 * Used by `deno task wasm` (scripts/build_heap_loops.ts), which stores the
 * result in heap_loops_binary.ts, and by the test that checks the stored
 * binary is this source's; the library itself loads the stored binary.
 */
import wabtInit from "wabt";

/** The memory import line of heap_loops.wat (the shared variant). */
const sharedMemoryImport = '(import "env" "memory" (memory 1 65536 shared))';

/** heap_loops.wat compiled, for a shared and an unshared memory. */
export interface HeapLoopsBinaries {
  shared: Uint8Array;
  unshared: Uint8Array;
}

/** Compiles the WebAssembly text `source` (heap_loops.wat) in both variants. */
export async function compileHeapLoops(source: string): Promise<HeapLoopsBinaries> {
  if (!source.includes(sharedMemoryImport)) {
    throw new Error(`heap_loops.wat must import its memory as: ${sharedMemoryImport}`);
  }
  const wabt = await wabtInit();
  const compile = (text: string) => {
    const module = wabt.parseWat("heap_loops.wat", text, { simd: true, threads: true });
    try {
      const binary = new Uint8Array(module.toBinary({}).buffer);
      // wabt's own validate() ignores the threads feature (shared memory); V8's does not.
      if (!WebAssembly.validate(binary)) throw new Error("heap_loops.wat compiled to invalid wasm");
      return binary;
    } finally {
      module.destroy();
    }
  };
  return {
    shared: compile(source),
    unshared: compile(source.replace(sharedMemoryImport, '(import "env" "memory" (memory 1))')),
  };
}

/** Reads heap_loops.wat from beside this module. */
export function readHeapLoopsSource(): Promise<string> {
  return Deno.readTextFile(new URL("./heap_loops.wat", import.meta.url));
}
