/** The GPU benchmark's command line: its flags, their defaults, and the throughput cases. */
import { flagValue, positiveNumber } from "../flags.ts";

/** One throughput case: image side (a multiple of 8) and batch size. */
export interface Case {
  size: number;
  batch: number;
}

/** The throughput cases of the issue, as `--cases` writes them. */
const DEFAULT_CASES = "32x32,32x256,128x32";

/** Parses `--cases`, e.g. "32x32,128x32" (image side x batch size). */
function parseCases(text: string): Case[] {
  return text.split(",").map((item) => {
    const match = /^(\d+)x(\d+)$/.exec(item.trim());
    const [size, batch] = match ? [Number(match[1]), Number(match[2])] : [0, 0];
    if (!(size >= 8 && size % 8 === 0 && batch >= 2)) {
      throw new Error(
        `--cases item "${item}" is not SIZExBATCH with SIZE a multiple of 8 and BATCH >= 2, ` +
          `e.g. "${DEFAULT_CASES}".`,
      );
    }
    return { size, batch };
  });
}

/** What the command line asks for (see scripts/bench/gpu_bench.ts for each flag). */
export interface Options {
  seconds: number;
  allowSoftware: boolean;
  skipTorch: boolean;
  images?: string;
  trainPerClass: number;
  epochs: number;
  seeds: number;
  engine: string;
  cases: Case[];
}

const FLAGS_WITH_VALUES = [
  "--seconds",
  "--images",
  "--train",
  "--epochs",
  "--seeds",
  "--engine",
  "--cases",
];
const SWITCHES = ["--allow-software", "--skip-torch"];

/** Reads the options from `args`; throws on an unknown argument or a bad value. */
export function parseOptions(args: string[]): Options {
  args.forEach((arg, i) => {
    const isValue = i > 0 && FLAGS_WITH_VALUES.includes(args[i - 1]);
    if (!isValue && !FLAGS_WITH_VALUES.includes(arg) && !SWITCHES.includes(arg)) {
      throw new Error(
        `Unknown argument "${arg}". Valid: ${[...FLAGS_WITH_VALUES, ...SWITCHES].join(", ")}.`,
      );
    }
  });
  return {
    seconds: positiveNumber(args, "--seconds", 15),
    allowSoftware: args.includes("--allow-software"),
    skipTorch: args.includes("--skip-torch"),
    images: flagValue(args, "--images"),
    trainPerClass: positiveNumber(args, "--train", 1000),
    epochs: positiveNumber(args, "--epochs", 5),
    seeds: positiveNumber(args, "--seeds", 3),
    engine: flagValue(args, "--engine") ?? "webgpu",
    cases: parseCases(flagValue(args, "--cases") ?? DEFAULT_CASES),
  };
}

/** The case with the most pixels per batch: the one the ablations and profiles run. */
export function largestCase(cases: Case[]): Case {
  return cases.reduce((a, b) => (b.size * b.size * b.batch > a.size * a.size * a.batch ? b : a));
}
