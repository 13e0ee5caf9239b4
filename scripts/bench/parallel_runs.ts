/**
 * `deno task bench:parallel`: runs per hour of a small but realistic
 * condition (the series' CNN, default model, on `--images` 32x32 images for
 * `--epochs` epochs, batch 32, validated after each epoch, then tested) done
 * three ways, each in a fresh process: `runSeeds` one run after another on
 * 1 wasm thread, one after another on `--workers` threads, and side by side
 * in `--workers` workers of 1 thread each. Prints a table with each way's
 * runs per hour, its ratio to the first, and the CPU seconds a run took
 * summed over the process's threads (a thread spinning while it waits for
 * another counts too; time other processes take from the cores does not),
 * and checks that the runs in
 * workers equal the serial ones on 1 thread bit for bit (losses, test and
 * validation probabilities, weights); exits with status 1 if they do not.
 *
 * The images are seeded noise (training costs the same whatever the pixels);
 * every run trains on the same images, its seed shuffling the batches and
 * drawing the initial weights and dropout masks.
 *
 * Options: --runs N (seeds per way, default 8), --workers N (default 2),
 * --images N (training images, default 320), --epochs N (default 2). The
 * machine lines give the load average before and after each way: other
 * processes competing for the cores slow the ways that use more threads most.
 */
import { fileURLToPath } from "node:url";
import process from "node:process";
import { selectEngine } from "../../lib/engine/select_engine.ts";
import { prepareDataset } from "../../lib/data/batches.ts";
import { createRandom } from "../../lib/data/random.ts";
import type { ImageSet } from "../../lib/data/image_set.ts";
import type { Condition, ConditionResult } from "../../lib/experiments/experiment.ts";
import { runSeeds } from "../../lib/experiments/repeated_runs.ts";
import { maxWasmThreads } from "../../lib/engine/wasm/threads.ts";
import { flagValue, positiveNumber } from "./flags.ts";

const SIZE = 32;
/** Validation and test images each (after the training images). */
const HELD_OUT = 64;

/** Arguments of {@link benchCondition}. */
export interface BenchArgs {
  images: number;
  epochs: number;
}

/** The benchmark's condition, as `runSeeds`' workers rebuild it from the recipe. */
export function benchCondition(seed: number, args: BenchArgs): Omit<Condition, "seed"> {
  const count = args.images + 2 * HELD_OUT;
  const random = createRandom(1);
  const images: ImageSet = {
    classNames: ["cats", "dogs"],
    height: SIZE,
    width: SIZE,
    pixels: Uint8Array.from({ length: count * SIZE * SIZE * 3 }, () => random.next() * 256),
    labels: Uint8Array.from({ length: count }, (_, i) => i % 4 === 0 ? 1 : 0),
    paths: Array.from({ length: count }, (_, i) => `noise${i}.png`),
  };
  const all = [...images.labels.keys()];
  return {
    name: "series CNN on noise",
    train: prepareDataset(images, [all.slice(0, args.images)], { seed, batchSize: 32 }),
    validation: { source: images, indices: all.slice(args.images, args.images + HELD_OUT) },
    test: { source: images, indices: all.slice(args.images + HELD_OUT) },
    epochs: args.epochs,
    progress: "none",
  };
}

/** What a child process reports about one way of running. */
interface WayReport {
  threads: number | undefined;
  seconds: number;
  /** CPU seconds of all the process's threads (workers included) during the runs. */
  cpuSeconds: number;
  runs: { seed: number; losses: number[]; digest: string }[];
}

/** One run's losses, and a SHA-256 of its probabilities and weights, for bit-for-bit comparison. */
async function runFingerprint(result: ConditionResult) {
  const arrays = [
    result.testProbabilities,
    result.validationProbabilities!,
    ...result.model.getWeights().map((weight) => weight.dataSync() as Float32Array),
  ];
  const bytes = new Uint8Array(arrays.reduce((sum, array) => sum + array.byteLength, 0));
  let offset = 0;
  for (const array of arrays) {
    bytes.set(new Uint8Array(array.buffer, array.byteOffset, array.byteLength), offset);
    offset += array.byteLength;
  }
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
  return {
    seed: result.seed,
    losses: result.history.flatMap((epoch) => [epoch.loss, epoch.valLoss ?? NaN]),
    digest: Array.from(digest, (byte) => byte.toString(16).padStart(2, "0")).join(""),
  };
}

/** The child: runs the seeds one way and prints its report as one JSON line. */
async function child(workers: number, runs: number, args: BenchArgs): Promise<void> {
  const engine = await selectEngine({ backend: "wasm", log: () => {} });
  const seeds = Array.from({ length: runs }, (_, i) => i + 1);
  const recipe = { module: import.meta.url, export: "benchCondition", args };
  const started = performance.now();
  const cpuStarted = process.cpuUsage();
  const results = await runSeeds(seeds, recipe, { workers });
  const seconds = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuStarted);
  const report: WayReport = {
    threads: engine.threads,
    seconds,
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
    runs: await Promise.all(results.map(runFingerprint)),
  };
  for (const result of results) result.model.dispose();
  console.log(`REPORT ${JSON.stringify(report)}`);
}

/** Runs one way in a fresh process with `threads` wasm threads in its main thread. */
async function runWay(
  threads: number,
  workers: number,
  runs: number,
  args: BenchArgs,
): Promise<WayReport> {
  const output = await new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--allow-all",
      fileURLToPath(import.meta.url),
      "--child-workers",
      String(workers),
      "--runs",
      String(runs),
      "--images",
      String(args.images),
      "--epochs",
      String(args.epochs),
    ],
    env: { TFJS_WASM_THREADS: String(threads) },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const stdout = new TextDecoder().decode(output.stdout);
  const line = stdout.split("\n").find((text) => text.startsWith("REPORT "));
  if (!output.success || line === undefined) {
    throw new Error(
      `The benchmark's child (${threads} threads, ${workers} workers) failed:\n${stdout}\n` +
        new TextDecoder().decode(output.stderr),
    );
  }
  return JSON.parse(line.slice("REPORT ".length));
}

/** "yes", or which runs differ. */
function sameRuns(a: WayReport, b: WayReport): string {
  const differing = a.runs.filter((run, i) =>
    run.seed !== b.runs[i].seed || run.digest !== b.runs[i].digest ||
    JSON.stringify(run.losses) !== JSON.stringify(b.runs[i].losses)
  ).map((run) => run.seed);
  return differing.length === 0 ? "yes" : `no (seeds ${differing.join(", ")} differ)`;
}

/** Reads the flags; as the child, runs one way; else runs the three and prints the table. */
async function main(): Promise<void> {
  const runs = Math.round(positiveNumber(Deno.args, "--runs", 8));
  const args: BenchArgs = {
    images: Math.round(positiveNumber(Deno.args, "--images", 320)),
    epochs: Math.round(positiveNumber(Deno.args, "--epochs", 2)),
  };
  const childWorkers = flagValue(Deno.args, "--child-workers");
  if (childWorkers !== undefined) {
    await child(Number(childWorkers), runs, args);
    return;
  }
  const workers = Math.round(positiveNumber(Deno.args, "--workers", 2));
  if (workers < 2 || workers > maxWasmThreads) {
    throw new Error(`--workers needs a whole number from 2 to ${maxWasmThreads}, got ${workers}.`);
  }
  const load = () => Deno.loadavg()[0].toFixed(2);
  console.log(
    `machine: ${navigator.hardwareConcurrency} logical cores. ${runs} runs per way of the ` +
      `series' CNN on ${args.images} ${SIZE}x${SIZE} images, ${args.epochs} epochs, batch 32, ` +
      `validated each epoch, tested on ${HELD_OUT}; each way in a fresh process.`,
  );
  const ways = [
    { label: "serial, 1 wasm thread", threads: 1, workers: 1 },
    { label: `serial, ${workers} wasm threads`, threads: workers, workers: 1 },
    { label: `${workers} workers × 1 wasm thread`, threads: 1, workers },
  ];
  const reports: WayReport[] = [];
  for (const way of ways) {
    const before = load();
    reports.push(await runWay(way.threads, way.workers, runs, args));
    console.log(`${way.label}: load average ${before} before, ${load()} after`);
  }
  const perHour = reports.map((report) => runs / report.seconds * 3600);
  console.log("");
  console.log("| way | wasm threads | seconds | runs per hour | ratio | CPU s per run |");
  console.log("| --- | ---: | ---: | ---: | ---: | ---: |");
  ways.forEach((way, i) => {
    console.log(
      `| ${way.label} | ${way.workers > 1 ? `${way.workers} × 1` : reports[i].threads} | ` +
        `${reports[i].seconds.toFixed(1)} | ` +
        `${perHour[i].toFixed(0)} | ${(perHour[i] / perHour[0]).toFixed(2)} | ` +
        `${(reports[i].cpuSeconds / runs).toFixed(2)} |`,
    );
  });
  console.log("");
  const parallelSame = sameRuns(reports[2], reports[0]);
  console.log(`${ways[2].label} equal serial on 1 thread, bit for bit: ${parallelSame}`);
  console.log(
    `${ways[1].label} equal serial on 1 thread, bit for bit: ${sameRuns(reports[1], reports[0])}`,
  );
  if (parallelSame !== "yes") Deno.exit(1);
}

if (import.meta.main) await main();
