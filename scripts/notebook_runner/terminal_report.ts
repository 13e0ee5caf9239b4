/**
 * What the runner shows in the terminal: a status line (notebook, cell n of N, elapsed time) that
 * is redrawn every second on a terminal and printed once per cell in logs, and the final summary
 * table (notebook, cells, wall time, status, where the executed copy went).
 */
import type { CellProgress, NotebookRunResult } from "./run_notebook.ts";

const encoder = new TextEncoder();

/** Formats seconds as `m:ss` or `h:mm:ss`. */
export function formatDuration(seconds: number): string {
  const whole = Math.floor(seconds);
  const hours = Math.floor(whole / 3600);
  const minutes = Math.floor((whole % 3600) / 60);
  const secs = String(whole % 60).padStart(2, "0");
  return hours > 0 ? `${hours}:${String(minutes).padStart(2, "0")}:${secs}` : `${minutes}:${secs}`;
}

/** The status line on stderr; feed it `runNotebook`'s progress events. */
export class StatusLine {
  readonly #interactive: boolean;
  #current: CellProgress | undefined;
  #cellStartedAt = 0;
  #timer: ReturnType<typeof setInterval> | undefined;

  /** Redraws in place when stderr is a terminal, else prints one line per finished cell. */
  constructor(interactive = Deno.stderr.isTerminal()) {
    this.#interactive = interactive;
  }

  /** Handles one progress event. */
  update(progress: CellProgress): void {
    if (progress.phase === "start") {
      this.#current = progress;
      this.#cellStartedAt = performance.now();
      if (this.#interactive) {
        this.#draw();
        this.#timer ??= setInterval(() => this.#draw(), 1000);
      }
      return;
    }
    if (!this.#interactive) {
      const cellSeconds = (performance.now() - this.#cellStartedAt) / 1000;
      const outcome = progress.failed ? "FAILED after" : "done in";
      this.#write(`${this.#describe(progress)} ${outcome} ${cellSeconds.toFixed(1)} s\n`);
    }
  }

  /** Clears the line and stops redrawing (call before printing anything else). */
  stop(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
    if (this.#interactive && this.#current !== undefined) this.#write("\r\x1b[2K");
    this.#current = undefined;
  }

  #draw(): void {
    if (this.#current === undefined) return;
    const cellSeconds = (performance.now() - this.#cellStartedAt) / 1000;
    this.#write(`\r\x1b[2K${this.#describe(this.#current)} (cell ${formatDuration(cellSeconds)})`);
  }

  #describe(progress: CellProgress): string {
    const total = (performance.now() - progress.notebookStartedAt) / 1000;
    return `${progress.notebookPath}: cell ${progress.codeCellNumber} of ${progress.codeCellCount}` +
      ` · ${formatDuration(total)}`;
  }

  #write(text: string): void {
    Deno.stderr.writeSync(encoder.encode(text));
  }
}

/** One row of the summary: a run result, or a notebook that could not be read or written. */
export type SummaryRow = NotebookRunResult | { notebookPath: string; problem: string };

/** The status word of one notebook in the summary. */
export function summaryStatus(row: SummaryRow): string {
  if ("problem" in row) return "not run";
  if (!row.ok) {
    const kind = row.failures[0]?.kind ?? "error";
    return `FAILED (${kind} in cell ${row.failures[0]?.codeCellNumber ?? "?"})`;
  }
  return row.failures.length > 0 ? `ok (${row.failures.length} cell errors allowed)` : "ok";
}

/**
 * The summary table: notebook, cells run of code cells, wall time, status, and where the executed
 * copy was written (the notebook itself only when the run replaced it).
 */
export function formatSummaryTable(rows: SummaryRow[]): string {
  const table = [
    ["notebook", "cells", "wall time", "status", "written to"],
    ...rows.map((row) =>
      "problem" in row ? [row.notebookPath, "-", "-", summaryStatus(row), "-"] : [
        row.notebookPath,
        `${row.executedCellCount}/${row.codeCellCount}`,
        formatDuration(row.wallSeconds),
        summaryStatus(row),
        row.outputPath ?? "-",
      ]
    ),
  ];
  const widths = table[0].map((_, column) =>
    Math.max(...table.map((cells) => cells[column].length))
  );
  const line = (cells: string[]) =>
    cells.map((cell, column) => cell.padEnd(widths[column])).join("  ").trimEnd();
  return [
    line(table[0]),
    widths.map((width) => "-".repeat(width)).join("  "),
    ...table.slice(1).map(line),
  ]
    .join("\n");
}
