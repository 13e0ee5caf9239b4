/**
 * Picks and initialises the TensorFlow.js backend ("engine") once per process:
 * the fastest one that really works here, with a sentence saying why.
 *
 * Order: tfjs-node-gpu, tfjs-node (only when the user installed them), WebGPU
 * on a real (not software) adapter, wasm (multi-threaded, with the training
 * kernels it lacks or runs slowly), cpu. `TFJS_BACKEND` or `options.backend`
 * forces one of them; `TFJS_WASM_THREADS` sets wasm's thread count (default:
 * one per logical core that other processes leave free, at most 8). The choice
 * is announced in one line; `TFJS_ENGINE_DETAILS=1` adds why each faster
 * engine was skipped (always in the returned `reason`).
 */
import * as tf from "@tensorflow/tfjs";
import { fileURLToPath } from "node:url";
import { existsSync } from "node:fs";
import { registerWasmTrainingKernels } from "./wasm/kernels.ts";
import { registerWebGpuTrainingKernels } from "./webgpu/kernels.ts";
import {
  maxWasmThreads,
  otherRunnableThreads,
  startThreadedWasm,
  threadedWasmBlocker,
  threadsForFreeCores,
} from "./wasm/threads.ts";

/** The engines `selectEngine` knows, fastest first, plus `auto` (the default). */
export const engineNames = [
  "auto",
  "tfjs-node-gpu",
  "tfjs-node",
  "webgpu",
  "wasm",
  "cpu",
] as const;

/** One of `engineNames`. */
export type EngineName = typeof engineNames[number];

/** The engine in use and why it was chosen (or why faster ones were skipped). */
export interface EngineChoice {
  /** One of `engineNames` other than `auto`; tfjs itself calls both node engines "tensorflow". */
  backend: string;
  /** The engine chosen and why, then one line per faster engine skipped and why. */
  reason: string;
  /** CPU threads the engine computes with: wasm's thread count, 1 for cpu; undefined otherwise. */
  threads?: number;
}

/** Options of `selectEngine`. */
export interface SelectEngineOptions {
  /** Forces an engine, like the `TFJS_BACKEND` environment variable (which it overrides). */
  backend?: string;
  /** Where the one line announcing the choice goes (default `console.log`). */
  log?: (line: string) => void;
  /**
   * wasm's thread count, like `TFJS_WASM_THREADS` (which it overrides); for a
   * worker that must not read the process's setting (`runSeeds`' workers use 1).
   */
  wasmThreads?: number;
}

type Attempt =
  | { ok: true; tfBackend: string; note: string; threads?: number }
  | { ok: false; why: string };

interface Forced {
  name: EngineName;
  source: "options.backend" | "TFJS_BACKEND";
}

interface Selection {
  request: EngineName;
  choice: Promise<EngineChoice & { tfBackend: string }>;
}

let current: Selection | undefined;
/** The wasm backend's one initialisation per process (threaded or not), and its note. */
let wasmStart: Promise<Attempt> | undefined;

/**
 * Chooses, initialises and activates the tfjs backend, printing the choice and
 * its reason once. Later calls are cheap: they return the cached choice
 * silently (re-activating it if something else called `tf.setBackend`), unless
 * they or `TFJS_BACKEND` ask for a different engine. Throws on an unknown
 * engine name, or when a forced engine cannot start, with the reason; the
 * previous choice then stays in force.
 */
export async function selectEngine(options: SelectEngineOptions = {}): Promise<EngineChoice> {
  const forced = forcedEngine(options.backend);
  const request = forced?.name;
  if (current !== undefined && (request === undefined || request === current.request)) {
    const cached = await current.choice;
    if (tf.getBackend() !== cached.tfBackend) await tf.setBackend(cached.tfBackend);
    return publicChoice(cached);
  }
  const previous = current;
  const log = options.log ?? console.log;
  const selection: Selection = {
    request: request ?? "auto",
    choice: choose(forced, options.wasmThreads),
  };
  current = selection;
  try {
    const chosen = await selection.choice;
    log(announcement(chosen, readEnv("TFJS_ENGINE_DETAILS") === "1"));
    return publicChoice(chosen);
  } catch (error) {
    if (current === selection) current = previous;
    throw error;
  }
}

/**
 * The line announcing a choice: the engine and its first reason line, then how many faster
 * engines were skipped; with `details`, the whole reason (one line per skipped engine).
 */
export function announcement(choice: EngineChoice, details: boolean): string {
  const [chosen, ...skipped] = choice.reason.split("\n  ");
  const rest = details || skipped.length === 0
    ? skipped.map((line) => `\n  ${line}`).join("")
    : ` ${
      skipped.length === 1 ? "One faster engine was" : `${skipped.length} faster engines were`
    } skipped (TFJS_ENGINE_DETAILS=1 says why).`;
  return `TensorFlow.js engine: ${choice.backend}. ${chosen}${rest}`;
}

/** The choice as callers see it (without tfjs's own backend name). */
function publicChoice(choice: EngineChoice): EngineChoice {
  const { backend, reason, threads } = choice;
  return threads === undefined ? { backend, reason } : { backend, reason, threads };
}

/** The engine forced by `options.backend` or `TFJS_BACKEND`, validated; undefined if none. */
function forcedEngine(fromOptions: string | undefined): Forced | undefined {
  const source = fromOptions !== undefined ? "options.backend" : "TFJS_BACKEND";
  const raw = fromOptions ?? readEnv("TFJS_BACKEND");
  if (raw === undefined || raw.trim() === "") return undefined;
  const name = raw.trim().toLowerCase();
  if (!(engineNames as readonly string[]).includes(name)) {
    throw new Error(
      `Unknown TensorFlow.js engine "${raw}" in ${source}. Valid names: ${
        engineNames.join(", ")
      }. Fix: use one of them, or leave ${source} unset to choose automatically.`,
    );
  }
  return { name: name as EngineName, source };
}

/** An environment variable, or undefined when unset or not readable (no --allow-env). */
function readEnv(name: string): string | undefined {
  const permission = Deno.permissions.querySync({ name: "env", variable: name });
  return permission.state === "granted" ? Deno.env.get(name) : undefined;
}

/** Tries the forced engine, or each engine in order for `auto` or nothing forced. */
async function choose(
  forced: Forced | undefined,
  wasmThreads: number | undefined,
): Promise<EngineChoice & { tfBackend: string }> {
  const request = forced?.name ?? "auto";
  const attempts: Record<Exclude<EngineName, "auto">, () => Promise<Attempt>> = {
    "tfjs-node-gpu": () => tryNodeBinding("tfjs-node-gpu"),
    "tfjs-node": () => tryNodeBinding("tfjs-node"),
    webgpu: () => tryWebGpu(request === "webgpu"),
    wasm: () => tryWasm(wasmThreads),
    cpu: tryCpu,
  };
  if (forced !== undefined && request !== "auto") {
    const attempt = await attempts[request]();
    if (!attempt.ok) {
      throw new Error(
        `TensorFlow.js engine "${request}" was forced but cannot start: ${attempt.why}. ` +
          `Fix: leave ${forced.source} unset to choose automatically.`,
      );
    }
    return {
      backend: request,
      tfBackend: attempt.tfBackend,
      threads: attempt.threads,
      reason: `Forced by ${forced.source}=${request}: ${attempt.note}.`,
    };
  }
  const skipped: string[] = [];
  for (const [name, attemptEngine] of Object.entries(attempts)) {
    const attempt = await attemptEngine();
    if (attempt.ok) {
      // The choice first, then one indented line per faster engine skipped, so a notebook
      // shows the answer at a glance and the details below it.
      const reason = [`${name} chosen: ${attempt.note}.`, ...skipped].join("\n  ");
      return { backend: name, tfBackend: attempt.tfBackend, reason, threads: attempt.threads };
    }
    skipped.push(`${name} skipped: ${attempt.why}.`);
  }
  throw new Error(`No TensorFlow.js engine could start. ${skipped.join(" ")}`);
}

/**
 * tfjs-node(-gpu), only if installed: resolved without installing anything
 * (a literal `import("npm:...")` would make Deno download it and edit deno.lock).
 */
async function tryNodeBinding(name: "tfjs-node-gpu" | "tfjs-node"): Promise<Attempt> {
  const url = import.meta.resolve(`npm:@tensorflow/${name}`);
  if (!url.startsWith("file:")) {
    return {
      ok: false,
      why: `@tensorflow/${name} is not installed (optional: add it to deno.json imports, then ` +
        `"deno install --allow-scripts=npm:@tensorflow/${name}" downloads libtensorflow)`,
    };
  }
  try {
    await import(url);
  } catch (error) {
    const firstLine = String((error as Error).message ?? error).split("\n")[0];
    return { ok: false, why: `@tensorflow/${name} is installed but failed to load: ${firstLine}` };
  }
  return await activate("tensorflow", `native TensorFlow via @tensorflow/${name}`);
}

/** WebGPU on a hardware adapter; a software one (llvmpipe, SwiftShader) only when forced. */
async function tryWebGpu(forced: boolean): Promise<Attempt> {
  const gpu = (navigator as Navigator & { gpu?: GPU }).gpu;
  if (gpu === undefined) return { ok: false, why: "this runtime has no navigator.gpu" };
  giveMesaARuntimeDirectory();
  const adapter = await gpu.requestAdapter({ powerPreference: "high-performance" });
  if (adapter === null) return { ok: false, why: "navigator.gpu found no adapter" };
  const info = adapter.info as GPUAdapterInfo & { isFallbackAdapter?: boolean };
  const description = info.description || info.vendor;
  const software = info.isFallbackAdapter === true ||
    (adapter as GPUAdapter & { isFallbackAdapter?: boolean }).isFallbackAdapter === true ||
    /llvmpipe|lavapipe|softpipe|swiftshader|software/i.test(description);
  if (software && !forced) {
    return {
      ok: false,
      why: `the only WebGPU adapter is a software renderer (${
        description || "fallback adapter"
      }), slower than wasm`,
    };
  }
  await import("@tensorflow/tfjs-backend-webgpu");
  registerWebGpuTrainingKernels();
  const attempt = await activate("webgpu", `WebGPU on ${description || "an unnamed adapter"}`);
  // Again, now that the backend exists: its uploads change too (lib/engine/webgpu/upload.ts).
  if (attempt.ok) registerWebGpuTrainingKernels();
  return attempt;
}

/**
 * Mesa's Vulkan drivers print "error: XDG_RUNTIME_DIR is invalid or not set" on
 * every adapter request without that variable (harmless, but it reads like a
 * failure above a notebook's output); a fresh private folder quiets them.
 */
function giveMesaARuntimeDirectory(): void {
  if (Deno.build.os !== "linux" || readEnv("XDG_RUNTIME_DIR")) return;
  if (
    Deno.permissions.querySync({ name: "env", variable: "XDG_RUNTIME_DIR" }).state !== "granted"
  ) {
    return;
  }
  if (Deno.permissions.querySync({ name: "write", path: "/tmp" }).state !== "granted") return;
  Deno.env.set("XDG_RUNTIME_DIR", Deno.makeTempDirSync({ prefix: "xdg-runtime-" }));
}

/**
 * The wasm backend, its binaries found from any working directory, training
 * kernels added, on as many threads as wanted and possible. It is initialised
 * once per process (a later TFJS_WASM_THREADS is checked but has no effect);
 * later calls only re-activate it.
 */
async function tryWasm(threads: number | undefined): Promise<Attempt> {
  const wanted = await wasmThreadsWanted(threads);
  wasmStart ??= startWasm(wanted);
  const started = await wasmStart;
  if (!started.ok) return started;
  const attempt = await activate("wasm", started.note);
  return attempt.ok ? { ...attempt, threads: started.threads } : attempt;
}

/** Initialises the wasm backend: the threaded build when more than one thread is wanted and it can run. */
async function startWasm(wanted: { threads: number; why: string }): Promise<Attempt> {
  const wasm = await import("@tensorflow/tfjs-backend-wasm");
  registerWasmTrainingKernels();
  const directory = wasmBinaryDirectory();
  const simd = await tf.env().getAsync("WASM_HAS_SIMD_SUPPORT");
  let oneThreadBecause = wanted.why;
  if (wanted.threads > 1) {
    const blocker = simd ? threadedWasmBlocker(directory?.href) : "this runtime has no wasm SIMD";
    if (blocker === undefined) {
      const start = await startThreadedWasm(wasm, directory!.href, wanted.threads);
      if (!start.ok) {
        return {
          ok: false,
          why: `its threaded build failed to start (${start.why}); TFJS_WASM_THREADS=1 avoids it`,
        };
      }
      const threads = `${start.threads} thread${start.threads === 1 ? "" : "s"}`;
      return {
        ok: true,
        tfBackend: "wasm",
        note: `WebAssembly, ${threads} (${wanted.why}), SIMD`,
        threads: start.threads,
      };
    }
    oneThreadBecause = blocker;
  }
  if (directory !== undefined) wasm.setWasmPaths(fileURLToPath(directory));
  const attempt = await activate("wasm", "WebAssembly");
  if (!attempt.ok) return attempt;
  const threads = wasm.getThreadsCount();
  return {
    ...attempt,
    threads,
    note: `WebAssembly, ${threads} thread${threads === 1 ? "" : "s"} (${oneThreadBecause})${
      simd ? ", SIMD" : ""
    }`,
  };
}

/**
 * How many wasm threads to use and why: `fromOptions` (`options.wasmThreads`),
 * else `TFJS_WASM_THREADS`, else one per logical core that other processes
 * leave free right now (at least 1, at most 8).
 */
async function wasmThreadsWanted(
  fromOptions: number | undefined,
): Promise<{ threads: number; why: string }> {
  const source = fromOptions !== undefined ? "options.wasmThreads" : "TFJS_WASM_THREADS";
  const raw = fromOptions !== undefined ? String(fromOptions) : readEnv("TFJS_WASM_THREADS");
  if (raw !== undefined && raw.trim() !== "") {
    const threads = Number(raw);
    if (!(Number.isInteger(threads) && threads >= 1 && threads <= maxWasmThreads)) {
      throw new Error(
        `${source}="${raw}" is not a thread count. Fix: set it to a whole number from 1 ` +
          `to ${maxWasmThreads}, or leave it unset to use one thread per free logical core.`,
      );
    }
    return { threads, why: `${source}=${threads}` };
  }
  const cores = navigator.hardwareConcurrency;
  const cored = `${cores} logical core${cores === 1 ? "" : "s"}`;
  const busy = await otherRunnableThreads();
  if (busy === undefined) return { threads: threadsForFreeCores(cores, 0), why: cored };
  return {
    threads: threadsForFreeCores(cores, busy),
    why: `${cored}, ${busy.toFixed(1)} busy with other processes`,
  };
}

/**
 * The folder holding the wasm backend's .wasm files (next to its JS entry
 * point), as a file URL ending in "/", so they load whatever the working
 * directory (the Jupyter kernel runs in notebooks/). Undefined when the
 * package is not in a local node_modules: the backend then finds them itself
 * (on one thread). Errors with the fix if they are missing.
 */
function wasmBinaryDirectory(): URL | undefined {
  const entryPoint = import.meta.resolve("@tensorflow/tfjs-backend-wasm");
  if (!entryPoint.startsWith("file:")) return undefined;
  const directory = new URL(".", entryPoint);
  const binary = fileURLToPath(new URL("tfjs-backend-wasm.wasm", directory));
  if (!existsSync(binary)) {
    throw new Error(
      `The wasm backend's binary ${binary} is missing. Fix: run "deno install" in the project.`,
    );
  }
  return directory;
}

/** The plain JavaScript backend: always works, slowest. */
async function tryCpu(): Promise<Attempt> {
  const attempt = await activate("cpu", "plain JavaScript, slow for convolutions");
  return attempt.ok ? { ...attempt, threads: 1 } : attempt;
}

/** Activates a registered tfjs backend, reporting failure instead of throwing. */
async function activate(tfBackend: string, note: string): Promise<Attempt> {
  try {
    if (await tf.setBackend(tfBackend)) {
      await tf.ready();
      return { ok: true, tfBackend, note };
    }
    return { ok: false, why: `tf.setBackend("${tfBackend}") failed to initialise it` };
  } catch (error) {
    return { ok: false, why: `tf.setBackend("${tfBackend}") threw: ${(error as Error).message}` };
  }
}
