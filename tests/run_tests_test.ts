import { join } from "node:path";
import { assert, assertEquals } from "./assert.ts";
import { testRunVerdict } from "../scripts/run_tests.ts";

const passedReport =
  "running 2 tests\nx ... ok\n\nok | 258 passed | 0 failed | 1 ignored (1m57s)\n";
const failedReport = "FAILURES\n\nFAILED | 257 passed | 1 failed (1m57s)\n";
const colouredReport =
  "\x1b[0m\x1b[32mok\x1b[0m | 12 passed | 0 failed \x1b[0m\x1b[38;5;245m(3s)\x1b[0m\n";
const abort: Deno.CommandStatus = { success: false, code: 134, signal: "SIGABRT" };

Deno.test("testRunVerdict lets through only an abort after a complete, all-passed report", () => {
  assertEquals(testRunVerdict({ success: true, code: 0, signal: null }, passedReport), {
    exitCode: 0,
  });
  const tolerated = testRunVerdict(abort, passedReport);
  assertEquals(tolerated.exitCode, 0);
  assert(tolerated.warning?.includes("all 258 tests passed"), tolerated.warning);
  assertEquals(testRunVerdict(abort, colouredReport).exitCode, 0);
  // A failed test, an abort before the report, and other signals or codes keep their status.
  assertEquals(testRunVerdict(abort, failedReport), { exitCode: 134 });
  assertEquals(testRunVerdict(abort, "running 2 tests\nx ... ok\n"), { exitCode: 134 });
  assertEquals(testRunVerdict({ success: false, code: 139, signal: "SIGSEGV" }, passedReport), {
    exitCode: 139,
  });
  assertEquals(testRunVerdict({ success: false, code: 1, signal: null }, failedReport), {
    exitCode: 1,
  });
});

Deno.test("run_tests passes a run's status through: a pass, a failure, an abort before the report", async () => {
  const dir = Deno.makeTempDirSync();
  const write = (name: string, source: string) => Deno.writeTextFileSync(join(dir, name), source);
  write("pass_test.ts", 'Deno.test("passes", () => {});\n');
  write("fail_test.ts", 'Deno.test("fails", () => { throw new Error("no"); });\n');
  write(
    "abort_test.ts",
    'Deno.test("passes", () => {});\nglobalThis.addEventListener("unload", () => Deno.kill(Deno.pid, "SIGABRT"));\n',
  );
  const script = new URL("../scripts/run_tests.ts", import.meta.url).pathname;
  const run = async (file: string) =>
    (await new Deno.Command(Deno.execPath(), {
      args: ["run", "--allow-all", script, join(dir, file)],
      stdout: "null",
      stderr: "null",
    }).output()).code;
  assertEquals(await run("pass_test.ts"), 0);
  assertEquals(await run("fail_test.ts"), 1);
  assertEquals(await run("abort_test.ts"), 134);
});
