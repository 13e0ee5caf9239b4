/**
 * Runs a copy of every notebook in notebooks/ in the quick profile on data the
 * test generates, so a notebook that breaks is caught the day it breaks. The
 * stored notebooks (with their full-profile outputs) are never overwritten:
 * the executed copies go to a temporary folder.
 */
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { assert } from "../assert.ts";
import { writeCatsDogsFixture } from "../fixtures/cats_dogs.ts";
import { writeCoil2000Fixture } from "../fixtures/coil2000.ts";
import { runNotebookInChild } from "../child/run_notebook_child.ts";

const notebooksDir = fileURLToPath(new URL("../../notebooks/", import.meta.url));
const notebooks = [...Deno.readDirSync(notebooksDir)]
  .filter((entry) => entry.isFile && entry.name.endsWith(".ipynb"))
  .map((entry) => entry.name)
  .sort();

const fixtureDir = Deno.makeTempDirSync({ prefix: "notebooks-test-" });
const catsDogs = writeCatsDogsFixture(join(fixtureDir, "cats_dogs"));
const coil2000 = writeCoil2000Fixture(join(fixtureDir, "coil2000"));

for (const name of notebooks) {
  Deno.test({
    name: `notebook ${name} runs end to end in the quick profile`,
    sanitizeResources: false,
    sanitizeOps: false,
    async fn() {
      const source = join(notebooksDir, name);
      const before = Deno.readTextFileSync(source);
      const result = await runNotebookInChild(source, {
        outputPath: join(fixtureDir, name),
        timeoutSeconds: 300,
        env: {
          PROFILE: "quick",
          CATS_DOGS_DIR: catsDogs,
          COIL2000_DIR: coil2000,
          TFJS_BACKEND: "wasm",
          RESULTS_DIR: join(fixtureDir, "results"),
        },
      });
      const report = result.failures.map((failure) => JSON.stringify(failure)).join("\n");
      assert(result.ok, `${name} failed:\n${report}`);
      assert(
        result.executedCellCount === result.codeCellCount && result.codeCellCount > 0,
        `${name}: ran ${result.executedCellCount} of ${result.codeCellCount} code cells`,
      );
      const executed = JSON.parse(Deno.readTextFileSync(join(fixtureDir, name)));
      const errors = executed.cells.flatMap((cell: { outputs?: { output_type: string }[] }) =>
        (cell.outputs ?? []).filter((output) => output.output_type === "error")
      );
      assert(errors.length === 0, `${name}: ${errors.length} error outputs`);
      assert(Deno.readTextFileSync(source) === before, `${name}: the stored notebook changed`);
    },
  });
}
