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
  /** Stryker's reporters (default: clear text, progress, HTML and JSON). */
  reporters?: string[];
}

/** The shell command that runs `tests` (quoted for `sh`) in the sandbox. */
export function testCommand(denoPath: string, tests: string[]): string {
  const quote = (word: string) => `'${word.replaceAll("'", `'\\''`)}'`;
  // --no-check: the instrumented files carry `// @ts-nocheck`, so type-checking proves nothing
  // about a mutant and costs time on every run.
  return `TFJS_WASM_THREADS=1 ${quote(denoPath)} test --allow-all --no-check ` +
    tests.map(quote).join(" ");
}

/** Stryker's options for mutating `lib/<folder>/` against its tests. */
export function strykerOptions(folder: string, settings: FolderRunSettings): StrykerOptions {
  const reportDirectory = `${REPORT_ROOT}/${settings.reportName ?? folder}`;
  const tests = settings.tests.length > 0 ? settings.tests : [`tests/${folder}/`];
  return {
    testRunner: "command",
    commandRunner: { command: testCommand(settings.denoPath, tests) },
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
    reporters: settings.reporters ??
      [
        "clear-text",
        Deno.stdout.isTerminal() ? "progress" : "progress-append-only",
        "html",
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

/** The per-folder score table printed at the end of a run. */
export function formatScoreTable(rows: { folder: string; tally: MutationTally }[]): string {
  const header = ["folder", "killed", "survived", "timeout", "no coverage", "errors", "score %"];
  const lines = rows.map(({ folder, tally }) => [
    folder,
    String(tally.killed),
    String(tally.survived),
    String(tally.timeout),
    String(tally.noCoverage),
    String(tally.errors),
    Number.isNaN(tally.score) ? "n/a" : tally.score.toFixed(2),
  ]);
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

/** Runs Stryker on one folder from the repository root; returns its mutants' outcomes. */
export function mutateFolder(folder: string, settings: FolderRunSettings): Promise<MutantResult[]> {
  return new Stryker(strykerOptions(folder, settings)).runMutationTest();
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
  const rows: { folder: string; tally: MutationTally }[] = [];
  let exitCode = 0;
  const settings = { ...parsed, denoPath: Deno.execPath() };
  const moduleRows: { folder: string; tally: MutationTally }[] = [];
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
    for (const run of runs) {
      console.log(`\n=== mutation: lib/${run.name} ===`);
      try {
        const runResults = await mutateFolder(folder, {
          ...settings,
          ...run,
          reportName: run.name,
        });
        if (parsed.perModule) {
          moduleRows.push({ folder: run.name, tally: tallyMutants(runResults) });
        }
        results.push(...runResults);
      } catch (error) {
        console.error(`mutation: lib/${run.name} did not run: ${(error as Error).message}`);
        exitCode = 1;
      }
    }
    rows.push({ folder, tally: tallyMutants(results) });
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
