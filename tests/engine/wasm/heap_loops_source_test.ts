/**
 * compileHeapLoops (lib/engine/wasm/heap_loops_source.ts) makes two variants
 * of heap_loops.wat, for shared and unshared memory, with the same loops.
 */
import assert from "node:assert/strict";
import {
  compileHeapLoops,
  readHeapLoopsSource,
} from "../../../lib/engine/wasm/heap_loops_source.ts";

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
