/**
 * The WebAssembly the library loads (lib/engine/wasm/heap_loops_binary.ts)
 * is what lib/engine/wasm/heap_loops.wat compiles to: nobody can change one
 * without the other. The loops' results are tested through the kernels that
 * use them (conv2d_backprop_filter_test.ts, max_pool_grad_test.ts and
 * sum_test.ts in this folder, and threads_test.ts on the threaded build's
 * shared memory).
 */
import assert from "node:assert/strict";
import {
  sharedMemoryModule,
  unsharedMemoryModule,
} from "../../../lib/engine/wasm/heap_loops_binary.ts";
import {
  compileHeapLoops,
  readHeapLoopsSource,
} from "../../../lib/engine/wasm/heap_loops_source.ts";
import { bytesToBase64 } from "../../../lib/charts/display.ts";

Deno.test("heap_loops_binary.ts holds heap_loops.wat compiled (else run `deno task wasm`)", async () => {
  const compiled = await compileHeapLoops(await readHeapLoopsSource());
  assert.equal(bytesToBase64(compiled.shared), sharedMemoryModule);
  assert.equal(bytesToBase64(compiled.unshared), unsharedMemoryModule);
});
