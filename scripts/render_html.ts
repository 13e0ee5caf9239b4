/**
 * `deno task html [--out DIR] [NOTEBOOK...]`: writes a static, self-contained HTML reading copy of
 * the executed notebooks (stored outputs included) plus an index page. Defaults: every
 * `notebooks/*.ipynb` of the project, written to `data/site/` (git-ignored).
 */

import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { renderSite } from "./html/site.ts";

const PROJECT_ROOT = fileURLToPath(new URL("..", import.meta.url));
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
      outDir = value;
    } else if (arg.startsWith("-")) {
      throw new Error(`Unknown option ${arg}.\n${USAGE}`);
    } else {
      notebooks.push(arg);
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

async function main(): Promise<void> {
  const parsed = parseArguments(Deno.args);
  if (parsed === undefined) {
    console.log(USAGE);
    return;
  }
  const notebooks = parsed.notebooks.length > 0 ? parsed.notebooks : await defaultNotebooks();
  const site = await renderSite(notebooks, parsed.outDir);
  for (const path of site.pagePaths) console.log(`wrote ${relative(Deno.cwd(), path)}`);
  console.log(`open ${relative(Deno.cwd(), site.indexPath)}`);
}

if (import.meta.main) {
  try {
    await main();
  } catch (error) {
    console.error(`error: ${(error as Error).message}`);
    Deno.exit(1);
  }
}
