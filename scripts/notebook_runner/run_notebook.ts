/**
 * Executes one notebook headlessly: starts its own Deno kernel (working directory: the notebook's
 * folder), runs the code cells in order, records their outputs, and writes the executed copy after
 * every cell (atomically), so a failure, timeout or dead kernel never loses the outputs so far.
 *
 * The stored notebook is the reader's copy: the copy in progress goes to the runs folder beside it
 * (`runs/NAME.ipynb`), and replaces the stored notebook (atomically) only once every cell ran
 * without error in the full profile. Any other run leaves the stored file as it was.
 */
import { basename, dirname, join, resolve } from "node:path";
import { type CellFailure, type FailureKind, stripAnsi } from "./cell_failure.ts";
import { NotebookOutputRecorder } from "./cell_outputs.ts";
import { createConnectionInfo, writeConnectionFile } from "./connection_file.ts";
import { type ExecuteOutcome, KernelClient } from "./kernel_client.ts";
import { KernelProcess } from "./kernel_process.ts";
import {
  type CodeCell,
  ensureCellIds,
  type JsonObject,
  type Notebook,
  readNotebook,
  setKernelMetadata,
  writeNotebookAtomically,
} from "./notebook_format.ts";
import { explainSilentFailure } from "./source_check.ts";

/** The default per-cell time limit: training cells are long. */
export const DEFAULT_CELL_TIMEOUT_SECONDS = 3 * 60 * 60;
/** The default wait, after a cell's reply, for late IOPub messages. */
export const DEFAULT_QUIET_PERIOD_MS = 300;
/** The default time the kernel may take to answer its first request. */
export const DEFAULT_STARTUP_TIMEOUT_SECONDS = 120;

/** Options of `runNotebook`; all optional. */
export interface RunNotebookOptions {
  /**
   * Where to write the executed notebook (after every cell, whatever the outcome). Default: the
   * runs folder (see `runsCopyPath`), then over the input file if the run succeeded in the full
   * profile (see `replacesStoredNotebook`).
   */
  outputPath?: string;
  /** Per-cell time limit in seconds (default 3 hours). */
  timeoutSeconds?: number;
  /** Quiet period in ms after a cell's reply before it counts as finished (default 300). */
  quietPeriodMs?: number;
  /** Keep going after a cell that throws (timeouts and dead kernels still stop the run). */
  allowErrors?: boolean;
  /** How long the kernel may take to start, in seconds (default 120). */
  startupTimeoutSeconds?: number;
  /** Variables added to this process's environment for the kernel. */
  env?: Record<string, string>;
  /** Aborting it stops the current cell (failure kind "interrupted"); outputs so far are written. */
  signal?: AbortSignal;
  /** Called when a code cell starts and when it ends. */
  onProgress?: (progress: CellProgress) => void;
}

/** Progress of a run, for status lines. */
export interface CellProgress {
  phase: "start" | "end";
  notebookPath: string;
  /** 1-based number among the code cells. */
  codeCellNumber: number;
  codeCellCount: number;
  /** `performance.now()` when the notebook's run started. */
  notebookStartedAt: number;
  /** On "end": whether the cell failed (threw, timed out, killed its kernel). */
  failed?: boolean;
}

/** The result of `runNotebook`. */
export interface NotebookRunResult {
  notebookPath: string;
  /**
   * Where the executed notebook was written (undefined if nothing was executed): the stored
   * notebook's own path only when the run replaced it.
   */
  outputPath?: string;
  codeCellCount: number;
  /** Code cells that ran to an end (successfully or not). */
  executedCellCount: number;
  wallSeconds: number;
  /** Every failure; with `allowErrors` there can be several cell errors. */
  failures: CellFailure[];
  /** True if every cell ran, or with `allowErrors`, if the only failures were cell errors. */
  ok: boolean;
}

/** The folder, beside the notebooks, that receives every run's copy until it may replace one. */
export const RUNS_FOLDER = "runs";

/** Where a run of `notebookPath` writes its copy while it runs: `runs/NAME` beside it. */
export function runsCopyPath(notebookPath: string): string {
  return join(dirname(notebookPath), RUNS_FOLDER, basename(notebookPath));
}

/**
 * Whether a kernel started with `extraEnvironment` over this process's environment runs the full
 * profile: `PROFILE=full` (unset is the class profile, as `lib/experiments/profile.ts` reads it).
 * Only such runs may replace a stored notebook; a class, quick or any other profile's outputs are
 * not the reader's copy.
 */
export function runsFullProfile(extraEnvironment: Record<string, string> = {}): boolean {
  return (extraEnvironment.PROFILE ?? Deno.env.get("PROFILE")) === "full";
}

/**
 * Whether a finished run may replace the stored notebook: no `outputPath` was asked for, every
 * code cell ran without any error (even one `allowErrors` let through), and the profile is full.
 */
export function replacesStoredNotebook(
  result: NotebookRunResult,
  options: RunNotebookOptions,
): boolean {
  return options.outputPath === undefined && result.ok && result.failures.length === 0 &&
    runsFullProfile(options.env);
}

/** The error names written into a cell that timed out or killed its kernel (as nbclient names them). */
const OUTCOME_ERROR_NAMES: Record<"timed-out" | "kernel-exited" | "interrupted", string> = {
  "timed-out": "CellTimeoutError",
  "kernel-exited": "DeadKernelError",
  "interrupted": "KeyboardInterrupt",
};

/**
 * Executes the notebook at `notebookPath` and writes it with its outputs (see
 * `RunNotebookOptions`). Throws only for a notebook that cannot be read or written; every other
 * failure is in the result.
 */
export async function runNotebook(
  notebookPath: string,
  options: RunNotebookOptions = {},
): Promise<NotebookRunResult> {
  const startedAt = performance.now();
  const absolutePath = resolve(notebookPath);
  const copyPath = options.outputPath ?? runsCopyPath(notebookPath);
  const notebook = await readNotebook(absolutePath);
  ensureCellIds(notebook);
  const codeCells = notebook.cells.filter((cell): cell is CodeCell => cell.cell_type === "code");
  const result: NotebookRunResult = {
    notebookPath,
    codeCellCount: codeCells.length,
    executedCellCount: 0,
    wallSeconds: 0,
    failures: [],
    ok: false,
  };
  const session = await startKernel(dirname(absolutePath), options);
  try {
    if ("failure" in session) {
      result.failures.push({
        kind: "kernel-start",
        notebookPath,
        codeCellNumber: 0,
        codeCellCount: codeCells.length,
        errorName: "KernelStartError",
        errorMessage: session.failure,
        traceback: [],
        kernelOutput: session.kernel.outputTail(),
        source: "",
      });
      return result;
    }
    setKernelMetadata(notebook, session.kernelInfo.language_info as JsonObject);
    await executeCells(notebook, codeCells, session.client, session.kernel, {
      ...options,
      notebookPath,
      absolutePath,
      copyPath,
      startedAt,
      result,
    });
  } finally {
    // The kernel goes first: closing ZeroMQ sockets while the kernel still sends (a cell cut
    // short by Ctrl-C) crashed this process (see KernelClient.close).
    await session.kernel.stop();
    if ("client" in session) await session.client.close();
    await Deno.remove(session.connectionDirectory, { recursive: true }).catch(() => {});
    result.wallSeconds = (performance.now() - startedAt) / 1000;
    result.ok = result.failures.every((failure) =>
      options.allowErrors === true && failure.kind === "error"
    ) && result.executedCellCount === countNonEmpty(codeCells);
  }
  if (result.outputPath !== undefined && replacesStoredNotebook(result, options)) {
    await writeNotebookAtomically(absolutePath, notebook);
    await Deno.remove(copyPath);
    result.outputPath = notebookPath;
  }
  return result;
}

function countNonEmpty(cells: CodeCell[]): number {
  return cells.filter((cell) => cell.source.trim() !== "").length;
}

type KernelSession =
  & { kernel: KernelProcess; connectionDirectory: string }
  & ({ client: KernelClient; kernelInfo: Record<string, unknown> } | { failure: string });

async function startKernel(
  workingDirectory: string,
  options: RunNotebookOptions,
): Promise<KernelSession> {
  const connectionDirectory = await Deno.makeTempDir({ prefix: "run_notebooks_" });
  const info = createConnectionInfo();
  const connectionFile = await writeConnectionFile(connectionDirectory, info);
  const kernel = new KernelProcess(connectionFile, workingDirectory, options.env);
  try {
    const startupMs = (options.startupTimeoutSeconds ?? DEFAULT_STARTUP_TIMEOUT_SECONDS) * 1000;
    const { client, kernelInfo } = await KernelClient.connect(info, kernel.exited, startupMs);
    return { kernel, connectionDirectory, client, kernelInfo };
  } catch (error) {
    return { kernel, connectionDirectory, failure: (error as Error).message };
  }
}

interface CellLoopContext extends RunNotebookOptions {
  notebookPath: string;
  absolutePath: string;
  /** Where the executed copy is written after every cell. */
  copyPath: string;
  startedAt: number;
  result: NotebookRunResult;
}

async function executeCells(
  notebook: Notebook,
  codeCells: CodeCell[],
  client: KernelClient,
  kernel: KernelProcess,
  context: CellLoopContext,
): Promise<void> {
  const recorder = new NotebookOutputRecorder();
  const { result } = context;
  for (const [index, cell] of codeCells.entries()) {
    if (cell.source.trim() === "") continue;
    const progress = {
      notebookPath: context.notebookPath,
      codeCellNumber: index + 1,
      codeCellCount: codeCells.length,
      notebookStartedAt: context.startedAt,
    };
    context.onProgress?.({ phase: "start", ...progress });
    recorder.beginCell(cell);
    let sawErrorOutput = false;
    const outcome = await client.execute(cell.source, {
      timeoutMs: (context.timeoutSeconds ?? DEFAULT_CELL_TIMEOUT_SECONDS) * 1000,
      quietPeriodMs: context.quietPeriodMs ?? DEFAULT_QUIET_PERIOD_MS,
      signal: context.signal,
      onIopubMessage: (message) => {
        if (message.header.msg_type === "error") sawErrorOutput = true;
        recorder.record(cell, message);
      },
    });
    result.executedCellCount++;
    const failure = await failureOf(outcome, cell, sawErrorOutput, kernel, {
      ...context,
      codeCellNumber: index + 1,
      codeCellCount: codeCells.length,
    });
    if (failure !== undefined) {
      recordErrorOutput(cell, failure, sawErrorOutput);
      result.failures.push(failure);
    }
    if (result.outputPath === undefined) {
      await Deno.mkdir(dirname(context.copyPath), { recursive: true });
    }
    await writeNotebookAtomically(context.copyPath, notebook);
    result.outputPath = context.copyPath;
    context.onProgress?.({ phase: "end", ...progress, failed: failure !== undefined });
    const keepGoing = failure === undefined ||
      (failure.kind === "error" && context.allowErrors === true);
    if (!keepGoing) return;
  }
}

/** The failure an execution outcome means, if any (with the diagnosis for "Execution failed"). */
async function failureOf(
  outcome: ExecuteOutcome,
  cell: CodeCell,
  sawErrorOutput: boolean,
  kernel: KernelProcess,
  context: CellLoopContext & { codeCellNumber: number; codeCellCount: number },
): Promise<CellFailure | undefined> {
  const base = {
    notebookPath: context.notebookPath,
    codeCellNumber: context.codeCellNumber,
    codeCellCount: context.codeCellCount,
    cellId: cell.id,
    source: cell.source,
  };
  if (outcome.kind === "replied") {
    const reply = outcome.reply;
    if (reply.status === "ok") return undefined;
    const errorOutput = cell.outputs.findLast((output) => output.output_type === "error");
    const ename = String(reply.ename ?? (errorOutput?.ename ?? "Error"));
    const evalue = String(reply.evalue ?? (errorOutput?.evalue ?? "the cell failed"));
    const traceback = (reply.traceback ?? errorOutput?.traceback ?? []) as string[];
    const silent = !sawErrorOutput && traceback.length === 0;
    const diagnosis = silent
      ? await explainSilentFailure(cell.source, dirname(context.absolutePath), context.env)
      : undefined;
    return { ...base, kind: "error", errorName: ename, errorMessage: evalue, traceback, diagnosis };
  }
  const kind: FailureKind = outcome.kind === "timed-out"
    ? "timeout"
    : outcome.kind === "kernel-exited"
    ? "kernel-died"
    : "interrupted";
  const timeoutSeconds = context.timeoutSeconds ?? DEFAULT_CELL_TIMEOUT_SECONDS;
  const message = outcome.kind === "timed-out"
    ? `the cell did not finish within ${timeoutSeconds} s (raise it with --timeout SECONDS)`
    : outcome.kind === "kernel-exited"
    ? `the kernel process exited (${describeExit(outcome.status)}) while running the cell`
    : "the run was interrupted while the cell was running";
  return {
    ...base,
    kind,
    errorName: OUTCOME_ERROR_NAMES[outcome.kind],
    errorMessage: message,
    traceback: [],
    kernelOutput: outcome.kind === "kernel-exited" ? kernel.outputTail() : undefined,
  };
}

function describeExit(status: Deno.CommandStatus): string {
  return status.signal ? `killed by ${status.signal}` : `exit code ${status.code}`;
}

/**
 * Adds an `error` output where the kernel sent none (a bare "Execution failed", a timeout, a dead
 * kernel), so the written notebook shows why the cell stopped.
 */
function recordErrorOutput(cell: CodeCell, failure: CellFailure, sawErrorOutput: boolean): void {
  if (sawErrorOutput) return;
  const traceback = [...failure.traceback];
  if (failure.diagnosis) traceback.push(...stripAnsi(failure.diagnosis).split("\n"));
  cell.outputs.push({
    output_type: "error",
    ename: failure.errorName,
    evalue: failure.errorMessage,
    traceback,
  });
}
