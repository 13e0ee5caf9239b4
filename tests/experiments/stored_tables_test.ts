import { assert, assertEquals, assertRejectsWith } from "../assert.ts";
import { table } from "../../lib/charts/display.ts";
import { findStoredTable, storedTables } from "../../lib/experiments/stored_tables.ts";

/** A notebook whose cells carry tables as `table()` prints them, plus other outputs. */
async function notebookWithTables(): Promise<string> {
  const results = table([
    { condition: "balanced", accuracy: 0.665, f1: 0.308 },
    { condition: "unbalanced, class weight 10", accuracy: 0.668, f1: 0.218 },
  ], { caption: "Test metrics" }).toString();
  const perRun = table([{ condition: "balanced", seed: 1, "test recall": 0.82 }]).toString();
  const notebook = {
    cells: [
      { cell_type: "markdown", source: ["# title"] },
      { cell_type: "code", outputs: [{ output_type: "stream", text: ["Loaded 10 images\n"] }] },
      {
        cell_type: "code",
        outputs: [{ output_type: "execute_result", data: { "text/plain": perRun } }],
      },
      {
        cell_type: "code",
        outputs: [{
          output_type: "display_data",
          data: { "text/plain": results.split(/(?<=\n)/) },
        }],
      },
    ],
  };
  const path = await Deno.makeTempFile({ suffix: ".ipynb" });
  await Deno.writeTextFile(path, JSON.stringify(notebook));
  return path;
}

Deno.test("stored tables are cut along their dashes, names with spaces and commas kept", async () => {
  const path = await notebookWithTables();
  const tables = await storedTables(path);
  assertEquals(tables.length, 2);
  const results = tables[1];
  assertEquals(results.cell, 3);
  assertEquals(results.caption, "Test metrics");
  assertEquals(results.columns, ["condition", "accuracy", "f1"]);
  assertEquals(results.rows[1], {
    condition: "unbalanced, class weight 10",
    accuracy: "0.668",
    f1: "0.218",
  });
});

Deno.test("findStoredTable picks the last table with the columns, or undefined", async () => {
  const path = await notebookWithTables();
  const found = await findStoredTable(path, ["condition", "f1"]);
  assert(found !== undefined);
  assertEquals(found.rows[0].f1, "0.308");
  assertEquals((await findStoredTable(path, ["condition", "test recall"]))?.rows[0].seed, "1");
  assertEquals(await findStoredTable(path, ["no such column"]), undefined);
  await assertRejectsWith(() => storedTables(`${path}.missing`), "Cannot read the stored notebook");
});
