/**
 * `deno task bench`: how fast this machine loads the cats-and-dogs images and
 * trains the series' CNN (batch 32, Adam, binary cross-entropy) on the
 * selected engine, at 32x32 and 64x64, and, where Debian's python3-torch is
 * installed, the same network in PyTorch in the same run. The last line is
 * `ratio_vs_pytorch_32px=R` (tfjs images/s over PyTorch's) when PyTorch ran.
 * Each measurement also gives images per second of CPU time (all threads):
 * with one thread it shows the work per image even when other processes
 * compete; with several, time threads spend waiting for each other counts too.
 *
 * The machine line gives the 1-minute load average: other processes competing
 * for the cores slow both engines (PyTorch's threads more), so compare ratios
 * of one run, and absolute numbers only between runs on an idle machine.
 *
 * The two engines take turns: each size is measured in `--rounds` rounds
 * (default 3) of tfjs then PyTorch, and each engine's median round counts,
 * so a burst of load from another process hits both rather than one.
 *
 * Options: --seconds N (time per engine and size, split over the rounds,
 * default 20), --rounds N. TFJS_WASM_THREADS
 * sets the wasm engine's thread count (default: the cores other processes
 * leave free); PyTorch runs with the same number of threads as the wasm
 * engine, so the ratio compares like with like.
 */
import { fileURLToPath } from "node:url";
import process from "node:process";
import { selectEngine } from "../../lib/engine/select_engine.ts";
import { catsDogsDir, loadImageFolder } from "../../lib/data/image_folder.ts";
import { syntheticTraining } from "./synthetic_training.ts";
import { positiveNumber } from "./flags.ts";

const BATCH = 32;

/** Images per second of wall-clock time, and per second of CPU time of all the process's threads. */
interface Throughput {
  perSecond: number;
  perCpuSecond: number;
}

/** Training throughput of the series' CNN at `size`x`size` on random data, after 3 warm-up batches. */
function tfjsThroughput(size: number, seconds: number): Throughput {
  const { step, dispose } = syntheticTraining(size, BATCH);
  for (let i = 0; i < 3; i++) step();
  let batches = 0;
  const started = performance.now();
  const cpuStarted = process.cpuUsage();
  while (performance.now() - started < seconds * 1000) {
    step();
    batches++;
  }
  const elapsed = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuStarted);
  dispose();
  const images = batches * BATCH;
  return { perSecond: images / elapsed, perCpuSecond: images / ((cpu.user + cpu.system) / 1e6) };
}

/** One measurement as printed: wall-clock images/s, then images per CPU-second. */
function describe(throughput: Throughput): string {
  return `${throughput.perSecond.toFixed(1)} images/s (${
    throughput.perCpuSecond.toFixed(1)
  } per CPU-second)`;
}

/**
 * Python interpreters to try for PyTorch: `$PYTHON` if set, then `python3` on
 * the PATH, then Debian's own `/usr/bin/python3` (where `apt-get install
 * python3-torch` puts torch, even when another python3 comes first on PATH).
 */
function pythonCandidates(): string[] {
  const fromEnvironment = Deno.env.get("PYTHON");
  return fromEnvironment ? [fromEnvironment] : ["python3", "/usr/bin/python3"];
}

/** PyTorch's throughput for the same network, or the reason it could not run. */
async function torchThroughput(
  size: number,
  threads: number,
  seconds: number,
): Promise<Throughput | string> {
  const script = fileURLToPath(new URL("./bench_torch.py", import.meta.url));
  const failures: string[] = [];
  for (const python of pythonCandidates()) {
    let output: Deno.CommandOutput;
    try {
      output = await new Deno.Command(python, {
        args: [script, String(size), String(BATCH), String(threads), String(seconds)],
        stdout: "piped",
        stderr: "piped",
      }).output();
    } catch {
      failures.push(`${python}: not found`);
      continue;
    }
    const match = /torch_images_per_second=([\d.]+) torch_images_per_cpu_second=([\d.]+)/.exec(
      new TextDecoder().decode(output.stdout),
    );
    if (output.success && match) {
      return { perSecond: Number(match[1]), perCpuSecond: Number(match[2]) };
    }
    const error = new TextDecoder().decode(output.stderr).trim().split("\n").at(-1);
    failures.push(`${python}: ${error}`);
  }
  return `PyTorch is not importable (${failures.join("; ")}); install it with ` +
    "`apt-get install python3-torch`";
}

async function benchImageLoading(): Promise<void> {
  let dir: string;
  try {
    dir = catsDogsDir();
  } catch {
    console.log("image loading: skipped (no cats-and-dogs folder; set CATS_DOGS_DIR)");
    return;
  }
  const started = performance.now();
  const images = await loadImageFolder(dir);
  const seconds = (performance.now() - started) / 1000;
  console.log(
    `image loading: ${images.labels.length} images of ${images.height}x${images.width} from ${dir} ` +
      `in ${seconds.toFixed(2)} s (${(images.labels.length / seconds).toFixed(0)} images/s)`,
  );
}

const seconds = positiveNumber(Deno.args, "--seconds", 20);
const rounds = Math.round(positiveNumber(Deno.args, "--rounds", 3));
const engine = await selectEngine();
const threads = navigator.hardwareConcurrency;
const [load] = Deno.loadavg();
console.log(
  `machine: ${threads} logical cores, load average ${load.toFixed(2)}; ${seconds} s per engine ` +
    `and size in ${rounds} alternating rounds; batch ${BATCH}`,
);
const tfjsLabel = `tfjs ${engine.backend}${
  engine.threads === undefined
    ? ""
    : ` (${engine.threads} thread${engine.threads === 1 ? "" : "s"})`
}`;
await benchImageLoading();

// Like for like: PyTorch gets as many threads as the wasm engine uses.
const torchThreads = engine.threads ?? threads;
const torchLabel = `PyTorch (${torchThreads} thread${torchThreads === 1 ? "" : "s"})`;
let torchMissing: string | undefined;
const ratios: Record<number, number> = {};
for (const size of [32, 64]) {
  const tfjsRounds: Throughput[] = [];
  const torchRounds: Throughput[] = [];
  for (let round = 0; round < rounds; round++) {
    tfjsRounds.push(tfjsThroughput(size, seconds / rounds));
    if (torchMissing) continue;
    const torch = await torchThroughput(size, torchThreads, seconds / rounds);
    if (typeof torch === "string") torchMissing = torch;
    else torchRounds.push(torch);
  }
  const tfjs = median(tfjsRounds);
  console.log(`${tfjsLabel} ${size}x${size}: ${describe(tfjs)}${roundsNote(tfjsRounds)}`);
  if (torchRounds.length === rounds) {
    const torch = median(torchRounds);
    console.log(`${torchLabel} ${size}x${size}: ${describe(torch)}${roundsNote(torchRounds)}`);
    ratios[size] = tfjs.perSecond / torch.perSecond;
  }
}
if (torchMissing) {
  console.log(`PyTorch: skipped, ${torchMissing}. No ratio line.`);
} else {
  console.log(`ratio_vs_pytorch_64px=${ratios[64].toFixed(2)}`);
  console.log(`ratio_vs_pytorch_32px=${ratios[32].toFixed(2)}`);
}

/** The round with the median wall-clock throughput (the lower middle one for an even count). */
function median(measurements: readonly Throughput[]): Throughput {
  const sorted = [...measurements].sort((a, b) => a.perSecond - b.perSecond);
  return sorted[Math.floor((sorted.length - 1) / 2)];
}

/** "; rounds 401, 388, 412" when there was more than one round. */
function roundsNote(measurements: readonly Throughput[]): string {
  return measurements.length < 2
    ? ""
    : `; median of rounds ${measurements.map((round) => round.perSecond.toFixed(0)).join(", ")}`;
}
