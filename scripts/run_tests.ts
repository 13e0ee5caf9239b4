/**
 * `deno task test`: runs `deno test --allow-all --doc tests/ lib/` (the test
 * files, plus every ```ts example in the doc comments of those folders, each
 * type-checked and run as a test; arguments given replace the two folders)
 * and exits with its status, failing also a run that passed with
 * tests ignored, unless each ignored test is declared in `EXPECTED_SKIPS`: a
 * comma-separated list of words, each matched case-insensitively against the
 * ignored tests' names (a test that can be skipped names what it needs:
 * `webgpu` for a WebGPU adapter, `chromium` for the screenshot check). CI on
 * a machine without a WebGPU adapter sets `EXPECTED_SKIPS=webgpu`; a skip
 * that nobody declared fails, so a missing install cannot leave CI green with
 * checks unrun.
 */

import { stripAnsi } from "./notebook_runner/cell_failure.ts";

/** What `deno task test` tests when given no paths: the test files and the library's doc examples. */
const DEFAULT_PATHS = ["tests/", "lib/"];

/** The environment variable that names the skips a run expects. */
export const EXPECTED_SKIPS_VARIABLE = "EXPECTED_SKIPS";

/** The final line of a passing `deno test` run, e.g. "ok | 258 passed | 0 failed | 13 ignored (1m57s)". */
const SUMMARY =
  /^ok \| (\d+) passed(?: \(\d+ steps?\))? \| 0 failed(?: \| (\d+) ignored)?(?: \((\d+) steps?\))?/m;

/** A test's (or, indented, a step's) result line when it was ignored: "name ... ignored (0ms)". */
const IGNORED_LINE = /^( *)(.+?) \.\.\. ignored\b/gm;

/**
 * What a test printed, which the report frames with these lines ("output", or
 * "pre-test output"/"post-test output" for what a module printed outside its
 * tests, as doc examples do); not read as results.
 */
const TEST_OUTPUT =
  /^------- ((?:pre|post)-test )?output -------$[\s\S]*?^----- \1output end -----$/gm;

/** What the wrapper does with a finished `deno test` run. */
export interface TestRunVerdict {
  /** The exit code to leave with. */
  exitCode: number;
  /** Printed to standard error: why a run fails, or which declared skips it took. */
  message?: string;
}

/** The words of an `EXPECTED_SKIPS` value, lower-cased; empty when unset or blank. */
export function parseExpectedSkips(value: string | undefined): string[] {
  return (value ?? "").split(",").map((word) => word.trim().toLowerCase()).filter((word) =>
    word !== ""
  );
}

/**
 * The verdict on a `deno test` run that ended with `status` after printing
 * `output` (its whole standard output): its own exit code when it failed or
 * was killed; 1 when it passed but its summary line is missing, or it ignored
 * a test (or step) whose name contains none of `expectedSkips`; else 0.
 */
export function testRunVerdict(
  status: Deno.CommandStatus,
  output: string,
  expectedSkips: string[],
): TestRunVerdict {
  const report = stripAnsi(output);
  if (!status.success) {
    const signal = status.signal === null ? "" : ` (killed by ${status.signal})`;
    return { exitCode: status.code, message: `run_tests: deno test failed${signal}.` };
  }
  const summary = SUMMARY.exec(report);
  if (summary === null) {
    return {
      exitCode: 1,
      message: "run_tests: deno test exited 0 but printed no summary line " +
        '("ok | N passed | 0 failed ..."), so its skips cannot be checked; run it with the ' +
        "default (pretty) reporter.",
    };
  }
  const ignoredTests = Number(summary[2] ?? 0);
  const ignoredSteps = Number(summary[3] ?? 0);
  const results = report.replace(TEST_OUTPUT, "");
  const ignored = [...results.matchAll(IGNORED_LINE)].map((match) => ({
    name: match[2],
    step: match[1] !== "",
  }));
  const namedTests = ignored.filter((entry) => !entry.step).length;
  if (namedTests !== ignoredTests || ignored.length - namedTests !== ignoredSteps) {
    return {
      exitCode: 1,
      message: `run_tests: the summary counts ${ignoredTests} ignored tests and ${ignoredSteps} ` +
        `ignored steps, but the report names ${namedTests} and ${ignored.length - namedTests}; ` +
        "cannot tell whether every skip was declared.",
    };
  }
  const undeclared = ignored.filter((entry) =>
    !expectedSkips.some((word) => entry.name.toLowerCase().includes(word))
  );
  if (undeclared.length > 0) {
    const declared = expectedSkips.length === 0
      ? `${EXPECTED_SKIPS_VARIABLE} is unset`
      : `${EXPECTED_SKIPS_VARIABLE}=${expectedSkips.join(",")} matches none of them`;
    return {
      exitCode: 1,
      message: `run_tests: every test passed, but ${undeclared.length} ignored ` +
        `test(s) were not declared as expected skips (${declared}):\n` +
        undeclared.map((entry) => `  - ${entry.name}`).join("\n") +
        "\nInstall what they need (their skip messages above say what), or, where that " +
        `cannot run, declare them: ${EXPECTED_SKIPS_VARIABLE}=WORD[,WORD] with a word from ` +
        'each name (e.g. "webgpu").',
    };
  }
  if (ignored.length > 0) {
    return {
      exitCode: 0,
      message: `run_tests: ${ignored.length} ignored test(s), all declared in ` +
        `${EXPECTED_SKIPS_VARIABLE}=${expectedSkips.join(",")}.`,
    };
  }
  return { exitCode: 0 };
}

if (import.meta.main) {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["test", "--allow-all", "--doc", ...(Deno.args.length > 0 ? Deno.args : DEFAULT_PATHS)],
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  // Pass the report through as it comes, keeping all of it to read the ignored tests' names.
  let output = "";
  const decoder = new TextDecoder();
  for await (const chunk of child.stdout) {
    await Deno.stdout.write(chunk);
    output += decoder.decode(chunk, { stream: true });
  }
  const expectedSkips = parseExpectedSkips(Deno.env.get(EXPECTED_SKIPS_VARIABLE));
  const verdict = testRunVerdict(await child.status, output, expectedSkips);
  if (verdict.message) console.error(`\n${verdict.message}`);
  Deno.exit(verdict.exitCode);
}
