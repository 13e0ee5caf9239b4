/**
 * Finds the real reason behind the Deno kernel's bare "Execution failed" (a syntax error or an
 * import that cannot be resolved) by running `deno check` on the failed cell's source, saved as a
 * temporary `.ts` file in the notebook's folder so relative imports and `deno.json` resolve as they
 * do in the kernel. File positions in the messages are mapped back to the cell's lines.
 */
import { join } from "node:path";

/** How long `deno check` may take (it may download npm packages). */
const CHECK_TIMEOUT_MS = 120_000;

/** Type-check codes that mean "this import cannot be resolved". */
const IMPORT_ERROR_CODES = new Set(["TS2307", "TS2792"]);

/** How many type errors to show when the cell parses and its imports resolve. */
const MAX_TYPE_ERRORS_SHOWN = 5;

/**
 * Returns what `deno check` says about `cellSource` (run in `notebookDirectory`, with `environment`
 * added to this process's), with positions written as `cell line L, column C`. Never throws: if the
 * check itself cannot run, the text says so.
 */
export async function explainSilentFailure(
  cellSource: string,
  notebookDirectory: string,
  environment: Record<string, string> = {},
): Promise<string> {
  const fileName = `.run_notebooks_check_${crypto.randomUUID()}.ts`;
  const filePath = join(notebookDirectory, fileName);
  try {
    await Deno.writeTextFile(filePath, cellSource);
    const { code, stdout, stderr } = await new Deno.Command(Deno.execPath(), {
      args: ["check", fileName],
      cwd: notebookDirectory,
      env: { ...environment, NO_COLOR: "1", RUST_BACKTRACE: "0" },
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
      signal: AbortSignal.timeout(CHECK_TIMEOUT_MS),
    }).output();
    const decoder = new TextDecoder();
    const text = mapPositionsToCell(
      decoder.decode(stdout) + decoder.decode(stderr),
      fileName,
    );
    if (code === 0) {
      return "`deno check` finds no syntax, import or type error in the cell on its own; " +
        "the kernel gave no more detail.";
    }
    return summarizeCheckOutput(text);
  } catch (error) {
    return `Could not run \`deno check\` on the cell to find the cause: ${
      (error as Error).message
    }`;
  } finally {
    await Deno.remove(filePath).catch(() => {});
  }
}

/** Replaces `file:///…/<fileName>:L:C` (and bare mentions of the file) with cell positions. */
function mapPositionsToCell(text: string, fileName: string): string {
  const escaped = fileName.replaceAll(".", "\\.");
  return text
    .replace(new RegExp(`\\S*${escaped}:(\\d+):(\\d+)`, "g"), "cell line $1, column $2")
    .replace(new RegExp(`\\S*${escaped}`, "g"), "the cell");
}

/**
 * A parse or resolution error ends `deno check` before type checking: shown whole. Otherwise the
 * import errors, or else the first type errors (names from earlier cells are unknown to a check
 * of the cell alone, so those may be noise).
 */
function summarizeCheckOutput(text: string): string {
  const lines = text.split("\n")
    .filter((line) => !/^Check /.test(line) && !/^Download /.test(line));
  const backtraceStart = lines.findIndex((line) => line.startsWith("Stack backtrace:"));
  if (backtraceStart >= 0) lines.splice(backtraceStart);
  const diagnostics = lines.join("\n").split(/\n\s*\n/).map((block) => block.trim()).filter(
    (block) => block !== "" && block !== "error: Type checking failed.",
  );
  const typeErrors = diagnostics.filter((block) => /^TS\d+ /.test(block));
  if (typeErrors.length === 0) return diagnostics.join("\n\n");
  const importErrors = typeErrors.filter((block) => IMPORT_ERROR_CODES.has(block.split(" ")[0]));
  if (importErrors.length > 0) return importErrors.join("\n\n");
  const shown = typeErrors.slice(0, MAX_TYPE_ERRORS_SHOWN).join("\n\n");
  return "`deno check` finds no syntax or import error in the cell; its type errors " +
    "(names defined in earlier cells are unknown to it, so some may be noise):\n\n" + shown;
}
