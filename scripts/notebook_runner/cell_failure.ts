/**
 * What went wrong in a notebook run (a cell that threw, timed out or killed its kernel, or a kernel
 * that did not start) and the plain-text report shown for it.
 */

/** The ways a cell (or the notebook's kernel) can fail. */
export type FailureKind = "error" | "timeout" | "kernel-died" | "kernel-start" | "interrupted";

/** One failure, with everything the report shows. */
export interface CellFailure {
  kind: FailureKind;
  notebookPath: string;
  /** 1-based number among the notebook's code cells; 0 when no cell ran (kernel-start). */
  codeCellNumber: number;
  codeCellCount: number;
  /** The cell's nbformat id, if a cell is concerned. */
  cellId?: string;
  errorName: string;
  errorMessage: string;
  traceback: string[];
  /** What `deno check` found when the kernel said only "Execution failed". */
  diagnosis?: string;
  /** The last lines the kernel process printed (for a kernel that died or did not start). */
  kernelOutput?: string;
  source: string;
}

/** How many lines of the failed cell's source the report shows. */
const SOURCE_LINES_SHOWN = 8;

/** Terminal colour and cursor sequences, which kernels put in tracebacks. */
// deno-lint-ignore no-control-regex
const ANSI_ESCAPES = /\x1b\[[0-9;?]*[A-Za-z]/g;

/** Removes ANSI colour codes from kernel text. */
export function stripAnsi(text: string): string {
  return text.replace(ANSI_ESCAPES, "");
}

/**
 * The multi-line report: notebook path, cell number, error name and message, traceback, the
 * diagnosis and kernel output when there are any, and the first lines of the cell's source.
 */
export function formatFailureReport(failure: CellFailure): string {
  const where = failure.codeCellNumber === 0
    ? `${failure.notebookPath}: the kernel did not start`
    : `${failure.notebookPath}: code cell ${failure.codeCellNumber} of ${failure.codeCellCount}` +
      (failure.cellId ? ` (id ${failure.cellId})` : "") + ` ${describeKind(failure.kind)}`;
  const sections = [where, indent(`${failure.errorName}: ${failure.errorMessage}`)];
  const traceback = failure.traceback.map(stripAnsi).join("\n").trim();
  if (traceback !== "") sections.push("  Traceback:\n" + indent(traceback, 4));
  if (failure.diagnosis) {
    sections.push("  Cause, from `deno check` of the cell:\n" + indent(failure.diagnosis, 4));
  }
  if (failure.kernelOutput) {
    sections.push("  Kernel output (last lines):\n" + indent(stripAnsi(failure.kernelOutput), 4));
  }
  if (failure.source.trim() !== "") sections.push(sourcePreview(failure.source));
  return sections.join("\n");
}

function describeKind(kind: FailureKind): string {
  switch (kind) {
    case "error":
      return "failed";
    case "timeout":
      return "timed out";
    case "kernel-died":
      return "killed the kernel";
    case "interrupted":
      return "was interrupted";
    case "kernel-start":
      return "could not start";
  }
}

function sourcePreview(source: string): string {
  const lines = source.replace(/\n$/, "").split("\n");
  const shown = lines.slice(0, SOURCE_LINES_SHOWN).map((line, index) =>
    `${String(index + 1).padStart(4)} | ${line}`
  );
  const more = lines.length > SOURCE_LINES_SHOWN
    ? [`       … ${lines.length - SOURCE_LINES_SHOWN} more lines`]
    : [];
  return "  Cell source:\n" + [...shown, ...more].join("\n");
}

function indent(text: string, spaces = 2): string {
  const padding = " ".repeat(spaces);
  return text.split("\n").map((line) => padding + line).join("\n");
}
