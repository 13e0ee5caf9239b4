/** The parts of the Jupyter nbformat 4 notebook format that the HTML renderer reads. */

/** Multi-line text as nbformat stores it: one string, or a list of lines to concatenate. */
export type MultilineText = string | string[];

/** A MIME bundle: MIME type → content (text, base64 for binary images, or JSON). */
export type MimeBundle = Record<string, unknown>;

/** One output of a code cell. */
export type NotebookOutput =
  | { output_type: "stream"; name: string; text: MultilineText }
  | {
    output_type: "display_data" | "execute_result";
    data: MimeBundle;
    metadata?: Record<string, unknown>;
    execution_count?: number | null;
  }
  | { output_type: "error"; ename: string; evalue: string; traceback: string[] };

/** One cell of a notebook. */
export type NotebookCell =
  | {
    cell_type: "markdown";
    source: MultilineText;
    attachments?: Record<string, Record<string, string>>;
  }
  | {
    cell_type: "code";
    source: MultilineText;
    execution_count: number | null;
    outputs: NotebookOutput[];
  }
  | { cell_type: "raw"; source: MultilineText };

/** A parsed notebook: its cells and the metadata naming its language. */
export interface Notebook {
  cells: NotebookCell[];
  metadata: {
    kernelspec?: { display_name?: string; language?: string };
    language_info?: { name?: string };
  };
}

/** Joins nbformat multi-line text into one string. */
export function joinText(text: MultilineText | undefined): string {
  if (text === undefined) return "";
  return Array.isArray(text) ? text.join("") : String(text);
}

/**
 * Parses notebook JSON and checks it is nbformat 4 with the fields the renderer needs; errors name
 * `path`, the problem and the fix.
 */
export function parseNotebook(json: string, path: string): Notebook {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch (error) {
    throw new Error(
      `${path} is not valid JSON (${(error as Error).message}); ` +
        "re-save it from Jupyter or restore it from git.",
    );
  }
  const notebook = value as { nbformat?: unknown; cells?: unknown; metadata?: unknown };
  if (typeof value !== "object" || value === null || notebook.nbformat !== 4) {
    throw new Error(
      `${path} is not an nbformat 4 notebook (nbformat is ${
        JSON.stringify(notebook?.nbformat)
      }); convert it with \`jupyter nbconvert --to notebook --nbformat 4\`.`,
    );
  }
  if (!Array.isArray(notebook.cells)) {
    throw new Error(`${path} has no "cells" list; it is not a complete notebook file.`);
  }
  notebook.cells.forEach((cell, index) => checkCell(cell, index, path));
  return { cells: notebook.cells, metadata: (notebook.metadata ?? {}) as Notebook["metadata"] };
}

function checkCell(cell: unknown, index: number, path: string): void {
  const where = `${path}, cell ${index + 1}`;
  const fields = cell as { cell_type?: unknown; source?: unknown; outputs?: unknown };
  if (typeof cell !== "object" || cell === null) {
    throw new Error(`${where} is not an object; the notebook file is damaged.`);
  }
  if (!["markdown", "code", "raw"].includes(String(fields.cell_type))) {
    throw new Error(
      `${where} has cell_type ${JSON.stringify(fields.cell_type)}; ` +
        'expected "markdown", "code" or "raw" (nbformat 4).',
    );
  }
  if (typeof fields.source !== "string" && !Array.isArray(fields.source)) {
    throw new Error(`${where} has no "source" text; the notebook file is damaged.`);
  }
  if (fields.cell_type === "code" && !Array.isArray(fields.outputs)) {
    throw new Error(`${where} is a code cell without an "outputs" list; add "outputs": [].`);
  }
}

/** The text of the notebook's first markdown heading, or undefined when it has none. */
export function firstHeading(notebook: Notebook): string | undefined {
  for (const cell of notebook.cells) {
    if (cell.cell_type !== "markdown") continue;
    for (const line of joinText(cell.source).split("\n")) {
      const heading = /^ {0,3}#{1,6}\s+(.*?)(?:\s+#+)?\s*$/.exec(line);
      if (heading) return heading[1].replace(/[*_`]/g, "");
    }
  }
  return undefined;
}
