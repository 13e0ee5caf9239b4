/**
 * tests/ mirrors the library: the tests of lib/<path>.ts are in
 * tests/<path>_test.ts, and those of a command in scripts/ in
 * tests/scripts/<path>_test.ts (scripts/<path>.ts, or the folder
 * scripts/<path>/ for a command made of several files). A test file named
 * after nothing fails this test, unless it is listed in NOT_A_MODULE with
 * the reason. The library modules that have no test file yet are printed.
 */
import { assert, assertEquals } from "./assert.ts";

/**
 * Test files that test no single module, relative to tests/, each with the
 * reason. Keep it short: a file that tests one module is named after it.
 */
const NOT_A_MODULE: Record<string, string> = {
  "layout_test.ts": "checks the layout of tests/ itself",
  "engine/webgpu/training_test.ts":
    "trains whole models on webgpu with the project's kernels (training, prediction, evaluation)",
  "scripts/notebooks_test.ts": "runs every notebook in notebooks/ on generated data",
  "scripts/jupyter_frontend_test.ts":
    "renders the stored notebooks in a real Jupyter front end and a headless browser",
  "statistics/seed_test_interval_coverage_test.ts":
    "simulates the coverage of seed_test_interval's intervals (minutes), apart from its unit tests " +
    "so that mutation runs can leave it out",
  "statistics/multi_class_interval_coverage_test.ts":
    "simulates the coverage of multi_class_interval's one-run interval, apart from its unit tests " +
    "for the same reason",
};

/** Library files that are not modules to test on their own. */
const NOT_TESTED_ALONE = new Set([
  // Re-exports the public API: `deno check` and the doc examples cover it.
  "mod.ts",
  // Types only (EpochLog, History): nothing runs, `deno check` covers it.
  "training/history.ts",
  // A worker's entry point: tests/experiments/parallel_runs_test.ts runs it in real workers.
  "experiments/parallel_runs_worker.ts",
]);

const root = new URL("../", import.meta.url);

/** The paths of the files under `folder` of the project, relative to it, "/"-separated. */
function filesUnder(folder: string): string[] {
  const found: string[] = [];
  const visit = (relative: string) => {
    for (const entry of Deno.readDirSync(new URL(`${folder}/${relative}`, root))) {
      const path = `${relative}${entry.name}`;
      if (entry.isDirectory) visit(`${path}/`);
      else if (entry.isFile) found.push(path);
    }
  };
  visit("");
  return found.sort();
}

/** "charts/loss_curve_test.ts" → "charts/loss_curve". */
function testedName(testFile: string): string {
  return testFile.slice(0, -"_test.ts".length);
}

/**
 * The test files (paths relative to tests/) that are named after no library
 * module, no script and no script folder, and are not in `allowed`.
 */
function unmatchedTestFiles(
  testFiles: string[],
  libFiles: string[],
  scriptFiles: string[],
  allowed: Record<string, string>,
): string[] {
  const modules = new Set(libFiles);
  const scripts = new Set(scriptFiles);
  const scriptFolders = new Set(scriptFiles.flatMap((file) => {
    const parts = file.split("/");
    return parts.slice(1).map((_, i) => parts.slice(0, i + 1).join("/"));
  }));
  return testFiles.filter((file) => {
    if (!file.endsWith("_test.ts") || file in allowed) return false;
    const name = testedName(file);
    if (name.startsWith("scripts/")) {
      const script = name.slice("scripts/".length);
      return !scripts.has(`${script}.ts`) && !scriptFolders.has(script);
    }
    return !modules.has(`${name}.ts`);
  });
}

const testFiles = filesUnder("tests").filter((file) => file.endsWith("_test.ts"));
const libFiles = filesUnder("lib").filter((file) => file.endsWith(".ts"));
const scriptFiles = filesUnder("scripts").filter((file) => file.endsWith(".ts"));

Deno.test("every test file is named after the library module or script it tests", () => {
  const tested = new Set(testFiles.map((file) => `${testedName(file)}.ts`));
  const untested = libFiles.filter((file) => !tested.has(file) && !NOT_TESTED_ALONE.has(file));
  assertEquals(
    untested.map((file) => `lib/${file}`),
    [],
    "these library modules have no test file of their own: give lib/<path>.ts its tests in " +
      "tests/<path>_test.ts, or list it in NOT_TESTED_ALONE in tests/layout_test.ts with the reason",
  );
  const unmatched = unmatchedTestFiles(testFiles, libFiles, scriptFiles, NOT_A_MODULE);
  assertEquals(
    unmatched.map((file) => `tests/${file}`),
    [],
    "these test files are named after no module: name each after the module it tests " +
      "(tests/<path>_test.ts for lib/<path>.ts, tests/scripts/<path>_test.ts for scripts/), " +
      "move its tests into that module's test file, or list it in NOT_A_MODULE in " +
      "tests/layout_test.ts with the reason",
  );
});

Deno.test("NOT_A_MODULE lists only test files that exist and are named after nothing", () => {
  const stale = Object.keys(NOT_A_MODULE).filter((file) =>
    !testFiles.includes(file) ||
    unmatchedTestFiles([file], libFiles, scriptFiles, {}).length === 0
  );
  assertEquals(stale, [], "remove these entries from NOT_A_MODULE in tests/layout_test.ts");
});

Deno.test("unmatchedTestFiles flags a test file named after nothing and accepts the mirrors", () => {
  const lib = ["charts/loss_curve.ts", "metrics/auc.ts"];
  const scripts = ["run_tests.ts", "notebook_runner/kernel_client.ts"];
  const tests = [
    "charts/loss_curve_test.ts",
    "charts/plots_test.ts",
    "metrics_test.ts",
    "scripts/run_tests_test.ts",
    "scripts/notebook_runner_test.ts",
    "scripts/gpu_bench_test.ts",
    "fixture.ts",
  ];
  assertEquals(unmatchedTestFiles(tests, lib, scripts, {}), [
    "charts/plots_test.ts",
    "metrics_test.ts",
    "scripts/gpu_bench_test.ts",
  ]);
  assertEquals(unmatchedTestFiles(tests, lib, scripts, { "charts/plots_test.ts": "why" }), [
    "metrics_test.ts",
    "scripts/gpu_bench_test.ts",
  ]);
  assert(testFiles.length > 0 && libFiles.length > 0, "found no test files or library modules");
});
