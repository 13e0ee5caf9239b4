/**
 * The nbformat 4.5 notebook model: reading an `.ipynb` file (joining line lists into strings),
 * writing it the way Jupyter does (line lists, stable JSON, trailing newline) atomically, and the
 * small normalizations a run needs (cell ids, kernel metadata).
 */
import { dirname, join } from "node:path";
import { type JsonValue, stringifyLikePython } from "./stable_json.ts";

/** A JSON object as stored in a notebook (metadata, MIME bundles). */
export type JsonObject = { [key: string]: JsonValue };

/** Text on stdout or stderr (`stream` output). */
export interface StreamOutput {
  output_type: "stream";
  name: "stdout" | "stderr";
  text: string;
}

/** Rich data shown by `Deno.jupyter.display` (`display_data` output). */
export interface DisplayDataOutput {
  output_type: "display_data";
  data: JsonObject;
  metadata: JsonObject;
}

/** The value of the cell's last expression (`execute_result` output). */
export interface ExecuteResultOutput {
  output_type: "execute_result";
  data: JsonObject;
  metadata: JsonObject;
  execution_count: number | null;
}

/** An exception the cell raised (`error` output). */
export interface ErrorOutput {
  output_type: "error";
  ename: string;
  evalue: string;
  traceback: string[];
}

/** One output of a code cell. */
export type CellOutput = StreamOutput | DisplayDataOutput | ExecuteResultOutput | ErrorOutput;

/** A code cell; `source` is always one string in memory. */
export interface CodeCell {
  cell_type: "code";
  id?: string;
  metadata: JsonObject;
  source: string;
  execution_count: number | null;
  outputs: CellOutput[];
}

/** A markdown or raw cell, kept as read apart from its source joined into one string. */
export interface TextCell {
  cell_type: "markdown" | "raw";
  id?: string;
  metadata: JsonObject;
  source: string;
  [key: string]: JsonValue | undefined;
}

/** One cell of a notebook. */
export type Cell = CodeCell | TextCell;

/** A whole nbformat 4 notebook. */
export interface Notebook {
  nbformat: number;
  nbformat_minor: number;
  metadata: JsonObject;
  cells: Cell[];
}

/** The MIME types whose string values Jupyter stores as line lists (besides every `text/*`). */
const SPLIT_NON_TEXT_MIME_TYPES = new Set(["application/javascript", "image/svg+xml"]);

/** Reads and checks an `.ipynb` file; line lists become strings. Errors name the file and fix. */
export async function readNotebook(path: string): Promise<Notebook> {
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (error) {
    throw new Error(
      `Cannot read notebook ${path}: ${(error as Error).message}. Check the path and permissions.`,
    );
  }
  return parseNotebook(text, path);
}

/** Parses notebook JSON text (see `readNotebook`); `path` only names the file in errors. */
export function parseNotebook(text: string, path: string): Notebook {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new Error(
      `Notebook ${path} is not valid JSON (${(error as Error).message}). ` +
        "Restore it from git or re-save it in Jupyter.",
    );
  }
  const notebook = parsed as Notebook;
  if (
    typeof parsed !== "object" || parsed === null || notebook.nbformat !== 4 ||
    !Array.isArray(notebook.cells)
  ) {
    throw new Error(
      `${path} is not an nbformat 4 notebook (needs "nbformat": 4 and a "cells" list). ` +
        "Convert it with Jupyter (File > Save) first.",
    );
  }
  notebook.metadata ??= {};
  notebook.nbformat_minor ??= 0;
  notebook.cells.forEach((cell, index) => normalizeCellOnRead(cell, index, path));
  return notebook;
}

function normalizeCellOnRead(cell: Cell, index: number, path: string): void {
  if (!["code", "markdown", "raw"].includes(cell.cell_type)) {
    throw new Error(
      `Cell ${index + 1} of ${path} has cell_type ${JSON.stringify(cell.cell_type)}; ` +
        'expected "code", "markdown" or "raw". Fix the cell in Jupyter.',
    );
  }
  cell.source = joinLines(cell.source as string | string[] | undefined);
  cell.metadata ??= {};
  if (cell.cell_type === "code") {
    cell.outputs ??= [];
    cell.execution_count ??= null;
    for (const output of cell.outputs) {
      if (output.output_type === "stream") output.text = joinLines(output.text);
      if (output.output_type === "display_data" || output.output_type === "execute_result") {
        joinMimeBundle(output.data);
      }
    }
  }
}

function joinLines(value: string | string[] | undefined): string {
  return Array.isArray(value) ? value.join("") : value ?? "";
}

function isJsonMimeType(mimeType: string): boolean {
  return mimeType === "application/json" ||
    (mimeType.startsWith("application/") && mimeType.endsWith("+json"));
}

function joinMimeBundle(data: JsonObject): void {
  for (const [mimeType, value] of Object.entries(data)) {
    if (
      !isJsonMimeType(mimeType) && Array.isArray(value) &&
      value.every((line) => typeof line === "string")
    ) {
      data[mimeType] = value.join("");
    }
  }
}

/**
 * Splits text into lines keeping their endings, at the same boundaries as Python's
 * `str.splitlines(True)` (which nbformat uses).
 */
export function splitLinesLikePython(text: string): string[] {
  const lines: string[] = [];
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    if (!PYTHON_LINE_BREAKS.has(text[i])) continue;
    if (text[i] === "\r" && text[i + 1] === "\n") i++;
    lines.push(text.slice(start, i + 1));
    start = i + 1;
  }
  if (start < text.length) lines.push(text.slice(start));
  return lines;
}

/** The characters Python's `str.splitlines` ends a line at (`\r\n` counts as one break). */
const PYTHON_LINE_BREAKS = new Set([
  "\n",
  "\r",
  "\v",
  "\f",
  "\x1c",
  "\x1d",
  "\x1e",
  "\x85",
  "\u2028",
  "\u2029",
]);

/** The notebook as Jupyter writes it: line lists, sorted keys, indent 1, trailing newline. */
export function serializeNotebook(notebook: Notebook): string {
  const cells = notebook.cells.map((cell) => {
    const stored: Record<string, unknown> = {
      ...cell,
      source: splitLinesLikePython(cell.source),
    };
    if (cell.cell_type === "code") stored.outputs = cell.outputs.map(outputForFile);
    return stored;
  });
  const metadata = { ...notebook.metadata };
  delete metadata.signature;
  delete metadata.orig_nbformat;
  delete metadata.orig_nbformat_minor;
  return stringifyLikePython({ ...notebook, metadata, cells }) + "\n";
}

function outputForFile(output: CellOutput): CellOutput {
  if (output.output_type === "stream") {
    return { ...output, text: splitLinesLikePython(output.text) as unknown as string };
  }
  if (output.output_type === "display_data" || output.output_type === "execute_result") {
    const data: JsonObject = {};
    for (const [mimeType, value] of Object.entries(output.data)) {
      const split = typeof value === "string" &&
        (mimeType.startsWith("text/") || SPLIT_NON_TEXT_MIME_TYPES.has(mimeType));
      data[mimeType] = split ? splitLinesLikePython(value) : value;
    }
    return { ...output, data };
  }
  return output;
}

/**
 * Writes the notebook to `path` through a temporary file in the same folder and a rename, so a
 * reader (or a crash) never sees a half-written notebook.
 */
export async function writeNotebookAtomically(path: string, notebook: Notebook): Promise<void> {
  const text = serializeNotebook(notebook);
  const temporaryPath = join(
    dirname(path),
    `.${crypto.randomUUID()}.ipynb.tmp`,
  );
  try {
    await Deno.writeTextFile(temporaryPath, text);
    await Deno.rename(temporaryPath, path);
  } catch (error) {
    await Deno.remove(temporaryPath).catch(() => {});
    throw new Error(
      `Cannot write notebook ${path}: ${(error as Error).message}. ` +
        "Check that its folder exists and is writable.",
    );
  }
}

/**
 * Gives every cell a valid nbformat 4.5 `id` (8 random hex digits, like Jupyter) where it has
 * none or a duplicate, and raises `nbformat_minor` to 5 so the ids are allowed.
 */
export function ensureCellIds(notebook: Notebook): void {
  const seen = new Set<string>();
  for (const cell of notebook.cells) {
    const valid = typeof cell.id === "string" && /^[a-zA-Z0-9_-]{1,64}$/.test(cell.id) &&
      !seen.has(cell.id);
    if (!valid) cell.id = uniqueCellId(seen);
    seen.add(cell.id!);
  }
  notebook.nbformat_minor = Math.max(notebook.nbformat_minor, 5);
}

function uniqueCellId(taken: Set<string>): string {
  for (;;) {
    const id = crypto.randomUUID().replaceAll("-", "").slice(0, 8);
    if (!taken.has(id)) return id;
  }
}

/** The kernelspec `deno jupyter --install` registers. */
const DENO_KERNELSPEC: JsonObject = {
  display_name: "Deno",
  language: "typescript",
  name: "deno",
};

/**
 * Sets `metadata.kernelspec` to the Deno kernel (kept as it is if it already names `deno`) and
 * `metadata.language_info` to what the kernel reported.
 */
export function setKernelMetadata(notebook: Notebook, languageInfo: JsonObject): void {
  const kernelspec = notebook.metadata.kernelspec as JsonObject | undefined;
  if (kernelspec?.name !== "deno") notebook.metadata.kernelspec = { ...DENO_KERNELSPEC };
  notebook.metadata.language_info = languageInfo;
}
