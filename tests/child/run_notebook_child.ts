/**
 * The notebook runner in a child process, for the tests. The runner's
 * ZeroMQ addon keeps native threads and finalizers; loaded into the
 * `deno test` process it can abort that process at exit after every test
 * has passed (Deno's test runner finalizing a wrapped native object twice,
 * denoland/deno#36499). In a child, the test process never loads it, and
 * the tests also exercise the runner as users run it: as its own process.
 */
import type { NotebookRunResult, RunNotebookOptions } from "../../scripts/run_notebooks.ts";

/** The options of {@link runNotebookInChild}: those of `runNotebook` that survive JSON. */
export type ChildRunOptions = Pick<
  RunNotebookOptions,
  "outputPath" | "timeoutSeconds" | "allowErrors" | "env" | "quietPeriodMs"
>;

const CHILD = new URL("./notebook_child_main.ts", import.meta.url).pathname;

/** Runs `runNotebook(path, options)` in a fresh `deno run` process and returns its result. */
export async function runNotebookInChild(
  path: string,
  options: ChildRunOptions = {},
): Promise<NotebookRunResult> {
  const output = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-all", CHILD, path, JSON.stringify(options)],
    stdout: "piped",
    stderr: "piped",
  }).output();
  const stdout = new TextDecoder().decode(output.stdout).trim();
  if (!output.success) {
    const stderr = new TextDecoder().decode(output.stderr);
    throw new Error(`the runner's child process exited with ${output.code}:\n${stderr}\n${stdout}`);
  }
  return JSON.parse(stdout.split("\n").at(-1)!);
}
