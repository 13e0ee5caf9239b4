import { join } from "node:path";
import { assert, assertEquals } from "../assert.ts";
import { parseExpectedSkips, testRunVerdict } from "../../scripts/run_tests.ts";

const passed: Deno.CommandStatus = { success: true, code: 0, signal: null };
const abort: Deno.CommandStatus = { success: false, code: 134, signal: "SIGABRT" };

const allRan = "running 2 tests from ./a_test.ts\nx ... ok (1ms)\ny ... ok (2ms)\n\n" +
  "ok | 2 passed | 0 failed (5ms)\n";
/** A pretty-reporter report with two ignored tests and one ignored step, as deno test prints it. */
const withSkips = [
  "running 3 tests from ./a_test.ts",
  "on webgpu the fused Adam update matches ... \x1b[0m\x1b[33mignored\x1b[0m (0ms)",
  "with steps ...",
  "  webgpu inner step ... ignored (0ms)",
  "  other step ... ok (0ms)",
  "with steps ... ok (1ms)",
  "running 1 test from ./b_test.ts",
  "Chromium renders the page ... ignored (0ms)",
  "",
  "\x1b[0m\x1b[32mok\x1b[0m | 1 passed (1 step) | 0 failed | 2 ignored (1 step) \x1b[0m(86ms)",
  "",
].join("\n");
const failedReport = "FAILURES\n\nFAILED | 257 passed | 1 failed (1m57s)\n";

Deno.test("parseExpectedSkips reads a comma-separated, case-insensitive list", () => {
  assertEquals(parseExpectedSkips(undefined), []);
  assertEquals(parseExpectedSkips(" "), []);
  assertEquals(parseExpectedSkips("WebGPU, chromium,"), ["webgpu", "chromium"]);
});

Deno.test("testRunVerdict passes a run with no skips, and one whose skips are all declared", () => {
  assertEquals(testRunVerdict(passed, allRan, []), { exitCode: 0 });
  const declared = testRunVerdict(passed, withSkips, ["webgpu", "chromium"]);
  assertEquals(declared.exitCode, 0);
  assert(declared.message?.includes("3 ignored test(s), all declared"), declared.message);
});

Deno.test("testRunVerdict fails a passing run that ignored a test nobody declared, naming it", () => {
  const none = testRunVerdict(passed, withSkips, []);
  assertEquals(none.exitCode, 1);
  assert(none.message?.includes("EXPECTED_SKIPS is unset"), none.message);
  const webgpuOnly = testRunVerdict(passed, withSkips, ["webgpu"]);
  assertEquals(webgpuOnly.exitCode, 1);
  assert(webgpuOnly.message?.includes("1 ignored test(s)"), webgpuOnly.message);
  assert(webgpuOnly.message?.includes("  - Chromium renders the page\n"), webgpuOnly.message);
  assert(!webgpuOnly.message?.includes("fused Adam"), webgpuOnly.message);
  // A word matches anywhere in the name: "gpu" declares the WebGPU tests too, "adam" only one.
  assertEquals(testRunVerdict(passed, withSkips, ["gpu", "chromium"]).exitCode, 0);
  assertEquals(testRunVerdict(passed, withSkips, ["adam", "chromium"]).exitCode, 1);
});

Deno.test("testRunVerdict fails when the summary's ignored count and the named skips disagree", () => {
  const unnamed = "ok | 5 passed | 0 failed | 1 ignored (3s)\n";
  const verdict = testRunVerdict(passed, unnamed, ["webgpu"]);
  assertEquals(verdict.exitCode, 1);
  assert(verdict.message?.includes("counts 1 ignored tests"), verdict.message);
  const missingStep = withSkips.replace("  webgpu inner step ... ignored (0ms)\n", "");
  assertEquals(testRunVerdict(passed, missingStep, ["webgpu", "chromium"]).exitCode, 1);
});

Deno.test("testRunVerdict does not read a test's own printed output as an ignored test", () => {
  const printed = allRan.replace(
    "x ... ok (1ms)\n",
    "x ...\n------- output -------\nlisting ... ignored (0ms)\n----- output end -----\n" +
      "x ... ok (1ms)\n",
  );
  assertEquals(testRunVerdict(passed, printed, []), { exitCode: 0 });
  // A doc example prints outside any test, which the report frames as post-test output.
  const docExample = allRan.replace(
    "x ... ok (1ms)\n",
    "x ...\n------- post-test output -------\nlisting ... ignored (0ms)\n" +
      "----- post-test output end -----\nx ... ok (1ms)\n",
  );
  assertEquals(testRunVerdict(passed, docExample, []), { exitCode: 0 });
});

Deno.test("testRunVerdict keeps a failed or killed run's code, even after a passing report", () => {
  assertEquals(testRunVerdict(abort, allRan, []).exitCode, 134);
  assert(testRunVerdict(abort, allRan, []).message?.includes("SIGABRT"));
  assertEquals(testRunVerdict({ success: false, code: 1, signal: null }, failedReport, []), {
    exitCode: 1,
    message: "run_tests: deno test failed.",
  });
  // Exit 0 without a summary line (another reporter) cannot be checked, so it fails.
  assertEquals(testRunVerdict(passed, "running 2 tests\nx ... ok\n", []).exitCode, 1);
});

Deno.test("run_tests fails on a failure, an abort, an undeclared skip and a false doc example", async () => {
  const dir = Deno.makeTempDirSync();
  const write = (name: string, source: string) => Deno.writeTextFileSync(join(dir, name), source);
  write("pass_test.ts", 'Deno.test("passes", () => {});\n');
  write("fail_test.ts", 'Deno.test("fails", () => { throw new Error("no"); });\n');
  write(
    "abort_test.ts",
    'Deno.test("passes", () => {});\nglobalThis.addEventListener("unload", () => Deno.kill(Deno.pid, "SIGABRT"));\n',
  );
  write(
    "skip_test.ts",
    'Deno.test("passes", () => {});\nDeno.test({ name: "needs webgpu", ignore: true, fn() {} });\n',
  );
  // A module whose doc comment has one example, which checks `claim`.
  const withExample = (claim: string) =>
    [
      "/**",
      " * ```ts",
      ` * if (!(${claim})) throw new Error("false");`,
      " * ```",
      " */",
      "export {};",
    ]
      .join("\n");
  write("true_example.ts", withExample("Math.max(1, 2) === 2"));
  write("false_example.ts", withExample("Math.max(1, 2) === 1"));
  const script = new URL("../../scripts/run_tests.ts", import.meta.url).pathname;
  const run = async (file: string, expectedSkips = "") =>
    (await new Deno.Command(Deno.execPath(), {
      args: ["run", "--allow-all", script, join(dir, file)],
      env: { EXPECTED_SKIPS: expectedSkips },
      stdout: "null",
      stderr: "null",
    }).output()).code;
  assertEquals(await run("pass_test.ts"), 0);
  assertEquals(await run("fail_test.ts"), 1);
  assertEquals(await run("abort_test.ts"), 134);
  assertEquals(await run("skip_test.ts"), 1);
  assertEquals(await run("skip_test.ts", "chromium"), 1);
  assertEquals(await run("skip_test.ts", "webgpu"), 0);
  // Doc examples run too: a false claim in one fails the run.
  assertEquals(await run("true_example.ts"), 0);
  assertEquals(await run("false_example.ts"), 1);
});

Deno.test("every code block in lib/'s doc comments is a ```ts example that deno test --doc runs", async () => {
  // deno test --doc runs ```ts blocks; it passes over a bare ``` block or a ```ts ignore one
  // without a word in its report, so such a block would be an example nobody checks.
  const lib = new URL("../../lib/", import.meta.url).pathname;
  const unrun: string[] = [];
  for await (const entry of walk(lib)) {
    let open = false;
    Deno.readTextFileSync(entry).split("\n").forEach((line, index) => {
      const fence = /^\s*\*\s*```(.*)$/.exec(line);
      if (fence === null) return;
      if (!open && fence[1].trim() !== "ts") unrun.push(`${entry}:${index + 1} ${line.trim()}`);
      open = !open;
    });
  }
  assertEquals(
    unrun,
    [],
    "make each a runnable ```ts example (offline, on data it makes); only one that cannot " +
      "run offline may be fenced ```ts ignore, with the reason beside it, and be excepted in this test",
  );
});

/** The TypeScript files under `folder`, at any depth. */
async function* walk(folder: string): AsyncGenerator<string> {
  for await (const entry of Deno.readDir(folder)) {
    const path = join(folder, entry.name);
    if (entry.isDirectory) yield* walk(path);
    else if (path.endsWith(".ts")) yield path;
  }
}
