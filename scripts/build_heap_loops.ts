/**
 * `deno task wasm`: compiles lib/engine/wasm/heap_loops.wat and stores both
 * variants, base64-encoded, in lib/engine/wasm/heap_loops_binary.ts (written
 * to a temporary file first, then renamed, so a failed build leaves the old
 * one). Run it after editing the .wat file; a test fails until you do.
 */
import { bytesToBase64 } from "../lib/charts/display.ts";
import { compileHeapLoops, readHeapLoopsSource } from "../lib/engine/wasm/heap_loops_source.ts";

const binaries = await compileHeapLoops(await readHeapLoopsSource());
const target = new URL("../lib/engine/wasm/heap_loops_binary.ts", import.meta.url);
const text = `/**
 * heap_loops.wat compiled by \`deno task wasm\` (scripts/build_heap_loops.ts):
 * do not edit; tests/engine/wasm/heap_loops_binary_test.ts checks that it
 * matches the source.
 */

/** The module for the wasm backend's threaded build, whose memory is shared. */
export const sharedMemoryModule =
  "${bytesToBase64(binaries.shared)}";

/** The module for the wasm backend's single-threaded build. */
export const unsharedMemoryModule =
  "${bytesToBase64(binaries.unshared)}";
`;
const temporary = new URL(`${target.href}.${Deno.pid}.tmp`);
await Deno.writeTextFile(temporary, text);
await Deno.rename(temporary, target);
console.log(
  `wrote ${target.pathname}: ${binaries.shared.length} and ${binaries.unshared.length} bytes of WebAssembly`,
);
