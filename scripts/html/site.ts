/** Rendering of a set of notebook files into a folder of HTML pages plus an index page. */

import { basename, join } from "node:path";
import { type IndexEntry, renderIndexPage } from "./index_page.ts";
import { firstHeading, parseNotebook } from "./notebook.ts";
import { renderNotebookPage } from "./page.ts";

/** What {@link renderSite} wrote. */
export interface RenderedSite {
  /** The index page's path. */
  indexPath: string;
  /** One path per notebook page, in the order of the notebooks given. */
  pagePaths: string[];
  /** What could not be shown faithfully, one line each, starting with the notebook's file name. */
  warnings: string[];
}

/**
 * Renders each `.ipynb` file in `notebookPaths` to `<outDir>/<name>.html` and writes
 * `<outDir>/index.html` linking them all; creates `outDir` when missing.
 */
export async function renderSite(notebookPaths: string[], outDir: string): Promise<RenderedSite> {
  if (notebookPaths.length === 0) {
    throw new Error("No notebooks to render; pass .ipynb paths or add notebooks to notebooks/.");
  }
  const pageNames = new Map<string, string>();
  for (const path of notebookPaths) {
    if (!path.endsWith(".ipynb")) {
      throw new Error(`${path} is not a .ipynb file; pass Jupyter notebook files only.`);
    }
    const pageName = basename(path).replace(/\.ipynb$/, ".html");
    const clash = pageNames.get(pageName);
    if (clash !== undefined) {
      throw new Error(
        `${clash} and ${path} would both be written as ${pageName}; render them into separate --out folders.`,
      );
    }
    pageNames.set(pageName, path);
  }
  await Deno.mkdir(outDir, { recursive: true });
  const entries: IndexEntry[] = [];
  const pagePaths: string[] = [];
  const warnings: string[] = [];
  for (const [pageName, path] of pageNames) {
    const notebook = parseNotebook(await readNotebookText(path), path);
    const sourceName = basename(path);
    const pagePath = join(outDir, pageName);
    const page = renderNotebookPage(notebook, { sourceName, indexHref: "index.html" });
    await Deno.writeTextFile(pagePath, page.html);
    pagePaths.push(pagePath);
    warnings.push(...page.warnings.map((warning) => `${sourceName}, ${warning}`));
    entries.push({
      title: firstHeading(notebook) ?? sourceName.replace(/\.ipynb$/, ""),
      href: pageName,
      sourceName,
    });
  }
  const indexPath = join(outDir, "index.html");
  await Deno.writeTextFile(indexPath, renderIndexPage(entries));
  return { indexPath, pagePaths, warnings };
}

async function readNotebookText(path: string): Promise<string> {
  try {
    return await Deno.readTextFile(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) {
      throw new Error(
        `Notebook ${path} does not exist; check the path (relative to ${Deno.cwd()}).`,
      );
    }
    throw error;
  }
}
