import { join } from "node:path";
import nodeAssert from "node:assert/strict";
import { assert, assertEquals } from "../assert.ts";
import {
  formatScoreTable,
  moduleTests,
  type MutantResult,
  type MutantSample,
  mutateFolder,
  parseMutationArgs,
  SAMPLE_ID_LIMIT,
  sampledMutantIds,
  sampledResults,
  strykerOptions,
  survivorLines,
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

/**
 * The outcome of each of the fixture's mutants that was tested, keyed by its replacement, and
 * how many mutants the run had.
 */
async function mutantOutcomes(
  root: string,
  sample?: MutantSample,
): Promise<{ outcomes: Record<string, string>; mutants: number }> {
  const cwd = Deno.cwd();
  Deno.chdir(root);
  try {
    const { results, mutants } = await mutateFolder("sum", {
      mutate: [],
      tests: [],
      concurrency: 1,
      timeoutMs: 20000,
      denoPath: Deno.execPath(),
      reporters: sample === undefined ? [] : ["json"],
      sample,
    });
    const outcomes = Object.fromEntries(
      results.map((result) => [result.replacement, result.status]),
    );
    return { outcomes, mutants };
  } finally {
    Deno.chdir(cwd);
  }
}

Deno.test("the mutant is active in the deno test process: a weak test lets it survive, a strong one kills it", async () => {
  for (const [test, outcome] of [["weak", "Survived"], ["strong", "Killed"]] as const) {
    const root = await addProject(test);
    try {
      const { outcomes, mutants } = await mutantOutcomes(root);
      // `return a + b` → `return a - b`, and the function body emptied (returns undefined).
      assertEquals(outcomes, { "a - b": outcome, "{}": "Killed" }, `${test} test`);
      assertEquals(mutants, 2);
    } finally {
      await Deno.remove(root, { recursive: true });
    }
  }
});

Deno.test("a sample tests only its mutants, reports the rest as Ignored and counts them apart", async () => {
  // A seed whose half-sample holds exactly one of the fixture's two mutants (ids "0" and "1").
  let seed = 1;
  const holdsOne = (ids: Set<string>) => ids.has("0") !== ids.has("1");
  while (!holdsOne(sampledMutantIds({ fraction: 0.5, seed }))) seed++;
  const sample = { fraction: 0.5, seed };
  const root = await addProject("weak");
  try {
    const { outcomes, mutants } = await mutantOutcomes(root, sample);
    assertEquals(mutants, 2);
    // The one tested keeps its real outcome under the weak test.
    const expected: Record<string, string> = { "a - b": "Survived", "{}": "Killed" };
    const tested = Object.keys(outcomes);
    assertEquals(tested.length, 1);
    assertEquals(outcomes[tested[0]], expected[tested[0]]);
    const report = JSON.parse(
      await Deno.readTextFile(join(root, ".cache/mutation/sum/mutation.json")),
    );
    const statuses = Object.values(report.files).flatMap((file) =>
      (file as { mutants: { replacement: string; status: string; statusReason?: string }[] })
        .mutants
    );
    const ignored = statuses.filter((mutant) => mutant.status === "Ignored");
    assertEquals(ignored.length, 1);
    assert(ignored[0].replacement !== tested[0]);
    assertEquals(ignored[0].statusReason, "not in the sample (--sample 0.5)");
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("testCommand with a sample passes over an unlisted mutant without running deno", async () => {
  const folder = await Deno.makeTempDir();
  try {
    const idFile = join(folder, "sample.txt");
    await Deno.writeTextFile(idFile, "3\n12\n");
    // A deno that does not exist: running the tests fails with 127, passing over exits 0.
    const command = testCommand(join(folder, "no-deno"), ["tests/"], idFile);
    const exitCode = async (mutant?: string) => {
      const env: Record<string, string> = mutant === undefined
        ? {}
        : { __STRYKER_ACTIVE_MUTANT__: mutant };
      const output = await new Deno.Command("sh", {
        args: ["-c", command],
        env,
        clearEnv: true,
        stderr: "null",
      }).output();
      return output.code;
    };
    assertEquals(await exitCode("1"), 0, "mutant 1 is not in the sample");
    assertEquals(await exitCode("2"), 0, 'nor is 2 ("12" must match whole lines)');
    assertEquals(await exitCode("12"), 127, "mutant 12 is tested");
    assertEquals(await exitCode(), 127, "the run without a mutant runs the tests");
  } finally {
    await Deno.remove(folder, { recursive: true });
  }
});

Deno.test("sampledMutantIds is a seeded Bernoulli draw, the same for the same seed", () => {
  const ids = sampledMutantIds({ fraction: 0.2, seed: 7 });
  // 100,000 draws at 0.2: the count's standard deviation is 126.
  assert(Math.abs(ids.size - 0.2 * SAMPLE_ID_LIMIT) < 630, `${ids.size} ids`);
  assertEquals([...sampledMutantIds({ fraction: 0.2, seed: 7 })], [...ids]);
  const other = sampledMutantIds({ fraction: 0.2, seed: 8 });
  assert([...ids].slice(0, 50).join() !== [...other].slice(0, 50).join());
  // Every stretch of ids is sampled at the rate: the last tenth as the first.
  const lastTenth = [...ids].filter((id) => Number(id) >= 0.9 * SAMPLE_ID_LIMIT).length;
  assert(Math.abs(lastTenth - 0.02 * SAMPLE_ID_LIMIT) < 200, `${lastTenth} in the last tenth`);
});

Deno.test("sampledResults keeps the sampled mutants and refuses a run beyond the drawn ids", () => {
  const results = ["0", "1", "2", "5"].map((id) => ({ id, status: "Killed" }) as MutantResult);
  assertEquals(sampledResults(results, new Set(["1", "5", "9"])).map((result) => result.id), [
    "1",
    "5",
  ]);
  nodeAssert.throws(
    () =>
      sampledResults(
        [...results, { id: String(SAMPLE_ID_LIMIT), status: "Killed" } as MutantResult],
        new Set(["1"]),
      ),
    /more than the 100000 a sample is drawn for: mutate fewer files/,
  );
});

Deno.test("parseMutationArgs takes a sample share and seed, and refuses a share outside (0, 1]", () => {
  assertEquals(parseMutationArgs(["metrics"], FOLDERS).sample, undefined);
  assertEquals(parseMutationArgs(["--sample", "1", "metrics"], FOLDERS).sample, undefined);
  assertEquals(
    parseMutationArgs(["--sample", "0.1", "--sample-seed", "3", "metrics"], FOLDERS).sample,
    { fraction: 0.1, seed: 3 },
  );
  for (const bad of ["0", "1.5", "ten", "-0.1"]) {
    nodeAssert.throws(
      () => parseMutationArgs([`--sample=${bad}`, "metrics"], FOLDERS),
      /--sample takes the share of mutants to test, above 0 and at most 1/,
    );
  }
  nodeAssert.throws(
    () => parseMutationArgs(["--sample", "0.5", "--sample-seed", "0"], FOLDERS),
    /--sample-seed takes a whole number ≥ 1/,
  );
});

Deno.test("a sampled row shows how many mutants it tested and the score's Wilson interval", () => {
  const tally = tallyMutants(
    [...Array(45).fill("Killed"), ...Array(5).fill("Survived")].map((status) =>
      ({ status }) as MutantResult
    ),
  );
  // 45 of 50: Wilson's 95 % interval is 78.6 % to 95.7 %.
  assertEquals(
    formatScoreTable([
      { folder: "charts", tally, sampledFrom: 500 },
      { folder: "metrics", tally },
    ]),
    "folder   killed  survived  timeout  no coverage  errors  score %     tested  95 % interval\n" +
      "charts       45         5        0            0       0    90.00  50 of 500      78.6–95.7\n" +
      "metrics      45         5        0            0       0    90.00        all              -",
  );
});

Deno.test("survivorLines names each survivor's place in lib/ and its change", () => {
  const results = [
    {
      status: "Survived",
      fileName: "/tmp/x/.cache/mutation/charts/sandbox/lib/charts/figure.ts",
      location: { start: { line: 42, column: 7 }, end: { line: 42, column: 20 } },
      mutatorName: "ConditionalExpression",
      replacement: "false",
    },
    { status: "Killed", fileName: "lib/charts/figure.ts" },
  ] as MutantResult[];
  assertEquals(survivorLines(results), [
    "lib/charts/figure.ts:42:7 ConditionalExpression: false",
  ]);
});
