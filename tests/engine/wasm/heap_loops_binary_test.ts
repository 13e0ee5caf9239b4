/**
 * The WebAssembly the library loads (lib/engine/wasm/heap_loops_binary.ts)
 * is what lib/engine/wasm/heap_loops.wat compiles to: nobody can change one
 * without the other. The loops' results are tested through the kernels that
 * use them (tests/engine/wasm/kernels_test.ts, and tests/engine/wasm/threads_test.ts on the
 * threaded build's shared memory).
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

Deno.test("the two variants differ only in whether the imported memory is shared", async () => {
  const compiled = await compileHeapLoops(await readHeapLoopsSource());
  const imports = (bytes: Uint8Array) =>
    WebAssembly.Module.imports(new WebAssembly.Module(bytes as Uint8Array<ArrayBuffer>));
  assert.deepEqual(imports(compiled.shared), imports(compiled.unshared));
  assert.deepEqual(
    WebAssembly.Module.exports(new WebAssembly.Module(compiled.shared as Uint8Array<ArrayBuffer>))
      .map((entry) => entry.name).sort(),
    ["maxPoolGrad2x2", "patchMatrix", "sumLeadingRows"],
  );
  const shared = new WebAssembly.Memory({ initial: 1, maximum: 2, shared: true });
  const unshared = new WebAssembly.Memory({ initial: 1 });
  const instantiate = (bytes: Uint8Array, memory: WebAssembly.Memory) =>
    new WebAssembly.Instance(new WebAssembly.Module(bytes as Uint8Array<ArrayBuffer>), {
      env: { memory },
    });
  instantiate(compiled.shared, shared);
  instantiate(compiled.unshared, unshared);
  assert.throws(() => instantiate(compiled.unshared, shared), WebAssembly.LinkError);
});
