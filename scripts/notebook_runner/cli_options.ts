/**
 * The command line of `deno task notebooks`: flags, their defaults, the `--help` text, and which
 * notebooks the paths name (no path: every `notebooks/*.ipynb`, sorted by name).
 */
import { basename, join } from "node:path";
import { parseArgs } from "node:util";
import {
  DEFAULT_CELL_TIMEOUT_SECONDS,
  DEFAULT_QUIET_PERIOD_MS,
  DEFAULT_STARTUP_TIMEOUT_SECONDS,
  RUNS_FOLDER,
} from "./run_notebook.ts";

/** The parsed command line. */
export interface CliOptions {
  help: boolean;
  /** The PATH arguments, as given (see `resolveNotebookPaths`). */
  paths: string[];
  /** Folder for executed copies; undefined: the runs folder, then in place after a full run. */
  outputDirectory?: string;
  timeoutSeconds: number;
  quietPeriodMs: number;
  startupTimeoutSeconds: number;
  allowErrors: boolean;
}

/** The folder searched when no path is given. */
export const DEFAULT_NOTEBOOK_FOLDER = "notebooks";

/** The `--help` text. */
export const HELP_TEXT = `Run Jupyter notebooks headlessly with the Deno kernel (no Python needed).

Usage: deno task notebooks [OPTIONS] [PATH...]

PATH is an .ipynb file or a folder (its *.ipynb files, sorted by name).
Without PATH: every ${DEFAULT_NOTEBOOK_FOLDER}/*.ipynb, sorted by name.

Each notebook gets its own kernel (deno jupyter --kernel), started in the
notebook's folder with this environment (PROFILE, CATS_DOGS_DIR, TFJS_BACKEND
pass through). Code cells run in order; the executed copy is written
(atomically) with its outputs after every cell, into the ${RUNS_FOLDER}/ folder
beside the notebook (e.g. notebooks/${RUNS_FOLDER}/01-setup.ipynb). The stored
notebook is replaced, atomically, only when every cell ran without error in
the full profile (PROFILE=full); a failure, an interruption, a
timeout, a dead kernel or another profile leave it as it was. A cell that
throws stops the notebook, and the report names the cell, the error and its
traceback; the summary says where each executed copy was written.

Options:
  -o, --output DIR           write executed copies into DIR (created if needed),
                             whatever the outcome; the notebooks stay as they are
      --timeout SECONDS      per-cell time limit (default ${DEFAULT_CELL_TIMEOUT_SECONDS} = 3 hours)
      --allow-errors         keep running after a cell that throws (the run
                             still fails on a timeout or a dead kernel; a
                             run with errors never replaces the notebook)
      --quiet-period MS      after a cell's reply, wait until the kernel sent
                             nothing for the cell for MS ms (default ${DEFAULT_QUIET_PERIOD_MS});
                             the Deno kernel publishes results late
      --startup-timeout SECONDS
                             time the kernel may take to start (default ${DEFAULT_STARTUP_TIMEOUT_SECONDS})
  -h, --help                 show this help

Exit code: 0 if every notebook ran without failure, 1 otherwise, 2 for a bad
command line.`;

/** Parses `args`; throws an Error with the problem and the fix for a bad command line. */
export function parseCliOptions(args: string[]): CliOptions {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      allowPositionals: true,
      options: {
        help: { type: "boolean", short: "h", default: false },
        output: { type: "string", short: "o" },
        timeout: { type: "string" },
        "quiet-period": { type: "string" },
        "startup-timeout": { type: "string" },
        "allow-errors": { type: "boolean", default: false },
      },
    });
  } catch (error) {
    throw new Error(`${(error as Error).message}. See --help for the options.`);
  }
  const values = parsed.values;
  return {
    help: values.help === true,
    paths: parsed.positionals,
    outputDirectory: values.output,
    timeoutSeconds: positiveNumber(values.timeout, "--timeout", DEFAULT_CELL_TIMEOUT_SECONDS),
    quietPeriodMs: positiveNumber(
      values["quiet-period"],
      "--quiet-period",
      DEFAULT_QUIET_PERIOD_MS,
    ),
    startupTimeoutSeconds: positiveNumber(
      values["startup-timeout"],
      "--startup-timeout",
      DEFAULT_STARTUP_TIMEOUT_SECONDS,
    ),
    allowErrors: values["allow-errors"] === true,
  };
}

function positiveNumber(text: string | undefined, flag: string, fallback: number): number {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!Number.isFinite(value) || value <= 0) {
    throw new Error(`${flag} needs a positive number, got "${text}". Example: ${flag} 600`);
  }
  return value;
}

/**
 * The notebooks `paths` name, in order: files as given, folders expanded to their `*.ipynb`
 * sorted by name; no path means `notebooks/`. Throws for a missing path, a non-notebook file, or
 * (with an output folder) two notebooks that would be written to the same file.
 */
export async function resolveNotebookPaths(
  paths: string[],
  outputDirectory: string | undefined,
): Promise<string[]> {
  const notebooks: string[] = [];
  for (const path of paths.length > 0 ? paths : [DEFAULT_NOTEBOOK_FOLDER]) {
    let info: Deno.FileInfo;
    try {
      info = await Deno.stat(path);
    } catch {
      throw new Error(`No such notebook or folder: ${path}. Check the path (see --help).`);
    }
    if (info.isDirectory) {
      const found = [];
      for await (const entry of Deno.readDir(path)) {
        if (entry.isFile && entry.name.endsWith(".ipynb")) found.push(join(path, entry.name));
      }
      if (found.length === 0) {
        throw new Error(`Folder ${path} holds no .ipynb notebook. Pass notebook files instead.`);
      }
      notebooks.push(...found.sort());
    } else if (path.endsWith(".ipynb")) {
      notebooks.push(path);
    } else {
      throw new Error(`${path} is not a notebook (.ipynb). Pass .ipynb files or folders.`);
    }
  }
  if (outputDirectory !== undefined) {
    const seen = new Map<string, string>();
    for (const notebook of notebooks) {
      const name = basename(notebook);
      const other = seen.get(name);
      if (other !== undefined && other !== notebook) {
        throw new Error(
          `${other} and ${notebook} would both be written to ${join(outputDirectory, name)}. ` +
            "Run them with different --output folders.",
        );
      }
      seen.set(name, notebook);
    }
  }
  return notebooks;
}
