/**
 * `deno task mutation [OPTIONS] [FOLDER...]`: the mutation score of `lib/` folders (see `--help`).
 *
 * For each folder, StrykerJS (`@stryker-mutator/core`, run by Deno: it needs no Node.js) copies
 * the project into a sandbox under `.cache/mutation/<folder>/`, instruments `lib/<folder>/**` with
 * every mutant at once, then runs `deno test` on `tests/<folder>/` once per mutant. Its command
 * test runner sets `__STRYKER_ACTIVE_MUTANT__` in that process's environment, and the instrumented
 * code reads it through `globalThis.process.env`, which Deno provides; a mutant is killed when the
 * tests fail with it active. Not in CI: one `deno test` run per mutant takes hours over `lib/`.
 */

import { parseArgs } from "node:util";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { Stryker } from "@stryker-mutator/core";
import { createRandom } from "../lib/data/random.ts";
import { wilsonInterval } from "../lib/statistics/proportion_interval.ts";

/** Stryker's options, as its constructor takes them. */
export type StrykerOptions = ConstructorParameters<typeof Stryker>[0];

/** One mutant's outcome, as `runMutationTest` returns it. */
export type MutantResult = Awaited<ReturnType<Stryker["runMutationTest"]>>[number];

/** Where each folder's reports (HTML, JSON) and its sandbox go; git-ignored. */
export const REPORT_ROOT = ".cache/mutation";

/** The repository root: the folder above `scripts/`. */
const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");

/** What `--help` prints. */
export const HELP_TEXT = `Usage: deno task mutation [OPTIONS] [FOLDER...]

Runs StrykerJS on each FOLDER of lib/ (data, metrics, training, ...; default: every lib/ folder
that has tests/FOLDER/), killing a mutant when \`deno test\` on tests/FOLDER/ fails with it
active, and prints each folder's score: killed + timeout over killed + timeout + survived + no
coverage. Reports: ${REPORT_ROOT}/FOLDER/mutation.html and mutation.json.

Options:
  --mutate PATTERN   mutate only these files of lib/FOLDER (a glob, or FILE:LINE-LINE); repeatable
  --tests PATH       run only these test files or folders instead of tests/FOLDER/; repeatable
                     (--mutate and --tests take exactly one FOLDER)
  --per-module       one run per module of lib/FOLDER, against its own test file only
                     (tests/FOLDER/MODULE_test.ts; modules without one are listed, not run):
                     much faster where the folder's tests are slow, but a mutant that only
                     another module's tests would kill survives; reports in FOLDER/MODULE/
  --sample FRACTION  test a random sample of the mutants, each with this probability (0 < FRACTION
                     ≤ 1; default 1, all): the score then comes with its 95 % interval, for
                     folders whose every mutant would take hours; the others are reported as
                     "Ignored" in mutation.json, and the HTML report is not written
  --sample-seed N    seed of that draw (default 1), so the same sample can be run again
  --concurrency N    test processes at once (default 1)
  --timeout-ms MS    added to a mutant's time limit over the first run's time (default 20000)
  -h, --help         this text`;

/** The command line, parsed. */
export interface MutationArgs {
  /** The `lib/` folders to mutate, by name ("metrics"). */
  folders: string[];
  /** Files of the one folder to mutate, replacing `lib/<folder>/**\/*.ts`. */
  mutate: string[];
  /** Test paths to run, replacing `tests/<folder>/`. */
  tests: string[];
  /** How many `deno test` processes run at once. */
  concurrency: number;
  /** Milliseconds added to each mutant's time limit. */
  timeoutMs: number;
  /** Whether each module runs against its own test file only. */
  perModule: boolean;
  /** The random sample of mutants to test; undefined tests every mutant. */
  sample?: MutantSample;
  /** Whether `--help` was asked for. */
  help: boolean;
}

/**
 * Parses the command line; `availableFolders` are the folders that can be mutated (the default).
 * Throws an error naming the problem when an argument is bad.
 */
export function parseMutationArgs(args: string[], availableFolders: string[]): MutationArgs {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      mutate: { type: "string", multiple: true, default: [] },
      tests: { type: "string", multiple: true, default: [] },
      concurrency: { type: "string", default: "1" },
      "timeout-ms": { type: "string", default: "20000" },
      "per-module": { type: "boolean", default: false },
      sample: { type: "string", default: "1" },
      "sample-seed": { type: "string", default: "1" },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  const folders = positionals.map((folder) => folder.replace(/^lib\//, "").replace(/\/+$/, ""));
  for (const folder of folders) {
    if (!availableFolders.includes(folder)) {
      throw new Error(
        `"${folder}" is not a lib/ folder with tests (lib/${folder}/ and tests/${folder}/); ` +
          `choose from: ${availableFolders.join(", ")}.`,
      );
    }
  }
  const concurrency = positiveInteger(values.concurrency, "--concurrency");
  const timeoutMs = positiveInteger(values["timeout-ms"], "--timeout-ms");
  const fraction = Number(values.sample);
  if (!(fraction > 0 && fraction <= 1)) {
    throw new Error(
      `--sample takes the share of mutants to test, above 0 and at most 1 (e.g. 0.1), not ` +
        `"${values.sample}".`,
    );
  }
  const seed = positiveInteger(values["sample-seed"], "--sample-seed");
  if ((values.mutate.length > 0 || values.tests.length > 0) && folders.length !== 1) {
    throw new Error("--mutate and --tests apply to one folder: name exactly one FOLDER.");
  }
  if (values["per-module"] && (values.mutate.length > 0 || values.tests.length > 0)) {
    throw new Error(
      "--per-module chooses the files and tests itself: leave out --mutate and --tests.",
    );
  }
  for (const pattern of values.mutate) {
    if (!pattern.startsWith(`lib/${folders[0]}/`)) {
      throw new Error(`--mutate ${pattern}: give a path under lib/${folders[0]}/.`);
    }
  }
  return {
    folders: folders.length > 0 ? folders : availableFolders,
    mutate: values.mutate,
    tests: values.tests,
    concurrency,
    timeoutMs,
    perModule: values["per-module"],
    sample: fraction < 1 ? { fraction, seed } : undefined,
    help: values.help,
  };
}

/** `text` as a whole number ≥ 1, or an error naming `flag`. */
function positiveInteger(text: string, flag: string): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1) {
    throw new Error(`${flag} takes a whole number ≥ 1, not "${text}".`);
  }
  return value;
}

/** The folders of `lib/` under `root` that have a test folder `tests/<folder>/`, sorted. */
export async function testedLibFolders(root: string): Promise<string[]> {
  const folders: string[] = [];
  for await (const entry of Deno.readDir(join(root, "lib"))) {
    if (!entry.isDirectory) continue;
    try {
      if ((await Deno.stat(join(root, "tests", entry.name))).isDirectory) folders.push(entry.name);
    } catch (error) {
      if (!(error instanceof Deno.errors.NotFound)) throw error;
    }
  }
  return folders.sort();
}

/** What `strykerOptions` needs besides the folder. */
export interface FolderRunSettings {
  /** Files to mutate; empty for the whole folder. */
  mutate: string[];
  /** Test paths; empty for `tests/<folder>/`. */
  tests: string[];
  /** How many `deno test` processes run at once. */
  concurrency: number;
  /** Milliseconds added to each mutant's time limit. */
  timeoutMs: number;
  /** The `deno` executable the test command calls. */
  denoPath: string;
  /** The reports' folder under `REPORT_ROOT` (default: the folder's name). */
  reportName?: string;
  /**
   * Stryker's reporters (default: clear text, progress, HTML and JSON; for a sample, progress and
   * JSON).
   */
  reporters?: string[];
  /** The random sample of mutants to test; undefined tests every mutant. */
  sample?: MutantSample;
}

/**
 * A random sample of a run's mutants: each mutant id (Stryker numbers a run's mutants 0, 1, ...)
 * is in it with probability `fraction`, independently, drawn from `seed`.
 */
export interface MutantSample {
  /** The probability that a mutant is tested, in (0, 1). */
  fraction: number;
  /** Seed of the draw. */
  seed: number;
}

/** Mutant ids a sample is drawn for; a run with more mutants is refused (see `sampledResults`). */
export const SAMPLE_ID_LIMIT = 100_000;

/**
 * The ids of the mutants in `sample`: for each id from 0 to `SAMPLE_ID_LIMIT` − 1, a draw from
 * the seeded generator, in order, keeps it when below the fraction.
 */
export function sampledMutantIds(sample: MutantSample): Set<string> {
  const random = createRandom(sample.seed);
  const ids = new Set<string>();
  for (let id = 0; id < SAMPLE_ID_LIMIT; id++) {
    if (random.next() < sample.fraction) ids.add(String(id));
  }
  return ids;
}

/** Where a run's reports go: `REPORT_ROOT/<reportName or folder>`. */
function reportDirectoryOf(folder: string, settings: FolderRunSettings): string {
  return `${REPORT_ROOT}/${settings.reportName ?? folder}`;
}

/**
 * The file listing a sample's mutant ids, one per line, which the test command reads; absolute,
 * as the tests run in the sandbox.
 */
export function sampleFile(reportDirectory: string): string {
  return join(Deno.cwd(), reportDirectory, "sample.txt");
}

/**
 * The results of the sampled mutants; throws when the run had more mutants than a sample is
 * drawn for (its score would leave the last ones out).
 */
export function sampledResults(results: MutantResult[], ids: Set<string>): MutantResult[] {
  const beyond = results.filter((result) => Number(result.id) >= SAMPLE_ID_LIMIT);
  if (beyond.length > 0) {
    throw new Error(
      `the run has ${results.length} mutants, more than the ${SAMPLE_ID_LIMIT} a sample is ` +
        "drawn for: mutate fewer files at once (--mutate or --per-module).",
    );
  }
  return results.filter((result) => ids.has(result.id));
}

/**
 * The shell command that runs `tests` (quoted for `sh`) in the sandbox. With `sampleIds` (the
 * path of a sample's id list), a mutant that is not listed passes at once without running a test;
 * its "survived" is not a result, and is left out (`sampledResults`). The run without a mutant,
 * which Stryker makes first, always runs the tests.
 */
export function testCommand(denoPath: string, tests: string[], sampleIds?: string): string {
  const quote = (word: string) => `'${word.replaceAll("'", `'\\''`)}'`;
  const skip = sampleIds === undefined ? "" : `if [ -n "$__STRYKER_ACTIVE_MUTANT__" ] && ! grep ` +
    `-qxF "$__STRYKER_ACTIVE_MUTANT__" ${quote(sampleIds)}; then exit 0; fi; `;
  // --no-check: the instrumented files carry `// @ts-nocheck`, so type-checking proves nothing
  // about a mutant and costs time on every run.
  return `${skip}TFJS_WASM_THREADS=1 ${quote(denoPath)} test --allow-all --no-check ` +
    tests.map(quote).join(" ");
}

/** Stryker's options for mutating `lib/<folder>/` against its tests. */
export function strykerOptions(folder: string, settings: FolderRunSettings): StrykerOptions {
  const reportDirectory = reportDirectoryOf(folder, settings);
  const tests = settings.tests.length > 0 ? settings.tests : [`tests/${folder}/`];
  return {
    testRunner: "command",
    commandRunner: {
      command: testCommand(
        settings.denoPath,
        tests,
        settings.sample === undefined ? undefined : sampleFile(reportDirectory),
      ),
    },
    // The command runner reports no coverage, so every mutant runs the whole command.
    coverageAnalysis: "off",
    mutate: settings.mutate.length > 0 ? settings.mutate : [`lib/${folder}/**/*.ts`],
    concurrency: settings.concurrency,
    timeoutMS: settings.timeoutMs,
    // The sandbox is a copy of the project (node_modules linked, deno.json and deno.lock copied,
    // so `deno test` in it resolves the same imports); downloaded data and notebooks stay out.
    ignorePatterns: ["/data", "/notebooks", "/.cache"],
    tempDirName: `${reportDirectory}/sandbox`,
    cleanTempDir: "always",
    // A sample's clear-text and HTML reports would list the mutants it passed over as survivors.
    reporters: settings.reporters ??
      [
        ...(settings.sample === undefined ? ["clear-text"] : []),
        Deno.stdout.isTerminal() ? "progress" : "progress-append-only",
        ...(settings.sample === undefined ? ["html"] : []),
        "json",
      ],
    clearTextReporter: { allowColor: false, reportTests: false, reportScoreTable: false },
    htmlReporter: { fileName: `${reportDirectory}/mutation.html` },
    jsonReporter: { fileName: `${reportDirectory}/mutation.json` },
  };
}

/** A folder's mutants counted by outcome, and its score. */
export interface MutationTally {
  /** Mutants whose tests failed. */
  killed: number;
  /** Mutants whose tests ran past the time limit (counted as detected, as Stryker does). */
  timeout: number;
  /** Mutants whose tests passed. */
  survived: number;
  /** Mutants no test reached (Stryker's command runner reports none: it has no coverage). */
  noCoverage: number;
  /** Mutants that could not run (compile or runtime errors); left out of the score. */
  errors: number;
  /** (killed + timeout) / (killed + timeout + survived + no coverage) × 100; NaN with no mutants. */
  score: number;
}

/** Counts `results` by outcome; the score is Stryker's "% Mutation score" (total). */
export function tallyMutants(results: MutantResult[]): MutationTally {
  const count = (...statuses: string[]) =>
    results.filter((result) => statuses.includes(result.status)).length;
  const killed = count("Killed");
  const timeout = count("Timeout");
  const survived = count("Survived");
  const noCoverage = count("NoCoverage");
  const errors = count("CompileError", "RuntimeError");
  const scored = killed + timeout + survived + noCoverage;
  return {
    killed,
    timeout,
    survived,
    noCoverage,
    errors,
    score: scored === 0 ? NaN : (killed + timeout) / scored * 100,
  };
}

/** A row of the score table: a folder (or module) and its tested mutants' outcomes. */
export interface ScoreRow {
  /** The folder or module. */
  folder: string;
  /** The outcomes of the mutants tested. */
  tally: MutationTally;
  /** For a sample: how many mutants the run had, of which the tally's were tested. */
  sampledFrom?: number;
}

/**
 * The per-folder score table printed at the end of a run. When a row is a sample, two columns
 * say how many mutants it tested of how many, and give the score's 95 % interval (Wilson's).
 */
export function formatScoreTable(rows: ScoreRow[]): string {
  const sampled = rows.some((row) => row.sampledFrom !== undefined);
  const header = [
    "folder",
    "killed",
    "survived",
    "timeout",
    "no coverage",
    "errors",
    "score %",
    ...(sampled ? ["tested", "95 % interval"] : []),
  ];
  const lines = rows.map(({ folder, tally, sampledFrom }) => {
    const scored = tally.killed + tally.timeout + tally.survived + tally.noCoverage;
    const interval = sampledFrom === undefined || scored === 0
      ? undefined
      : wilsonInterval(tally.killed + tally.timeout, scored);
    return [
      folder,
      String(tally.killed),
      String(tally.survived),
      String(tally.timeout),
      String(tally.noCoverage),
      String(tally.errors),
      Number.isNaN(tally.score) ? "n/a" : tally.score.toFixed(2),
      ...(!sampled ? [] : sampledFrom === undefined ? ["all", "-"] : [
        `${scored + tally.errors} of ${sampledFrom}`,
        interval === undefined
          ? "n/a"
          : `${(interval.low * 100).toFixed(1)}–${(interval.high * 100).toFixed(1)}`,
      ]),
    ];
  });
  const widths = header.map((title, column) =>
    Math.max(title.length, ...lines.map((line) => line[column].length))
  );
  const format = (cells: string[]) =>
    cells.map((cell, column) =>
      column === 0 ? cell.padEnd(widths[0]) : cell.padStart(widths[column])
    )
      .join("  ");
  return [format(header), ...lines.map(format)].join("\n");
}

/** A module of a `lib/` folder and its mirrored test file, if it has one. */
export interface ModuleTests {
  /** The module, e.g. "lib/training/callbacks/early_stopping.ts". */
  module: string;
  /** Its test file, e.g. "tests/training/callbacks/early_stopping_test.ts"; undefined if none. */
  test?: string;
}

/** Every `.ts` module under `lib/<folder>/` (under `root`), sorted, with its mirrored test file. */
export async function moduleTests(root: string, folder: string): Promise<ModuleTests[]> {
  const modules: string[] = [];
  const walk = async (directory: string) => {
    for await (const entry of Deno.readDir(join(root, directory))) {
      const path = `${directory}/${entry.name}`;
      if (entry.isDirectory) await walk(path);
      else if (entry.name.endsWith(".ts")) modules.push(path);
    }
  };
  await walk(`lib/${folder}`);
  const pairs: ModuleTests[] = [];
  for (const module of modules.sort()) {
    const test = module.replace(/^lib\//, "tests/").replace(/\.ts$/, "_test.ts");
    try {
      await Deno.stat(join(root, test));
      pairs.push({ module, test });
    } catch (error) {
      if (!(error instanceof Deno.errors.NotFound)) throw error;
      pairs.push({ module });
    }
  }
  return pairs;
}

/** What one Stryker run found. */
export interface FolderRun {
  /** The outcomes of the mutants tested (all of them, or the sample's). */
  results: MutantResult[];
  /** How many mutants the run had, tested or not. */
  mutants: number;
}

/**
 * Runs Stryker on one folder from the repository root. With a sample, it first writes the
 * sample's id list for the test command, and afterwards marks the mutants left out "Ignored" in
 * the JSON report.
 */
export async function mutateFolder(
  folder: string,
  settings: FolderRunSettings,
): Promise<FolderRun> {
  const options = strykerOptions(folder, settings);
  if (settings.sample === undefined) {
    const results = await new Stryker(options).runMutationTest();
    return { results, mutants: results.length };
  }
  const ids = sampledMutantIds(settings.sample);
  const idFile = sampleFile(reportDirectoryOf(folder, settings));
  await Deno.mkdir(dirname(idFile), { recursive: true });
  await Deno.writeTextFile(idFile, [...ids].join("\n") + "\n");
  const all = await new Stryker(options).runMutationTest();
  const results = sampledResults(all, ids);
  const reportFile = options.jsonReporter?.fileName;
  if (reportFile !== undefined && (settings.reporters ?? ["json"]).includes("json")) {
    const report = JSON.parse(await Deno.readTextFile(reportFile));
    for (const file of Object.values(report.files) as { mutants: MutantReport[] }[]) {
      for (const mutant of file.mutants) {
        if (!ids.has(mutant.id)) {
          mutant.status = "Ignored";
          mutant.statusReason = `not in the sample (--sample ${settings.sample.fraction})`;
        }
      }
    }
    await Deno.writeTextFile(reportFile, JSON.stringify(report));
  }
  return { results, mutants: all.length };
}

/** The fields of a mutant in Stryker's JSON report that a sample rewrites. */
interface MutantReport {
  id: string;
  status: string;
  statusReason?: string;
}

/** One line per surviving mutant: where it is and what it changed. */
export function survivorLines(results: MutantResult[]): string[] {
  return results.filter((result) => result.status === "Survived").map((result) =>
    `${result.fileName.replace(/^.*?\/lib\//, "lib/")}:${result.location.start.line}:` +
    `${result.location.start.column} ${result.mutatorName}: ${
      (result.replacement ?? "").replaceAll(/\s+/g, " ").slice(0, 80)
    }`
  );
}

/** Runs the command line `args`; returns the exit code (0 done, 1 a run failed, 2 bad usage). */
export async function main(args: string[]): Promise<number> {
  Deno.chdir(REPO_ROOT);
  let parsed: MutationArgs;
  try {
    parsed = parseMutationArgs(args, await testedLibFolders("."));
  } catch (error) {
    console.error(`error: ${(error as Error).message}\n\n${HELP_TEXT}`);
    return 2;
  }
  if (parsed.help) {
    console.log(HELP_TEXT);
    return 0;
  }
  const rows: ScoreRow[] = [];
  let exitCode = 0;
  const settings = { ...parsed, denoPath: Deno.execPath() };
  const moduleRows: ScoreRow[] = [];
  const survivors: string[] = [];
  const untested: string[] = [];
  for (const folder of parsed.folders) {
    const runs = parsed.perModule
      ? (await moduleTests(".", folder)).flatMap(({ module, test }) => {
        if (test === undefined) untested.push(module);
        return test === undefined ? [] : [{
          name: module.replace(/^lib\//, "").replace(/\.ts$/, ""),
          mutate: [module],
          tests: [test],
        }];
      })
      : [{ name: folder, mutate: parsed.mutate, tests: parsed.tests }];
    const results: MutantResult[] = [];
    let mutants = 0;
    for (const run of runs) {
      console.log(`\n=== mutation: lib/${run.name} ===`);
      try {
        const runResults = await mutateFolder(folder, {
          ...settings,
          ...run,
          reportName: run.name,
        });
        if (parsed.perModule) {
          moduleRows.push({
            folder: run.name,
            tally: tallyMutants(runResults.results),
            sampledFrom: parsed.sample === undefined ? undefined : runResults.mutants,
          });
        }
        results.push(...runResults.results);
        mutants += runResults.mutants;
        if (parsed.sample !== undefined) survivors.push(...survivorLines(runResults.results));
      } catch (error) {
        console.error(`mutation: lib/${run.name} did not run: ${(error as Error).message}`);
        exitCode = 1;
      }
    }
    rows.push({
      folder,
      tally: tallyMutants(results),
      sampledFrom: parsed.sample === undefined ? undefined : mutants,
    });
  }
  if (survivors.length > 0) {
    console.log(`\nSurvivors in the sample:\n${survivors.map((line) => `  ${line}`).join("\n")}`);
  }
  if (moduleRows.length > 0) {
    console.log("\nMutation score per module, each against its own test file:");
    console.log(formatScoreTable(moduleRows));
  }
  if (untested.length > 0) {
    console.log(`\nNot run (no mirrored test file): ${untested.join(", ")}`);
  }
  console.log(`\nMutation score per folder (reports in ${REPORT_ROOT}/):`);
  console.log(formatScoreTable(rows));
  return exitCode;
}

if (import.meta.main) Deno.exit(await main(Deno.args));
