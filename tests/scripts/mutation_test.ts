import { join } from "node:path";
import nodeAssert from "node:assert/strict";
import { assert, assertEquals } from "../assert.ts";
import {
  formatScoreTable,
  moduleTests,
  type MutantResult,
  mutateFolder,
  parseMutationArgs,
  strykerOptions,
  tallyMutants,
  testCommand,
  testedLibFolders,
} from "../../scripts/mutation.ts";

const FOLDERS = ["metrics", "statistics", "training"];

Deno.test("parseMutationArgs defaults to every folder and takes lib/ paths or names", () => {
  assertEquals(parseMutationArgs([], FOLDERS).folders, FOLDERS);
  const parsed = parseMutationArgs(["lib/metrics/", "training", "--concurrency", "2"], FOLDERS);
  assertEquals(parsed.folders, ["metrics", "training"]);
  assertEquals(parsed.concurrency, 2);
  assertEquals(parsed.timeoutMs, 20000);
});

Deno.test("parseMutationArgs rejects unknown folders, bad numbers and --mutate outside one folder", () => {
  nodeAssert.throws(() => parseMutationArgs(["charts"], FOLDERS), /"charts" is not a lib\/ folder/);
  nodeAssert.throws(() => parseMutationArgs(["--concurrency", "0"], FOLDERS), /whole number ≥ 1/);
  nodeAssert.throws(
    () => parseMutationArgs(["--mutate", "lib/metrics/auc.ts"], FOLDERS),
    /name exactly one FOLDER/,
  );
  nodeAssert.throws(
    () => parseMutationArgs(["--mutate", "lib/training/train.ts", "metrics"], FOLDERS),
    /under lib\/metrics\//,
  );
});

Deno.test("strykerOptions mutates the folder against its own tests, reports under .cache", () => {
  const options = strykerOptions("metrics", {
    mutate: [],
    tests: [],
    concurrency: 1,
    timeoutMs: 20000,
    denoPath: "/opt/deno",
  });
  assertEquals(options.mutate, ["lib/metrics/**/*.ts"]);
  assertEquals(
    options.commandRunner?.command,
    "TFJS_WASM_THREADS=1 '/opt/deno' test --allow-all --no-check 'tests/metrics/'",
  );
  assertEquals(options.jsonReporter?.fileName, ".cache/mutation/metrics/mutation.json");
  const narrowed = strykerOptions("training", {
    mutate: ["lib/training/train.ts"],
    tests: ["tests/training/train_test.ts"],
    concurrency: 2,
    timeoutMs: 5000,
    denoPath: "deno",
  });
  assertEquals(narrowed.mutate, ["lib/training/train.ts"]);
  assert(narrowed.commandRunner?.command?.endsWith(" 'tests/training/train_test.ts'"));
});

Deno.test("testCommand quotes paths for sh", () => {
  assertEquals(
    testCommand("deno", ["it's/"]),
    `TFJS_WASM_THREADS=1 'deno' test --allow-all --no-check 'it'\\''s/'`,
  );
});

Deno.test("tallyMutants counts outcomes; the score leaves errors out and counts timeouts", () => {
  const results = [
    "Killed",
    "Killed",
    "Killed",
    "Timeout",
    "Survived",
    "NoCoverage",
    "CompileError",
    "RuntimeError",
  ].map((status) => ({ status }) as MutantResult);
  const tally = tallyMutants(results);
  assertEquals(tally, {
    killed: 3,
    timeout: 1,
    survived: 1,
    noCoverage: 1,
    errors: 2,
    score: 4 / 6 * 100,
  });
  assert(Number.isNaN(tallyMutants([]).score));
  assertEquals(
    formatScoreTable([{ folder: "metrics", tally }]),
    "folder   killed  survived  timeout  no coverage  errors  score %\n" +
      "metrics       3         1        1            1       2    66.67",
  );
});

Deno.test("--per-module excludes --mutate and --tests", () => {
  assertEquals(parseMutationArgs(["--per-module", "training"], FOLDERS).perModule, true);
  nodeAssert.throws(
    () => parseMutationArgs(["--per-module", "--tests", "tests/training/", "training"], FOLDERS),
    /leave out --mutate and --tests/,
  );
});

Deno.test("moduleTests pairs each module, sub-folders included, with its mirrored test file", async () => {
  const root = await Deno.makeTempDir();
  try {
    const files = [
      "lib/t/a.ts",
      "lib/t/b.ts",
      "lib/t/sub/c.ts",
      "lib/t/readme.md",
      "tests/t/a_test.ts",
      "tests/t/sub/c_test.ts",
    ];
    for (const file of files) {
      await Deno.mkdir(join(root, file, ".."), { recursive: true });
      await Deno.writeTextFile(join(root, file), "");
    }
    assertEquals(await moduleTests(root, "t"), [
      { module: "lib/t/a.ts", test: "tests/t/a_test.ts" },
      { module: "lib/t/b.ts" },
      { module: "lib/t/sub/c.ts", test: "tests/t/sub/c_test.ts" },
    ]);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("testedLibFolders lists lib/ folders that have a tests/ folder", async () => {
  const root = await Deno.makeTempDir();
  try {
    for (const folder of ["lib/a", "lib/b", "tests/b", "tests/c"]) {
      await Deno.mkdir(join(root, folder), { recursive: true });
    }
    assertEquals(await testedLibFolders(root), ["b"]);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

/**
 * A project with one function and a test of it, to run Stryker on: `strong` asserts a sum that
 * `a - b` gets wrong; the weak test's `add(0, 0)` is 0 under `a - b` too.
 */
async function addProject(test: "strong" | "weak"): Promise<string> {
  const root = await Deno.makeTempDir();
  await Deno.mkdir(join(root, "lib/sum"), { recursive: true });
  await Deno.mkdir(join(root, "tests/sum"), { recursive: true });
  await Deno.writeTextFile(
    join(root, "lib/sum/add.ts"),
    "export function add(a: number, b: number): number {\n  return a + b;\n}\n",
  );
  const [a, b, sum] = test === "strong" ? [2, 3, 5] : [0, 0, 0];
  await Deno.writeTextFile(
    join(root, "tests/sum/add_test.ts"),
    `import { add } from "../../lib/sum/add.ts";\n` +
      `Deno.test("add", () => {\n  if (add(${a}, ${b}) !== ${sum}) throw new Error("wrong sum");\n});\n`,
  );
  return root;
}

/** The outcome of each of the fixture's mutants, keyed by its replacement. */
async function mutantOutcomes(root: string): Promise<Record<string, string>> {
  const cwd = Deno.cwd();
  Deno.chdir(root);
  try {
    const results = await mutateFolder("sum", {
      mutate: [],
      tests: [],
      concurrency: 1,
      timeoutMs: 20000,
      denoPath: Deno.execPath(),
      reporters: [],
    });
    return Object.fromEntries(results.map((result) => [result.replacement, result.status]));
  } finally {
    Deno.chdir(cwd);
  }
}

Deno.test("the mutant is active in the deno test process: a weak test lets it survive, a strong one kills it", async () => {
  for (const [test, outcome] of [["weak", "Survived"], ["strong", "Killed"]] as const) {
    const root = await addProject(test);
    try {
      const outcomes = await mutantOutcomes(root);
      // `return a + b` → `return a - b`, and the function body emptied (returns undefined).
      assertEquals(outcomes, { "a - b": outcome, "{}": "Killed" }, `${test} test`);
    } finally {
      await Deno.remove(root, { recursive: true });
    }
  }
});
