/**
 * `deno task notebooks [OPTIONS] [PATH...]`: runs notebooks headlessly with the Deno Jupyter kernel
 * (see `--help`) and exits 0 only if all of them succeeded.
 */
import { join } from "node:path";
import { formatFailureReport } from "./notebook_runner/cell_failure.ts";
import { HELP_TEXT, parseCliOptions, resolveNotebookPaths } from "./notebook_runner/cli_options.ts";
import { runNotebook } from "./notebook_runner/run_notebook.ts";
import {
  formatSummaryTable,
  StatusLine,
  type SummaryRow,
} from "./notebook_runner/terminal_report.ts";

export { runNotebook } from "./notebook_runner/run_notebook.ts";
export type { NotebookRunResult, RunNotebookOptions } from "./notebook_runner/run_notebook.ts";

/** The signals that interrupt a run cleanly. */
const STOP_SIGNALS: Deno.Signal[] = ["SIGINT", "SIGTERM", "SIGHUP"];

/** Runs the command line `args`; returns the exit code (0 all ok, 1 a failure, 2 bad usage). */
export async function main(args: string[]): Promise<number> {
  let options;
  let notebookPaths;
  try {
    options = parseCliOptions(args);
    if (options.help) {
      console.log(HELP_TEXT);
      return 0;
    }
    notebookPaths = await resolveNotebookPaths(options.paths, options.outputDirectory);
    if (options.outputDirectory !== undefined) {
      await Deno.mkdir(options.outputDirectory, { recursive: true });
    }
  } catch (error) {
    console.error(`error: ${(error as Error).message}`);
    return 2;
  }
  // Ctrl-C, a closed terminal or a `kill` stop the current cell, write its outputs so far into the
  // runs copy and stop the kernel, instead of leaving an orphaned kernel behind; the stored
  // notebook stays as it was.
  const interruption = new AbortController();
  const onInterrupt = () => {
    console.error(
      "\nInterrupted: stopping the current cell and writing its outputs so far into the runs " +
        "copy (the stored notebook is left as it was).",
    );
    interruption.abort();
    for (const signal of STOP_SIGNALS) Deno.removeSignalListener(signal, onInterrupt);
  };
  for (const signal of STOP_SIGNALS) Deno.addSignalListener(signal, onInterrupt);
  const statusLine = new StatusLine();
  const rows: SummaryRow[] = [];
  try {
    for (const notebookPath of notebookPaths) {
      if (interruption.signal.aborted) break;
      try {
        const result = await runNotebook(notebookPath, {
          outputPath: options.outputDirectory === undefined
            ? undefined
            : join(options.outputDirectory, notebookPath.split(/[\\/]/).at(-1)!),
          timeoutSeconds: options.timeoutSeconds,
          quietPeriodMs: options.quietPeriodMs,
          startupTimeoutSeconds: options.startupTimeoutSeconds,
          allowErrors: options.allowErrors,
          signal: interruption.signal,
          onProgress: (progress) => statusLine.update(progress),
        });
        statusLine.stop();
        for (const failure of result.failures) console.error(formatFailureReport(failure) + "\n");
        rows.push(result);
      } catch (error) {
        statusLine.stop();
        console.error(`${notebookPath}: ${(error as Error).message}\n`);
        rows.push({ notebookPath, problem: (error as Error).message });
      }
    }
  } finally {
    statusLine.stop();
    for (const signal of STOP_SIGNALS) Deno.removeSignalListener(signal, onInterrupt);
  }
  console.log(formatSummaryTable(rows));
  const allOk = rows.length === notebookPaths.length &&
    rows.every((row) => !("problem" in row) && row.ok);
  return allOk ? 0 : 1;
}

if (import.meta.main) Deno.exit(await main(Deno.args));
