/**
 * `deno task html [--out DIR] [NOTEBOOK...]`: writes a static, self-contained HTML reading copy of
 * the executed notebooks (stored outputs included) plus an index page. Defaults: every
 * `notebooks/*.ipynb` of the project, written to `data/site/` (git-ignored). What a page cannot
 * show faithfully (a formula KaTeX rejects, HTML removed as unsafe) is printed as a warning.
 */

import { isAbsolute, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { renderSite } from "./html/site.ts";

const PROJECT_ROOT = fileURLToPath(new URL("..", import.meta.url));
/** Where the user typed the command: `deno task` runs in the project root but sets INIT_CWD. */
const CALLER_DIR = Deno.env.get("INIT_CWD") ?? Deno.cwd();
const USAGE = "Usage: deno task html [--out DIR] [NOTEBOOK.ipynb...]\n" +
  "  Renders the notebooks (default: notebooks/*.ipynb) to DIR (default: data/site/).";

interface Arguments {
  outDir: string;
  notebooks: string[];
}

function parseArguments(args: string[]): Arguments | undefined {
  let outDir = join(PROJECT_ROOT, "data", "site");
  const notebooks: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === "--help" || arg === "-h") return undefined;
    if (arg === "--out" || arg.startsWith("--out=")) {
      const value = arg === "--out" ? args[++i] : arg.slice("--out=".length);
      if (!value) throw new Error(`--out needs a folder, e.g. --out site/.\n${USAGE}`);
      outDir = resolve(CALLER_DIR, value);
    } else if (arg.startsWith("-")) {
      throw new Error(`Unknown option ${arg}.\n${USAGE}`);
    } else {
      notebooks.push(resolve(CALLER_DIR, arg));
    }
  }
  return { outDir, notebooks };
}

async function defaultNotebooks(): Promise<string[]> {
  const folder = join(PROJECT_ROOT, "notebooks");
  const paths: string[] = [];
  try {
    for await (const entry of Deno.readDir(folder)) {
      if (entry.isFile && entry.name.endsWith(".ipynb")) paths.push(join(folder, entry.name));
    }
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  }
  if (paths.length === 0) {
    throw new Error(`No .ipynb files in ${folder}; pass notebook paths as arguments.`);
  }
  return paths.sort();
}

/** `path` relative to where the user is, unless that would climb out of it. */
function displayPath(path: string): string {
  const relativePath = relative(CALLER_DIR, path);
  return relativePath.startsWith("..") || isAbsolute(relativePath) ? path : relativePath;
}

async function main(): Promise<void> {
  const parsed = parseArguments(Deno.args);
  if (parsed === undefined) {
    console.log(USAGE);
    return;
  }
  const notebooks = parsed.notebooks.length > 0 ? parsed.notebooks : await defaultNotebooks();
  const site = await renderSite(notebooks, parsed.outDir);
  for (const path of site.pagePaths) console.log(`wrote ${displayPath(path)}`);
  for (const warning of site.warnings) console.error(`warning: ${warning}`);
  console.log(`open ${displayPath(site.indexPath)}`);
}

if (import.meta.main) {
  try {
    await main();
  } catch (error) {
    console.error(`error: ${(error as Error).message}`);
    Deno.exit(1);
  }
}
