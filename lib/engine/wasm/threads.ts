/**
 * Multi-threaded tfjs `wasm` in Deno: the backend's threaded SIMD build
 * (emscripten pthreads over Web Workers and a SharedArrayBuffer heap), which
 * the backend itself refuses to start here.
 *
 * Why it needs help, and what this module does about each point while the
 * backend initialises (and undoes right after):
 * - tfjs and emscripten take Deno for Node.js (`process.versions.node`), so
 *   tfjs skips threads and emscripten would start `worker_threads` on a blob
 *   URL. The thread flag is set by hand, and `process` is hidden until
 *   emscripten has decided it runs in a browser-like environment.
 * - emscripten starts classic workers that `importScripts` its glue code;
 *   Deno runs module workers only. Its workers are started as small module
 *   workers that hide `process`, import emscripten's worker script, and
 *   evaluate the glue code it sends before handing it the message.
 * - The backend caps its thread pool at half of `navigator.hardwareConcurrency`
 *   (it assumes two hyper-threads per core); the count is doubled during
 *   start-up so the requested number of threads is used.
 * - Idle workers would keep a Deno script from ever exiting: they are unref'd
 *   after start-up, with the hook Deno's own `node:worker_threads` uses.
 */
import * as tf from "@tensorflow/tfjs";

/** The part of `@tensorflow/tfjs-backend-wasm` this module drives. */
export interface WasmBackendModule {
  setWasmPaths(prefix: string, usePlatformFetch?: boolean): void;
  setThreadsCount(threads: number): void;
  getThreadsCount(): number;
}

/** The most threads the backend's build can use (its pre-started worker pool). */
export const maxWasmThreads = 8;

const NativeWorker = globalThis.Worker;

/**
 * How many threads to use on `cores` logical cores while `busy` of them run
 * other work: the cores left free, at least 1, at most `maxWasmThreads`.
 * Threads only pay when they get a core each: on 2 cores kept busy by 4
 * other processes, the series' CNN trained 2.4 times slower on 2 threads than
 * on 1 (each parallel step waits for the thread the scheduler put aside).
 */
export function threadsForFreeCores(cores: number, busy: number): number {
  const free = Math.round(cores - Math.max(0, busy));
  return Math.max(1, Math.min(free, cores, maxWasmThreads));
}

/** Threads of this process that are runnable now (state R in /proc/self/task/<id>/stat). */
async function ownRunnableThreads(): Promise<number> {
  let running = 0;
  for await (const task of Deno.readDir("/proc/self/task")) {
    try {
      const stat = await Deno.readTextFile(`/proc/self/task/${task.name}/stat`);
      if (stat.slice(stat.lastIndexOf(")") + 2).startsWith("R")) running++;
    } catch {
      // The thread ended between listing and reading.
    }
  }
  return running;
}

/**
 * How many threads of other processes are runnable right now (Linux: the
 * average over 5 readings, 20 ms apart, of /proc/loadavg's running count less
 * this process's running threads); undefined where that cannot be read.
 * Unlike the load average, it does not remember a process that just ended.
 */
export async function otherRunnableThreads(): Promise<number | undefined> {
  const permission = await Deno.permissions.query({ name: "read", path: "/proc" });
  if (permission.state !== "granted") return undefined;
  let total = 0;
  const readings = 5;
  try {
    for (let reading = 0; reading < readings; reading++) {
      if (reading > 0) await new Promise((resolve) => setTimeout(resolve, 20));
      const loadavg = await Deno.readTextFile("/proc/loadavg");
      const running = Number(/ (\d+)\/\d+ /.exec(loadavg)?.[1]);
      if (!Number.isFinite(running)) return undefined;
      total += Math.max(0, running - await ownRunnableThreads());
    }
  } catch {
    return undefined;
  }
  return total / readings;
}

/**
 * The method Deno's Worker has for `node:worker_threads`' `unref()`: keyed by a
 * private symbol, so it is found by what it does. Undefined if this Deno has none.
 */
function findWorkerUnref(): ((this: Worker, ref: boolean) => void) | undefined {
  const prototype = NativeWorker?.prototype as unknown as Record<symbol, unknown> | undefined;
  if (prototype === undefined) return undefined;
  for (const key of Object.getOwnPropertySymbols(prototype)) {
    const method = prototype[key];
    if (typeof method === "function" && String(method).includes("unrefOpPromise")) {
      return method as (this: Worker, ref: boolean) => void;
    }
  }
  return undefined;
}

/**
 * Why the threaded build cannot start in this runtime, or undefined when it
 * can. `binaryDirectory` is the file URL of the folder holding the .wasm files.
 */
export function threadedWasmBlocker(binaryDirectory: string | undefined): string | undefined {
  if (binaryDirectory === undefined || !binaryDirectory.startsWith("file:")) {
    return "the wasm binaries are not in a local node_modules folder";
  }
  if (typeof SharedArrayBuffer !== "function" || typeof Atomics !== "object") {
    return "this runtime has no SharedArrayBuffer";
  }
  if (NativeWorker === undefined) return "this runtime has no Web Workers";
  if (findWorkerUnref() === undefined) {
    return "this Deno cannot let a script exit while worker threads idle";
  }
  const process = Object.getOwnPropertyDescriptor(globalThis, "process");
  if (process !== undefined && !process.configurable) {
    return "the global process object cannot be hidden from the backend";
  }
  return undefined;
}

/**
 * Source of the module worker that stands in for emscripten's classic one:
 * hides `process`, imports emscripten's worker script (`scriptUrl`), and
 * evaluates the glue code that the "load" message carries before passing the
 * message on; messages arriving meanwhile wait their turn.
 */
function pthreadWorkerSource(scriptUrl: string): string {
  return `
delete globalThis.process;
globalThis.importScripts = () => {};
await import(${JSON.stringify(scriptUrl)});
const handle = self.onmessage;
const waiting = [];
let loading = false;
const receive = (event) => {
  if (loading) {
    waiting.push(event);
    return;
  }
  const glue = event.data?.cmd === "load" ? event.data.urlOrBlob : undefined;
  if (glue instanceof Blob) {
    loading = true;
    glue.text().then((source) => {
      (0, eval)(source);
      loading = false;
      handle(event);
      for (const later of waiting.splice(0)) receive(later);
    });
    return;
  }
  handle(event);
};
self.onmessage = receive;
`;
}

/** What {@link startThreadedWasm} reports. */
export type ThreadedWasmStart = { ok: true; threads: number } | { ok: false; why: string };

/**
 * Initialises the tfjs backend "wasm" on its threaded build with `threads`
 * threads, and activates it. Call it once, before anything else initialises
 * the wasm backend, after checking {@link threadedWasmBlocker}. On failure
 * the wasm backend cannot be initialised again in this process.
 */
export async function startThreadedWasm(
  wasm: WasmBackendModule,
  binaryDirectory: string,
  threads: number,
): Promise<ThreadedWasmStart> {
  if (!(Number.isInteger(threads) && threads >= 2 && threads <= maxWasmThreads)) {
    throw new Error(
      `Cannot start ${threads} wasm threads: ask for a whole number from 2 to ${maxWasmThreads}.`,
    );
  }
  const unref = findWorkerUnref()!;
  const processDescriptor = Object.getOwnPropertyDescriptor(globalThis, "process");
  const restoreProcess = () => {
    if (processDescriptor !== undefined && !("process" in globalThis)) {
      Object.defineProperty(globalThis, "process", processDescriptor);
    }
  };
  const started: Worker[] = [];
  let failWithWorkerError: (why: string) => void = () => {};
  const workerFailed = new Promise<string>((resolve) => failWithWorkerError = resolve);

  class PthreadWorker extends NativeWorker {
    constructor(scriptUrl: string | URL) {
      // emscripten has decided its environment when it starts its first worker.
      restoreProcess();
      const source = pthreadWorkerSource(String(scriptUrl));
      super(URL.createObjectURL(new Blob([source], { type: "text/javascript" })), {
        type: "module",
      });
      this.addEventListener("error", (event) => {
        failWithWorkerError(`a wasm worker thread failed: ${event.message}`);
      });
      started.push(this);
    }
  }

  wasm.setWasmPaths(binaryDirectory, true);
  wasm.setThreadsCount(threads);
  tf.env().set("WASM_HAS_MULTITHREAD_SUPPORT", true);
  Object.defineProperty(navigator, "hardwareConcurrency", {
    value: 2 * threads,
    configurable: true,
  });
  if (processDescriptor !== undefined) delete (globalThis as { process?: unknown }).process;
  globalThis.Worker = PthreadWorker;
  try {
    const outcome = await Promise.race([
      tf.setBackend("wasm").then((ok) => ok || 'tf.setBackend("wasm") failed to initialise it'),
      workerFailed,
    ]);
    if (outcome !== true) return { ok: false, why: outcome };
  } catch (error) {
    return { ok: false, why: `tf.setBackend("wasm") threw: ${(error as Error).message}` };
  } finally {
    restoreProcess();
    globalThis.Worker = NativeWorker;
    delete (navigator as { hardwareConcurrency?: number }).hardwareConcurrency;
    for (const worker of started) unref.call(worker, false);
  }
  await tf.ready();
  return { ok: true, threads: wasm.getThreadsCount() };
}
