/**
 * Runs of a condition side by side in worker threads, one wasm thread each:
 * what `runSeeds` does with a {@link ConditionRecipe} and `workers` > 1.
 *
 * A `Condition` holds closures and data in memory, which cannot be sent to a
 * worker; a recipe names a module's exported function that builds the
 * condition, so each worker builds its own. Runs are independent and
 * deterministic for a seed, so the results equal those of the same runs one
 * after another on the wasm engine, bit for bit.
 */
import * as tf from "@tensorflow/tfjs";
import { isDeepStrictEqual } from "node:util";
import type { Evaluation } from "../metrics/evaluate.ts";
import type { Condition, ConditionResult } from "./experiment.ts";

/**
 * A condition that a worker can rebuild: the module that builds it, the name
 * of the function the module exports for it, and the JSON arguments it gets.
 * The function is `(seed, args) => condition` (or a promise of one), like
 * `runSeeds`' plain `(seed) => condition` with the arguments made explicit.
 *
 * Here the module that exports the function is written to a temporary
 * folder first; in a project it is a file of its own:
 *
 * ```ts
 * import assert from "node:assert/strict";
 * import { join } from "node:path";
 * import { selectEngine } from "../engine/select_engine.ts";
 * import { runSeeds } from "./repeated_runs.ts";
 *
 * // Workers run on wasm with one thread: so must the serial runs they are compared with.
 * await selectEngine({ backend: "wasm", wasmThreads: 1, log: () => {} });
 * const lib = new URL("../mod.ts", import.meta.url).href;
 * const module = join(Deno.makeTempDirSync(), "conditions.ts");
 * Deno.writeTextFileSync(module, `
 *   import { arrayDataset, arrayStream, buildLogisticRegression } from "${lib}";
 *   export function logistic(seed: number, args: { epochs: number }) {
 *     const data = arrayDataset(new Float32Array([-2, -1, 1, 2]), [1], Uint8Array.of(0, 0, 1, 1));
 *     return {
 *       name: "logistic regression",
 *       model: (modelSeed: number) => buildLogisticRegression({ inputSize: 1, seed: modelSeed }),
 *       train: arrayStream(data, { batchSize: 2, seed }),
 *       test: data,
 *       epochs: args.epochs,
 *       progress: "none" as const,
 *     };
 *   }`);
 * const recipe = { module: `file://${module}`, export: "logistic", args: { epochs: 2 } };
 * const sideBySide = await runSeeds([1, 2, 3], recipe, { workers: 2 });
 * const oneByOne = await runSeeds([1, 2, 3], recipe);
 * const losses = (runs: typeof oneByOne) => runs.map((run) => run.history.map((log) => log.loss));
 * assert.deepEqual(losses(sideBySide), losses(oneByOne)); // the same runs, bit for bit
 * assert.deepEqual(sideBySide.map((run) => [...run.testProbabilities]), oneByOne.map((run) => [...run.testProbabilities]));
 * [...sideBySide, ...oneByOne].forEach((run) => run.model.dispose());
 * ```
 */
export interface ConditionRecipe {
  /** The module's absolute URL: `import.meta.url` inside it, or `new URL("./x.ts", import.meta.url).href`. */
  module: string;
  /** The name under which the module exports its `(seed, args) => condition` function. */
  export: string;
  /**
   * The function's second argument: JSON values only (numbers, strings,
   * booleans, null, arrays, plain objects), since it is sent to workers as JSON.
   */
  args?: unknown;
}

/** A recipe's function: builds the condition of one run from its seed and the recipe's args. */
export type ConditionMaker<S = Evaluation> = (
  seed: number,
  args: unknown,
) => Omit<Condition<S>, "seed"> | Promise<Omit<Condition<S>, "seed">>;

/** A recipe, checked, with its args as the JSON text every run parses afresh. */
export interface LoadedRecipe<S = Evaluation> {
  recipe: ConditionRecipe;
  argsJson: string;
  /** Builds the condition of a run from its seed (args parsed from `argsJson`). */
  make: (seed: number) => Promise<Omit<Condition<S>, "seed">>;
}

/**
 * Imports a recipe's module and finds its function, with errors that name the
 * fix; checks that its args survive JSON unchanged.
 */
export async function loadRecipe<S = Evaluation>(
  recipe: ConditionRecipe,
): Promise<LoadedRecipe<S>> {
  if (typeof recipe.module !== "string" || !URL.canParse(recipe.module)) {
    throw new Error(
      `runSeeds: recipe.module ${JSON.stringify(recipe.module)} is not an absolute URL. Fix: ` +
        'give the module\'s URL, e.g. import.meta.url inside it, or new URL("./conditions.ts", ' +
        "import.meta.url).href.",
    );
  }
  const argsJson = argsAsJson(recipe.args);
  let module: Record<string, unknown>;
  try {
    module = await import(recipe.module);
  } catch (error) {
    throw new Error(
      `runSeeds: cannot import recipe.module ${recipe.module}: ${(error as Error).message}`,
    );
  }
  const maker = module[recipe.export];
  if (typeof maker !== "function") {
    const functions = Object.keys(module).filter((name) => typeof module[name] === "function");
    throw new Error(
      `runSeeds: ${recipe.module} exports no function named "${recipe.export}" (its exported ` +
        `functions: ${functions.join(", ") || "none"}). Fix: export it from that module, e.g. ` +
        `export function ${recipe.export}(seed, args) { return { name, train, test, epochs }; }, ` +
        "or correct recipe.export.",
    );
  }
  return {
    recipe,
    argsJson,
    make: async (seed) => await (maker as ConditionMaker<S>)(seed, JSON.parse(argsJson)),
  };
}

/** `args` as JSON text (null when absent); an error when JSON would change them. */
function argsAsJson(args: unknown): string {
  let json: string | undefined;
  try {
    json = JSON.stringify(args ?? null);
  } catch (error) {
    throw new Error(
      `runSeeds: recipe.args cannot be written as JSON (${(error as Error).message}). Fix: ` +
        "pass numbers, strings, booleans, null, arrays and plain objects only.",
    );
  }
  if (json === undefined || !isDeepStrictEqual(JSON.parse(json), args ?? null)) {
    throw new Error(
      "runSeeds: recipe.args change when sent to a worker as JSON (typed arrays, dates, " +
        "undefined values, class instances or functions do). Fix: pass numbers, strings, " +
        "booleans, null, arrays and plain objects only, e.g. a file path instead of the data.",
    );
  }
  return json;
}

/** What the caller sends a worker: one run to do. */
export interface RunRequest {
  seed: number;
  module: string;
  export: string;
  argsJson: string;
}

/** A finished run as a worker sends it: the result without its model, and the model saved. */
export interface RunDone<S = Evaluation> {
  type: "done";
  seed: number;
  result: Omit<ConditionResult<S>, "model">;
  model: tf.io.ModelArtifacts;
  /** The condition's progress was "none": the caller prints no line for the run. */
  quiet: boolean;
}

/** A failed run as a worker sends it. */
export interface RunFailed {
  type: "failed";
  seed: number;
  message: string;
  stack?: string;
}

/** A worker's reply to a {@link RunRequest}. */
export type RunReply<S = Evaluation> = RunDone<S> | RunFailed;

/** The model's topology and weights, as `model.save` writes them. */
export async function modelArtifacts(model: tf.LayersModel): Promise<tf.io.ModelArtifacts> {
  let saved: tf.io.ModelArtifacts | undefined;
  await model.save(tf.io.withSaveHandler((artifacts) => {
    saved = artifacts;
    return Promise.resolve({ modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(artifacts) });
  }));
  return saved!;
}

/**
 * The parts of a `Worker` that {@link runInWorkers} uses: a stand-in with
 * these lets a test script the replies and see the workers ended.
 */
export interface RunWorker {
  postMessage(request: RunRequest): void;
  terminate(): void;
  onmessage: ((event: MessageEvent) => void) | null;
  onerror: ((event: ErrorEvent) => void) | null;
  onmessageerror: ((event: MessageEvent) => void) | null;
}

/** Starts a worker thread that does runs (./parallel_runs_worker.ts). */
function startRunWorker(): RunWorker {
  return new Worker(new URL("./parallel_runs_worker.ts", import.meta.url), { type: "module" });
}

/**
 * Runs the loaded recipe once per seed in `workers` worker threads (at most one per
 * seed), each on the wasm engine with one thread, handing the next seed to
 * whichever worker finishes first; returns the results in seed order. Each
 * result's model is rebuilt here from the topology and weights its worker
 * sent. The first failure rejects, naming the seed, and disposes the models of
 * the runs that finished, before it or after; the workers are ended either way.
 * `startWorker` starts one worker (tests pass a scripted stand-in).
 */
export async function runInWorkers<S = Evaluation>(
  seeds: readonly number[],
  loaded: LoadedRecipe<S>,
  workers: number,
  startWorker: () => RunWorker = startRunWorker,
): Promise<ConditionResult<S>[]> {
  const count = Math.min(workers, seeds.length);
  const results: ConditionResult<S>[] = [];
  const started: RunWorker[] = [];
  let next = 0;
  try {
    await new Promise<void>((resolve, rejectRuns) => {
      let finished = 0;
      let failed = false;
      const reject = (error: Error) => {
        failed = true;
        rejectRuns(error);
      };
      const start = (number: number) => {
        const worker = startWorker();
        started.push(worker);
        const where = `worker ${number} of ${count}`;
        let position = -1;
        const handOut = () => {
          if (next >= seeds.length) return;
          position = next++;
          const request: RunRequest = {
            seed: seeds[position],
            module: loaded.recipe.module,
            export: loaded.recipe.export,
            argsJson: loaded.argsJson,
          };
          worker.postMessage(request);
        };
        worker.onmessage = (event: MessageEvent<RunReply<S>>) => {
          const reply = event.data;
          if (reply.type === "failed") {
            const stack = reply.stack?.split("\n").filter((line) => /^\s+at /.test(line));
            reject(
              new Error(
                `runSeeds: the run of seed ${reply.seed} failed in ${where}: ${reply.message}` +
                  (stack?.length ? `\n${stack.join("\n")}` : ""),
              ),
            );
            return;
          }
          const at = position;
          handOut();
          rebuild(reply).then((result) => {
            if (failed) {
              result.model.dispose();
              return;
            }
            results[at] = result;
            if (!reply.quiet) {
              // runCondition trains at least one epoch, so the history is never empty.
              const last = result.history.at(-1)!;
              console.log(
                `seed ${result.seed} "${result.name}": ${result.history.length} epochs, ` +
                  `loss ${last.loss.toFixed(4)}, ${result.seconds.toFixed(1)} s (${where})`,
              );
            }
            if (++finished === seeds.length) resolve();
          }, reject);
        };
        worker.onerror = (event) => {
          event.preventDefault();
          reject(
            new Error(
              `runSeeds: ${where} failed while running seed ${seeds[position]}: ${event.message}`,
            ),
          );
        };
        worker.onmessageerror = () => {
          reject(
            new Error(
              `runSeeds: ${where} sent a result for seed ${seeds[position]} that ` +
                "could not be read. Fix: make the condition's score return plain data.",
            ),
          );
        };
        handOut();
      };
      for (let number = 1; number <= count; number++) start(number);
    });
  } catch (error) {
    for (const result of results) result?.model.dispose();
    throw error;
  } finally {
    for (const worker of started) worker.terminate();
  }
  return results;
}

/** A worker's result with its model rebuilt here. */
async function rebuild<S>(reply: RunDone<S>): Promise<ConditionResult<S>> {
  let model: tf.LayersModel;
  try {
    model = await tf.loadLayersModel(tf.io.fromMemory(reply.model));
  } catch (error) {
    throw new Error(
      `runSeeds: the model trained for seed ${reply.seed} could not be rebuilt from its ` +
        `topology and weights (${(error as Error).message}). Fix: register custom layers ` +
        "with tf.serialization.registerClass in a module the recipe's module imports.",
    );
  }
  return { ...reply.result, model };
}
