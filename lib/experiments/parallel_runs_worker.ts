/**
 * The worker behind `runSeeds`' `workers` option (started by
 * ./parallel_runs.ts): selects the wasm engine on one thread, with the
 * library's training kernels registered as on the main thread
 * (`selectEngine`), then does the runs it is sent, one at a time: builds the
 * condition from the recipe and the seed, runs it, and replies with the
 * result and the trained model's topology and weights.
 */
import { selectEngine } from "../engine/select_engine.ts";
import { runCondition } from "./experiment.ts";
import {
  type LoadedRecipe,
  loadRecipe,
  modelArtifacts,
  type RunReply,
  type RunRequest,
} from "./parallel_runs.ts";

/** The parts of the worker's global scope used here. */
const scope = globalThis as unknown as {
  onmessage: ((event: MessageEvent<RunRequest>) => void) | null;
  postMessage(message: RunReply<unknown>, transfer?: Transferable[]): void;
};

const engine = selectEngine({ backend: "wasm", wasmThreads: 1, log: () => {} });
const recipes = new Map<string, Promise<LoadedRecipe<unknown>>>();

/** Does one run and replies with its result, or with its error. */
async function run(request: RunRequest): Promise<void> {
  const { seed } = request;
  try {
    await engine;
    const key = JSON.stringify([request.module, request.export, request.argsJson]);
    const recipe = recipes.get(key) ??
      loadRecipe<unknown>({
        module: request.module,
        export: request.export,
        args: JSON.parse(request.argsJson),
      });
    recipes.set(key, recipe);
    const condition = await (await recipe).make(seed);
    const { model, ...result } = await runCondition<unknown>({
      ...condition,
      seed,
      progress: "none",
    });
    const saved = await modelArtifacts(model);
    model.dispose();
    const weights = saved.weightData;
    scope.postMessage(
      { type: "done", seed, result, model: saved, quiet: condition.progress === "none" },
      weights === undefined ? [] : Array.isArray(weights) ? weights : [weights],
    );
  } catch (error) {
    const { message, stack } = error instanceof Error ? error : new Error(String(error));
    scope.postMessage({ type: "failed", seed, message, stack });
  }
}

scope.onmessage = (event) => void run(event.data);
