/** runSeeds with a recipe: side by side in workers, the same results as one after another. */
import * as tf from "@tensorflow/tfjs";
import { assert, assertEquals, assertRejectsWith } from "../assert.ts";
import { selectEngine } from "../../lib/engine/select_engine.ts";
import { type ConditionResult, disposeModels } from "../../lib/experiments/experiment.ts";
import { type ConditionRecipe, runSeeds } from "../../lib/experiments/repeated_runs.ts";
import { loadRecipe, runInWorkers } from "../../lib/experiments/parallel_runs.ts";
import { type TinyCnnArgs, tinyCnnCondition } from "../fixtures/recipe_conditions.ts";
import {
  DONE_MODEL_TENSORS,
  doneReply,
  failedReply,
  type ScriptedScore,
  scriptedWorkers,
  settleTensors,
} from "../fixtures/scripted_workers.ts";

await selectEngine({ backend: "wasm", wasmThreads: 1, log: () => {} });

const conditions = new URL("../fixtures/recipe_conditions.ts", import.meta.url).href;
const args: TinyCnnArgs = { images: 12, epochs: 2 };
const recipe: ConditionRecipe = { module: conditions, export: "tinyCnnCondition", args };

/**
 * A run's small outputs (everything but timings, arrays and the model), and
 * its arrays (probabilities, labels, each weight) as bytes; disposes its model.
 */
function fingerprint(result: ConditionResult) {
  const {
    model,
    seconds: _seconds,
    history,
    testProbabilities,
    testLabels,
    validationProbabilities,
    validationLabels,
    ...rest
  } = result;
  const arrays: Record<string, Uint8Array> = {
    testProbabilities: bytes(testProbabilities),
    testLabels: bytes(testLabels),
    validationProbabilities: bytes(validationProbabilities!),
    validationLabels: bytes(validationLabels!),
  };
  model.getWeights().forEach((weight, i) => {
    arrays[`weight ${i} ${weight.shape}`] = bytes(weight.dataSync() as Float32Array);
  });
  model.dispose();
  return {
    small: { ...rest, history: history.map(({ seconds: _epochSeconds, ...epoch }) => epoch) },
    arrays,
  };
}

function bytes(array: Float32Array | Uint8Array): Uint8Array {
  return new Uint8Array(array.buffer, array.byteOffset, array.byteLength);
}

/**
 * Throws unless two lists of runs' fingerprints are equal, bit for bit,
 * naming the first array and byte that differ (a deep-equality diff of
 * arrays this size would take gigabytes).
 */
function assertSameRuns(
  actual: ReturnType<typeof fingerprint>[],
  expected: ReturnType<typeof fingerprint>[],
  what: string,
): void {
  assertEquals(actual.length, expected.length);
  actual.forEach((run, index) => {
    assertEquals(run.small, expected[index].small, `${what}: run ${index} differs`);
    assertEquals(Object.keys(run.arrays), Object.keys(expected[index].arrays));
    for (const [name, values] of Object.entries(run.arrays)) {
      const other = expected[index].arrays[name];
      const at = values.findIndex((byte, i) => byte !== other[i]);
      assert(
        values.length === other.length && at < 0,
        `${what}: run ${index}'s ${name} differs (lengths ${values.length} and ${other.length}, ` +
          `first differing byte ${at})`,
      );
    }
  });
}

Deno.test("a recipe run in 2 workers equals it run serially and the plain function, bit for bit", async () => {
  const seeds = [5, 1, 2];
  const parallel = await runSeeds(seeds, recipe, { workers: 2 });
  assertEquals(parallel.map((result) => result.seed), seeds);
  assert(parallel.every((result) => result.seconds > 0 && result.history.length === 2));
  assertEquals(parallel[0].testLabels.length, 12);
  assertEquals(parallel[0].validationProbabilities?.length, 12);
  const inWorkers = parallel.map(fingerprint);
  const serial = (await runSeeds(seeds, recipe, { workers: 1 })).map(fingerprint);
  const plain = (await runSeeds(seeds, (seed) => tinyCnnCondition(seed, args))).map(fingerprint);
  // The runs differ from seed to seed, so equal lists are not equal by accident.
  assert(inWorkers[0].small.history[0].loss !== inWorkers[1].small.history[0].loss);
  assertEquals(inWorkers[0].small.settings, { images: 12 });
  assertSameRuns(inWorkers, serial, "2 workers vs serial");
  assertSameRuns(serial, plain, "recipe vs function");
});

Deno.test("a run that fails in a worker rejects naming its seed and the worker's message", async () => {
  await assertRejectsWith(
    () => runSeeds([1, 2, 3], { ...recipe, export: "failingForSeed2" }, { workers: 2 }),
    "the run of seed 2 failed in worker",
    "no images for this seed",
  );
});

Deno.test("bad workers options and recipes are errors naming the fix", async () => {
  await assertRejectsWith(
    () => runSeeds([1], recipe, { workers: 0 }),
    "workers is 0",
    "whole number ≥ 1",
  );
  await assertRejectsWith(
    () => runSeeds([1, 2], (seed) => tinyCnnCondition(seed, args), { workers: 2 }),
    "workers: 2 needs a recipe",
    "export the function from a module",
  );
  await assertRejectsWith(
    () => runSeeds([1, 2], { ...recipe, export: "missing" }, { workers: 2 }),
    'exports no function named "missing"',
    "tinyCnnCondition",
    "Fix: export it from that module",
  );
  await assertRejectsWith(
    () => loadRecipe({ ...recipe, module: "./recipe_conditions.ts" }),
    "is not an absolute URL",
    "import.meta.url",
  );
  await assertRejectsWith(
    () => loadRecipe({ ...recipe, module: new URL("./no_such_module.ts", conditions).href }),
    "cannot import recipe.module",
  );
  await assertRejectsWith(
    () => loadRecipe({ ...recipe, args: { pixels: new Float32Array(2) } }),
    "change when sent to a worker as JSON",
  );
  await assertRejectsWith(
    () => loadRecipe({ ...recipe, args: { big: 1n } }),
    "cannot be written as JSON",
  );
});

const counted = new URL("../fixtures/counted_conditions.ts", import.meta.url).href;

Deno.test("loadRecipe: args reach the function as JSON, absent args as null", async () => {
  const withArgs = await loadRecipe({
    module: counted,
    export: "argsAsName",
    args: { a: [1, "b"] },
  });
  assertEquals(withArgs.argsJson, '{"a":[1,"b"]}');
  assertEquals((await withArgs.make(1)).name, '{"a":[1,"b"]}');
  const without = await loadRecipe({ module: counted, export: "argsAsName" });
  assertEquals(without.argsJson, "null");
  assertEquals((await without.make(1)).name, "null");
});

Deno.test("loadRecipe: each bad recipe is an error naming the problem and the fix", async () => {
  await assertRejectsWith(
    () => loadRecipe({ module: new URL(counted) as unknown as string, export: "argsAsName" }),
    "is not an absolute URL. Fix: give the module's URL, e.g. import.meta.url inside it, " +
      'or new URL("./conditions.ts", import.meta.url).href.',
  );
  await assertRejectsWith(
    () => loadRecipe({ module: counted, export: "missing" }),
    `runSeeds: ${counted} exports no function named "missing" (its exported functions: ` +
      "argsAsName, countedLogistic). Fix: export it from that module, e.g. export function " +
      "missing(seed, args) { return { name, train, test, epochs }; }, or correct recipe.export.",
  );
  await assertRejectsWith(
    () => loadRecipe({ module: "data:text/javascript,export const x = 1;", export: "x" }),
    "(its exported functions: none)",
  );
  await assertRejectsWith(
    () => loadRecipe({ module: new URL("./no_such_module.ts", counted).href, export: "x" }),
    "runSeeds: cannot import recipe.module file:",
    "no_such_module.ts: ",
  );
  await assertRejectsWith(
    () => loadRecipe({ module: counted, export: "argsAsName", args: () => 1 }),
    "runSeeds: recipe.args change when sent to a worker as JSON (typed arrays, dates, " +
      "undefined values, class instances or functions do). Fix: pass numbers, strings, " +
      "booleans, null, arrays and plain objects only, e.g. a file path instead of the data.",
  );
  await assertRejectsWith(
    () => loadRecipe({ module: counted, export: "argsAsName", args: { big: 1n } }),
    "runSeeds: recipe.args cannot be written as JSON (",
    "). Fix: pass numbers, strings, booleans, null, arrays and plain objects only.",
  );
});

Deno.test("runSeeds in workers prints a line per run that is not quiet, naming its worker", async () => {
  const lines: string[] = [];
  const log = console.log;
  console.log = (line: string) => lines.push(line);
  let results;
  try {
    results = await runSeeds(
      [4, 7, 9],
      {
        module: counted,
        export: "countedLogistic",
        args: { epochs: 3, progress: "lines", quietSeeds: [9] },
      },
      // More workers than seeds: one per seed is started.
      { workers: 5 },
    );
  } finally {
    console.log = log;
  }
  // Seed 9's run is quiet: no line.
  assertEquals(lines.length, 2);
  for (const result of results.slice(0, 2)) {
    const loss = result.history[2].loss.toFixed(4);
    const line = lines.find((line) => line.startsWith(`seed ${result.seed} `));
    assert(
      line !== undefined &&
        new RegExp(
          `^seed ${result.seed} "counted logistic": 3 epochs, loss ${loss}, \\d+\\.\\d s ` +
            `\\(worker [123] of 3\\)$`,
        ).test(line),
      `line ${line}`,
    );
  }
  disposeModels(results);
});

Deno.test("a run that fails in a worker carries the worker's stack", async () => {
  const error = await assertRejectsWith(
    () => runSeeds([2], { ...recipe, export: "failingForSeed2" }, { workers: 2 }),
    "the run of seed 2 failed in worker 1 of 1: no images for this seed\n",
  );
  const stack = error.message.split("\n").slice(1);
  // One frame a line: the failing function, the recipe's loader, the worker's run.
  assert(stack.length >= 2 && stack.every((line) => /^\s+at /.test(line)), error.message);
  assert(stack.some((line) => line.includes("failingForSeed2")), error.message);
});

const failing = new URL("../fixtures/failing_conditions.ts", import.meta.url).href;

// workers: 2 with one seed: one worker is started (workers: 1 runs on this thread).
Deno.test("a worker's error keeps only its stack's frames: not a message line holding ' at '", async () => {
  const error = await assertRejectsWith(
    () =>
      runSeeds([3], {
        module: failing,
        export: "failingWith",
        args: { message: "no data at all" },
      }, { workers: 2 }),
    "the run of seed 3 failed in worker 1 of 1: no data at all\n",
  );
  const stack = error.message.split("\n").slice(1);
  assert(stack.length >= 1 && stack.every((line) => /^\s+at /.test(line)), error.message);
});

Deno.test("a worker's error without frames, or without a stack, is its message alone", async () => {
  for (const stack of ["Error: no frames", null]) {
    await assertRejectsWith(
      () =>
        runSeeds([3], {
          module: failing,
          export: "failingWith",
          args: { message: "no frames", stack },
        }, { workers: 2 }).then(() => undefined),
      "runSeeds: the run of seed 3 failed in worker 1 of 1: no frames",
    ).then((error) => {
      assertEquals(error.message, "runSeeds: the run of seed 3 failed in worker 1 of 1: no frames");
    });
  }
});

Deno.test("a worker that crashes outside its run rejects naming the worker and the seed", async () => {
  const error = await assertRejectsWith(
    () => runSeeds([6], { module: failing, export: "crashingOutsideRun" }, { workers: 2 }),
    "runSeeds: worker 1 of 1 failed while running seed 6: ",
    "crash outside the run",
  );
  assert(error.message.startsWith("runSeeds: worker 1 of 1 failed while running seed 6: "));
});

// Scripted workers (tests/fixtures/scripted_workers.ts): the test sends each reply itself.
const scripted = await loadRecipe<ScriptedScore>({ module: counted, export: "argsAsName" });

Deno.test("runInWorkers hands each worker the next seed, keeps seed order and terminates every worker", async () => {
  const { workers, startWorker } = scriptedWorkers(2);
  const running = runInWorkers([7, 8, 9], scripted, 2, startWorker);
  assertEquals(workers.map((worker) => worker.requests.map((request) => request.seed)), [[7], [8]]);
  workers[1].reply(await doneReply(8));
  assertEquals(workers[1].requests.map((request) => request.seed), [8, 9]);
  workers[1].reply(await doneReply(9));
  assertEquals(workers.map((worker) => worker.terminated), [0, 0]);
  workers[0].reply(await doneReply(7));
  const results = await running;
  assertEquals(results.map((result) => result.seed), [7, 8, 9]);
  assertEquals(workers.map((worker) => worker.terminated), [1, 1]);
  disposeModels(results);
});

Deno.test("a run that finishes while another fails has its model disposed, and every worker is terminated", async () => {
  const before = tf.memory().numTensors;
  const { workers, startWorker } = scriptedWorkers(2);
  const running = runInWorkers([1, 2], scripted, 2, startWorker);
  // Seed 1's model is being rebuilt when seed 2's failure arrives: it must not be kept.
  workers[0].reply(await doneReply(1));
  workers[1].reply(failedReply(2, "no data"));
  await assertRejectsWith(
    () => running,
    "runSeeds: the run of seed 2 failed in worker 2 of 2: no data",
  );
  assertEquals(workers.map((worker) => worker.terminated), [1, 1]);
  assertEquals(await settleTensors(before), before, "the late run's model was not disposed");
});

Deno.test("a failure while an earlier seed still runs disposes the later seeds' models", async () => {
  const before = tf.memory().numTensors;
  const { workers, startWorker } = scriptedWorkers(2);
  const running = runInWorkers([1, 2], scripted, 2, startWorker);
  workers[1].reply(await doneReply(2));
  // Seed 2's result is kept (its model rebuilt) while seed 1 still runs: a hole before it.
  assertEquals(await settleTensors(before + DONE_MODEL_TENSORS), before + DONE_MODEL_TENSORS);
  workers[0].reply(failedReply(1, "no data"));
  const error = await assertRejectsWith(() => running, "the run of seed 1 failed in worker 1 of 2");
  assertEquals(error.message, "runSeeds: the run of seed 1 failed in worker 1 of 2: no data");
  assertEquals(tf.memory().numTensors, before);
  assertEquals(workers.map((worker) => worker.terminated), [1, 1]);
});

Deno.test("a reply that cannot be read rejects naming the worker, the seed and the fix", async () => {
  const { workers, startWorker } = scriptedWorkers(1);
  const running = runInWorkers([4], scripted, 1, startWorker);
  workers[0].unreadable();
  const error = await assertRejectsWith(() => running, "runSeeds: worker 1 of 1 sent a result");
  assertEquals(
    error.message,
    "runSeeds: worker 1 of 1 sent a result for seed 4 that could not be read. Fix: make the " +
      "condition's score return plain data.",
  );
  assertEquals(workers[0].terminated, 1);
});

Deno.test("a model the main thread cannot rebuild (a layer registered only in workers) is an error naming the fix", async () => {
  await assertRejectsWith(
    () =>
      runSeeds([3], {
        module: new URL("../fixtures/worker_only_layer.ts", import.meta.url).href,
        export: "workerOnlyLayer",
      }, { workers: 2 }),
    "runSeeds: the model trained for seed 3 could not be rebuilt from its topology and weights (",
    "WorkerOnlyIdentity",
    "). Fix: register custom layers with tf.serialization.registerClass in a module the " +
      "recipe's module imports.",
  );
});
