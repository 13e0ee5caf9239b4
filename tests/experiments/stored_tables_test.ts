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

/** The tables of a notebook with one code cell whose stream outputs are `texts`. */
async function tablesOfTexts(...texts: string[]) {
  const notebook = {
    cells: [{
      cell_type: "code",
      outputs: texts.map((text) => ({ output_type: "stream", text })),
    }],
  };
  const path = await Deno.makeTempFile({ suffix: ".ipynb" });
  await Deno.writeTextFile(path, JSON.stringify(notebook));
  return await storedTables(path);
}

Deno.test("stored tables: a table ends at a blank or whitespace-only line; a blank caption line is no caption", async () => {
  const [first, second, third] = await tablesOfTexts(
    "\nrun  loss\n---  ----\n1    0.5\n2    0.4\n   \nrest of the output\n",
    "Caption\nx  y\n-  -   \n1  2\n\nnot a row\n",
    "  \nz\n-\n3\n",
  );
  assertEquals(first.caption, undefined);
  assertEquals(third.caption, undefined);
  assertEquals(third.rows, [{ z: "3" }]);
  assertEquals(first.columns, ["run", "loss"]);
  assertEquals(first.rows, [{ run: "1", loss: "0.5" }, { run: "2", loss: "0.4" }]);
  // A line of dashes with trailing spaces is still a table's rule.
  assertEquals(second.caption, "Caption");
  assertEquals(second.rows, [{ x: "1", y: "2" }]);
});

Deno.test("stored tables: lines that only start or end with dashes, or come first, are not rules", async () => {
  assertEquals(
    await tablesOfTexts(
      "------\nafter a separator\n",
      "epoch 1\nloss --\n",
      "bias\n-1 is the initial bias\n",
    ),
    [],
  );
});

Deno.test("storedTables: an unreadable notebook is an error naming the fix", async () => {
  await assertRejectsWith(
    () => storedTables("no/such/notebook.ipynb"),
    'Cannot read the stored notebook "no/such/notebook.ipynb"',
    "give the path of an .ipynb file, relative to the working directory",
  );
});
