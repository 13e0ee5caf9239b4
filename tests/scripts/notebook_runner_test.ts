/**
 * Tests of the headless notebook runner (scripts/run_notebooks.ts): the nbformat writer, output
 * recording, and real runs of small notebooks built in a temp dir, each with a real Deno kernel.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { formatFailureReport, stripAnsi } from "../../scripts/notebook_runner/cell_failure.ts";
import {
  collapseCarriageReturns,
  NotebookOutputRecorder,
} from "../../scripts/notebook_runner/cell_outputs.ts";
import {
  type CellOutput,
  type CodeCell,
  readNotebook,
  serializeNotebook,
  splitLinesLikePython,
} from "../../scripts/notebook_runner/notebook_format.ts";
import {
  type NotebookRunResult,
  replacesStoredNotebook,
  runsCopyPath,
  runsFullProfile,
} from "../../scripts/notebook_runner/run_notebook.ts";
import type { JupyterMessage } from "../../scripts/notebook_runner/wire_protocol.ts";
import { runNotebookInChild } from "../child/run_notebook_child.ts";

const RUNNER_SCRIPT = new URL("../../scripts/run_notebooks.ts", import.meta.url).pathname;

/** The kernel's environment for a run in the full profile, whatever this process's PROFILE is. */
const FULL = { PROFILE: "full" };

/** Asserts that the stored notebook at `path` still holds exactly `bytes`. */
async function assertUnchanged(path: string, bytes: Uint8Array, why: string): Promise<void> {
  assert.deepEqual(await Deno.readFile(path), bytes, `${why}: the stored notebook changed`);
}

/** Writes a notebook of code cells (and one markdown cell first) into `directory`. */
async function writeNotebook(directory: string, name: string, sources: string[]): Promise<string> {
  const path = join(directory, name);
  const cells = [
    { cell_type: "markdown", metadata: {}, source: "# Fixture\nkept as it is" },
    ...sources.map((source) => ({
      cell_type: "code",
      metadata: {},
      source,
      execution_count: null,
      outputs: [],
    })),
  ];
  await Deno.writeTextFile(
    path,
    JSON.stringify({ nbformat: 4, nbformat_minor: 4, metadata: { custom: { kept: 1 } }, cells }),
  );
  return path;
}

async function withTempDir(body: (directory: string) => Promise<void>): Promise<void> {
  const directory = await Deno.makeTempDir({ prefix: "notebook_runner_test_" });
  try {
    await body(directory);
  } finally {
    await Deno.remove(directory, { recursive: true });
  }
}

function codeCells(cells: { cell_type: string }[]): CodeCell[] {
  return cells.filter((cell) => cell.cell_type === "code") as CodeCell[];
}

/** A short "type:text" description of an output, colour codes removed. */
function describeOutput(output: CellOutput): string {
  switch (output.output_type) {
    case "stream":
      return `stream:${output.text.trim()}`;
    case "display_data":
    case "execute_result":
      return `${output.output_type}:${stripAnsi(String(output.data["text/plain"]))}`;
    case "error":
      return `error:${output.ename}`;
  }
}

function iopub(msgType: string, content: Record<string, unknown>): JupyterMessage {
  return {
    identities: [],
    header: {
      msg_id: "m",
      session: "s",
      username: "u",
      date: "",
      msg_type: msgType,
      version: "5.3",
    },
    parent_header: { msg_id: "p" },
    metadata: {},
    content,
    buffers: [],
  };
}

Deno.test("the notebook is written byte for byte as nbformat writes it", () => {
  const notebook = {
    nbformat: 4,
    nbformat_minor: 5,
    metadata: { b: { "é": 1e-7 }, a: [] },
    cells: [{
      cell_type: "code" as const,
      id: "abc",
      metadata: {},
      source: "x\ny",
      execution_count: 1,
      outputs: [
        { output_type: "stream" as const, name: "stdout" as const, text: "a\r\nb\n" },
        {
          output_type: "display_data" as const,
          data: { "image/png": "QUJD\n", "text/html": "<b>\n</b>", "application/json": { k: 1 } },
          metadata: {},
        },
      ],
    }],
  };
  // The expected text is what Python's nbformat 5.5 `nbformat.writes` produced for this notebook.
  const expected = `{
 "cells": [
  {
   "cell_type": "code",
   "execution_count": 1,
   "id": "abc",
   "metadata": {},
   "outputs": [
    {
     "name": "stdout",
     "output_type": "stream",
     "text": [
      "a\\r\\n",
      "b\\n"
     ]
    },
    {
     "data": {
      "application/json": {
       "k": 1
      },
      "image/png": "QUJD\\n",
      "text/html": [
       "<b>\\n",
       "</b>"
      ]
     },
     "metadata": {},
     "output_type": "display_data"
    }
   ],
   "source": [
    "x\\n",
    "y"
   ]
  }
 ],
 "metadata": {
  "a": [],
  "b": {
   "é": 1e-07
  }
 },
 "nbformat": 4,
 "nbformat_minor": 5
}
`;
  assert.equal(serializeNotebook(notebook), expected);
  assert.deepEqual(splitLinesLikePython("a\r\nb\rc\x1cd\n\ne"), [
    "a\r\n",
    "b\r",
    "c\x1c",
    "d\n",
    "\n",
    "e",
  ]);
});

Deno.test("outputs: streams merge, displays update, clear_output waits, late ones find their cell", () => {
  const recorder = new NotebookOutputRecorder();
  const first: CodeCell = {
    cell_type: "code",
    metadata: {},
    source: "",
    execution_count: null,
    outputs: [],
  };
  const second: CodeCell = { ...first, outputs: [] };
  recorder.beginCell(first);
  recorder.record(first, iopub("stream", { name: "stdout", text: "a\n" }));
  recorder.record(first, iopub("stream", { name: "stdout", text: "10%\r" }));
  recorder.record(first, iopub("stream", { name: "stdout", text: "90%\r100%\n" }));
  recorder.record(first, iopub("stream", { name: "stderr", text: "warn\n" }));
  recorder.record(
    first,
    iopub("display_data", {
      data: { "text/plain": "v1" },
      metadata: {},
      transient: { display_id: "d" },
    }),
  );
  recorder.beginCell(second);
  recorder.record(
    second,
    iopub("update_display_data", {
      data: { "text/plain": "v2" },
      metadata: {},
      transient: { display_id: "d" },
    }),
  );
  recorder.record(first, iopub("stream", { name: "stdout", text: "late\n" }));
  recorder.record(second, iopub("stream", { name: "stdout", text: "old\n" }));
  recorder.record(second, iopub("clear_output", { wait: true }));
  assert.equal(second.outputs.length, 1, "clear_output(wait) must keep outputs until the next one");
  recorder.record(
    second,
    iopub("execute_result", { data: { "text/plain": "new" }, metadata: {}, execution_count: 7 }),
  );
  assert.deepEqual(first.outputs.map(describeOutput), [
    "stream:a\n100%",
    "stream:warn",
    "display_data:v2",
    "stream:late",
  ]);
  assert.deepEqual(second.outputs.map(describeOutput), ["execute_result:new"]);
  assert.equal(second.execution_count, 7);
  assert.equal(collapseCarriageReturns("1\r2\r\n3\r"), "2\r\n3\r");
});

Deno.test("late outputs: all 100 outputs of a 30-cell notebook arrive, in order", async () => {
  await withTempDir(async (directory) => {
    const expected: string[][] = [];
    const sources = Array.from({ length: 30 }, (_, cell) => {
      const outputCount = cell < 10 ? 4 : 3;
      const lines: string[] = [];
      const cellExpected: string[] = [];
      for (let output = 0; output < outputCount; output++) {
        const marker = `c${cell}o${output}`;
        if (output === outputCount - 1) {
          lines.push(`"${marker}"`);
          cellExpected.push(`execute_result:"${marker}"`);
        } else if (output % 2 === 0) {
          lines.push(`console.log("${marker}");`);
          cellExpected.push(`stream:${marker}`);
        } else {
          lines.push(`await Deno.jupyter.display({ "text/plain": "${marker}" }, { raw: true });`);
          cellExpected.push(`display_data:${marker}`);
        }
      }
      expected.push(cellExpected);
      return lines.join("\n");
    });
    assert.equal(expected.flat().length, 100);
    const path = await writeNotebook(directory, "late.ipynb", sources);
    const result = await runNotebookInChild(path, { env: FULL });
    assert.equal(result.ok, true, result.failures.map(formatFailureReport).join("\n"));
    assert.equal(result.executedCellCount, 30);
    // A full-profile run without errors replaces the stored notebook and keeps no runs copy.
    assert.equal(result.outputPath, path);
    await assert.rejects(Deno.stat(runsCopyPath(path)), Deno.errors.NotFound);
    const written = await readNotebook(path);
    const cells = codeCells(written.cells);
    assert.deepEqual(cells.map((cell) => cell.outputs.map(describeOutput)), expected);
    assert.deepEqual(cells.map((cell) => cell.execution_count), sources.map((_, i) => i + 1));
    assert.equal(written.cells[0].source, "# Fixture\nkept as it is");
    assert.deepEqual(written.metadata.custom, { kept: 1 });
    assert.equal((written.metadata.kernelspec as { name: string }).name, "deno");
    assert.equal((written.metadata.language_info as { name: string }).name, "typescript");
    assert.equal(written.nbformat_minor, 5);
    assert.ok(written.cells.every((cell) => typeof cell.id === "string" && cell.id.length > 0));
  });
});

Deno.test("a thrown error stops the notebook, keeps earlier outputs and exits non-zero", async () => {
  await withTempDir(async (directory) => {
    const path = await writeNotebook(directory, "throws.ipynb", [
      'console.log("before");',
      'const n = 42;\nthrow new RangeError("bad value " + n);',
      'console.log("after");',
    ]);
    const original = await Deno.readFile(path);
    const runsCopy = runsCopyPath(path);
    const runCli = async (...args: string[]) => {
      const command = await new Deno.Command(Deno.execPath(), {
        args: ["run", "--allow-all", RUNNER_SCRIPT, ...args, path],
        env: { NO_COLOR: "1", ...FULL },
        stdout: "piped",
        stderr: "piped",
      }).output();
      const decoder = new TextDecoder();
      return {
        code: command.code,
        stdout: decoder.decode(command.stdout),
        stderr: decoder.decode(command.stderr),
      };
    };
    const failed = await runCli();
    assert.equal(failed.code, 1, failed.stderr);
    assert.match(failed.stderr, new RegExp(`${path}: code cell 2 of 3 \\(id \\w+\\) failed`));
    assert.match(failed.stderr, /RangeError: bad value 42/);
    assert.match(failed.stderr, /at <anonymous>/, "the report must show the traceback");
    assert.match(failed.stderr, /throw new RangeError\("bad value " \+ n\);/);
    assert.match(
      failed.stdout,
      /throws\.ipynb\s+2\/3\s+\S+\s+FAILED \(error in cell 2\)\s+\S*runs\/throws\.ipynb/,
      "the summary must name the runs copy",
    );
    await assertUnchanged(path, original, "a failing cell");
    const cells = codeCells((await readNotebook(runsCopy)).cells);
    assert.deepEqual(cells.map((cell) => cell.outputs.map(describeOutput)), [
      ["stream:before"],
      ["error:RangeError"],
      [],
    ]);
    assert.equal(cells[2].execution_count, null);

    const outputDirectory = join(directory, "executed");
    const toOutput = await runCli("--output", outputDirectory);
    assert.equal(toOutput.code, 1, toOutput.stderr);
    await assertUnchanged(path, original, "--output");
    const executed = codeCells((await readNotebook(join(outputDirectory, "throws.ipynb"))).cells);
    assert.deepEqual(executed[1].outputs.map(describeOutput), ["error:RangeError"]);

    const allowed = await runNotebookInChild(path, { allowErrors: true, env: FULL });
    assert.equal(allowed.ok, true);
    assert.equal(allowed.failures.length, 1);
    assert.equal(allowed.outputPath, runsCopy);
    await assertUnchanged(path, original, "--allow-errors with an error");
    const rerun = codeCells((await readNotebook(runsCopy)).cells);
    assert.deepEqual(rerun[2].outputs.map(describeOutput), ["stream:after"]);
  });
});

Deno.test("a syntax error is reported with deno check's message, not 'Execution failed'", async () => {
  await withTempDir(async (directory) => {
    const path = await writeNotebook(directory, "syntax.ipynb", [
      "const ok = 1;",
      "const a = 1;\nlet x: number = ;",
    ]);
    const result = await runNotebookInChild(path, { env: FULL });
    assert.equal(result.ok, false);
    const report = formatFailureReport(result.failures[0]);
    assert.match(report, /code cell 2 of 2/);
    assert.match(report, /Expression expected/);
    assert.match(report, /cell line 2, column 17/);
    assert.doesNotMatch(report, /\.run_notebooks_check_/, "temp file names must be mapped");
    const cells = codeCells((await readNotebook(runsCopyPath(path))).cells);
    const error = cells[1].outputs[0];
    assert.ok(
      error.output_type === "error" && error.traceback.join("\n").includes("Expression expected"),
    );
    const leftovers = [...Deno.readDirSync(directory)].map((entry) => entry.name).sort();
    assert.deepEqual(leftovers, ["runs", "syntax.ipynb"], "no temp files may stay behind");
  });
});

Deno.test("unresolvable imports are reported with the real cause", async () => {
  await withTempDir(async (directory) => {
    const path = await writeNotebook(directory, "imports.ipynb", [
      'import missing from "./missing_module.ts";',
      'import absent from "npm:this-package-does-not-exist-xyz@1.0.0";',
    ]);
    // A registry on a closed local port makes the npm import fail fast and offline.
    const result = await runNotebookInChild(path, {
      allowErrors: true,
      env: { NPM_CONFIG_REGISTRY: "http://127.0.0.1:9/" },
    });
    const [relative, npm] = result.failures.map(formatFailureReport);
    assert.match(relative, /code cell 1 of 2/);
    assert.match(relative, /Module not found/);
    assert.match(relative, /missing_module\.ts/);
    assert.match(npm, /code cell 2 of 2/);
    assert.match(npm, /this-package-does-not-exist-xyz/);
    assert.match(npm, /cell line 1, column \d+/);
    assert.match(npm, /Connection refused|does not exist/);
  });
});

Deno.test("a cell that runs past --timeout is stopped and reported; outputs are kept", async () => {
  await withTempDir(async (directory) => {
    const path = await writeNotebook(directory, "slow.ipynb", [
      'console.log("first");',
      'console.log("sleeping");\nawait new Promise((resolve) => setTimeout(resolve, 60_000));',
      'console.log("never");',
    ]);
    const original = await Deno.readFile(path);
    const started = performance.now();
    const result = await runNotebookInChild(path, { timeoutSeconds: 1, env: FULL });
    assert.ok(performance.now() - started < 20_000, "the timeout must cut the 60 s cell short");
    assert.equal(result.failures[0].kind, "timeout");
    const report = formatFailureReport(result.failures[0]);
    assert.match(report, /code cell 2 of 3 \(id \w+\) timed out/);
    assert.match(report, /CellTimeoutError: the cell did not finish within 1 s/);
    await assertUnchanged(path, original, "a timeout");
    const cells = codeCells((await readNotebook(runsCopyPath(path))).cells);
    assert.deepEqual(cells.map((cell) => cell.outputs.map(describeOutput)), [
      ["stream:first"],
      ["stream:sleeping", "error:CellTimeoutError"],
      [],
    ]);
  });
});

Deno.test("a kernel that dies is reported with its exit code; outputs are kept", async () => {
  await withTempDir(async (directory) => {
    const path = await writeNotebook(directory, "dies.ipynb", [
      'console.log("alive");',
      "Deno.exit(3);",
      'console.log("never");',
    ]);
    const original = await Deno.readFile(path);
    const result = await runNotebookInChild(path, { env: FULL });
    assert.equal(result.failures[0].kind, "kernel-died");
    const report = formatFailureReport(result.failures[0]);
    assert.match(report, /code cell 2 of 3 \(id \w+\) killed the kernel/);
    assert.match(report, /DeadKernelError: the kernel process exited \(exit code 3\)/);
    assert.match(report, /Deno\.exit\(3\);/);
    assert.equal(result.outputPath, runsCopyPath(path));
    await assertUnchanged(path, original, "a dead kernel");
    const cells = codeCells((await readNotebook(runsCopyPath(path))).cells);
    assert.deepEqual(cells.map((cell) => cell.outputs.map(describeOutput)), [
      ["stream:alive"],
      ["error:DeadKernelError"],
      [],
    ]);
  });
});

Deno.test("a kernel killed from outside leaves the stored notebook as it was", async () => {
  await withTempDir(async (directory) => {
    const path = await writeNotebook(directory, "killed.ipynb", [
      'console.log("alive");',
      'Deno.kill(Deno.pid, "SIGKILL");',
    ]);
    const original = await Deno.readFile(path);
    const result = await runNotebookInChild(path, { env: FULL });
    assert.equal(result.failures[0].kind, "kernel-died");
    assert.match(formatFailureReport(result.failures[0]), /killed by SIGKILL/);
    await assertUnchanged(path, original, "a killed kernel");
    const cells = codeCells((await readNotebook(runsCopyPath(path))).cells);
    assert.deepEqual(cells[1].outputs.map(describeOutput), ["error:DeadKernelError"]);
  });
});

Deno.test("a run in the class or quick profile succeeds into the runs copy; the stored notebook stays", async () => {
  for (const profile of ["class", "quick"]) {
    await withTempDir(async (directory) => {
      const path = await writeNotebook(directory, `${profile}.ipynb`, [
        'console.log(Deno.env.get("PROFILE"));',
      ]);
      const original = await Deno.readFile(path);
      const result = await runNotebookInChild(path, { env: { PROFILE: profile } });
      assert.equal(result.ok, true, result.failures.map(formatFailureReport).join("\n"));
      assert.equal(result.outputPath, runsCopyPath(path));
      await assertUnchanged(path, original, `PROFILE=${profile}`);
      const cells = codeCells((await readNotebook(runsCopyPath(path))).cells);
      assert.deepEqual(cells[0].outputs.map(describeOutput), [`stream:${profile}`]);
    });
  }
});

Deno.test("Ctrl-C stops the run, keeps the outputs so far in the runs copy, not the notebook", async () => {
  await withTempDir(async (directory) => {
    const path = await writeNotebook(directory, "interrupted.ipynb", [
      'console.log("first");',
      "await new Promise((resolve) => setTimeout(resolve, 60_000));",
      'console.log("never");',
    ]);
    const original = await Deno.readFile(path);
    const started = performance.now();
    const child = new Deno.Command(Deno.execPath(), {
      args: ["run", "--allow-all", RUNNER_SCRIPT, path],
      env: { NO_COLOR: "1", ...FULL },
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    const stdout = new Response(child.stdout).text();
    // Not a terminal, so the status line prints one line per finished cell: once cell 1 is done,
    // cell 2 (60 s of sleep) is being sent. (Ctrl-C at that moment once crashed the runner while
    // it closed its ZeroMQ sockets, exit code 139.)
    let stderr = "";
    let interrupted = false;
    for await (const chunk of child.stderr.pipeThrough(new TextDecoderStream())) {
      stderr += chunk;
      if (!interrupted && /cell 1 of 3 .* done in/.test(stderr)) {
        child.kill("SIGINT");
        interrupted = true;
      }
    }
    const status = await child.status;
    assert.ok(interrupted, `cell 1 never finished:\n${stderr}`);
    assert.ok(performance.now() - started < 30_000, "Ctrl-C must cut the 60 s cell short");
    assert.equal(status.code, 1, stderr);
    assert.match(stderr, /Interrupted: stopping the current cell/);
    assert.match(
      await stdout,
      /interrupted\.ipynb\s+2\/3\s+\S+\s+FAILED \(interrupted in cell 2\)\s+\S*runs\/interrupted\.ipynb/,
    );
    await assertUnchanged(path, original, "Ctrl-C");
    // Cell 1's output may still be on its way when Ctrl-C stops the kernel (the Deno kernel
    // publishes late; on a loaded machine later than the quiet period), so only cells 2 and 3.
    const cells = codeCells((await readNotebook(runsCopyPath(path))).cells);
    assert.deepEqual(cells.slice(1).map((cell) => cell.outputs.map(describeOutput)), [
      ["error:KeyboardInterrupt"],
      [],
    ]);
  });
});

Deno.test("only an error-free full-profile run without --output may replace the notebook", () => {
  const result = (ok: boolean, errors: number): NotebookRunResult => ({
    notebookPath: "n.ipynb",
    codeCellCount: 2,
    executedCellCount: 2,
    wallSeconds: 1,
    failures: Array.from({ length: errors }, () => ({
      kind: "error" as const,
      notebookPath: "n.ipynb",
      codeCellNumber: 1,
      codeCellCount: 2,
      errorName: "Error",
      errorMessage: "x",
      traceback: [],
      source: "",
    })),
    ok,
  });
  const full = { env: { PROFILE: "full" } };
  assert.equal(replacesStoredNotebook(result(true, 0), full), true);
  assert.equal(replacesStoredNotebook(result(false, 1), full), false);
  assert.equal(replacesStoredNotebook(result(true, 1), { ...full, allowErrors: true }), false);
  assert.equal(replacesStoredNotebook(result(true, 0), { env: { PROFILE: "quick" } }), false);
  assert.equal(replacesStoredNotebook(result(true, 0), { env: { PROFILE: "class" } }), false);
  assert.equal(replacesStoredNotebook(result(true, 0), { ...full, outputPath: "o.ipynb" }), false);
  const saved = Deno.env.get("PROFILE");
  try {
    Deno.env.delete("PROFILE");
    assert.equal(runsFullProfile(), false, "PROFILE unset is the class profile");
    Deno.env.set("PROFILE", "full");
    assert.equal(runsFullProfile(), true);
    assert.equal(runsFullProfile({ PROFILE: "class" }), false, "the kernel's own setting wins");
    Deno.env.set("PROFILE", "quick");
    assert.equal(runsFullProfile(), false);
    assert.equal(runsFullProfile({ PROFILE: "full" }), true, "the kernel's own setting wins");
  } finally {
    if (saved === undefined) Deno.env.delete("PROFILE");
    else Deno.env.set("PROFILE", saved);
  }
  assert.equal(
    runsCopyPath("notebooks/01-setup.ipynb"),
    join("notebooks", "runs", "01-setup.ipynb"),
  );
});
