/**
 * The download helpers (lib/data/download.ts) as a notebook shows them. The
 * first-use download itself (downloadOnFirstUse) is tested through the data
 * sets that use it: tests/data/cats_dogs_test.ts and tests/data/coil2000_test.ts.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { runNotebookInChild } from "../child/run_notebook_child.ts";

Deno.test("in a notebook the download bar is one output, updated in place to the end", async () => {
  const directory = await Deno.makeTempDir({ prefix: "download_bar_test_" });
  try {
    const path = join(directory, "bar.ipynb");
    const downloadModule = new URL("../../lib/data/download.ts", import.meta.url).href;
    const source = `import { downloadProgressBar } from "${downloadModule}";
const bar = downloadProgressBar("archive");
bar.update({ receivedBytes: 1e6, totalBytes: 4e6, bytesPerSecond: 2e6 });
bar.update({ receivedBytes: 4e6, totalBytes: 4e6, bytesPerSecond: 2e6 });
bar.finish();
await new Promise((resolve) => setTimeout(resolve, 200));`;
    await Deno.writeTextFile(
      path,
      JSON.stringify({
        nbformat: 4,
        nbformat_minor: 5,
        metadata: {},
        cells: [{
          cell_type: "code",
          id: "a",
          metadata: {},
          source,
          execution_count: null,
          outputs: [],
        }],
      }),
    );
    const result = await runNotebookInChild(path, { outputPath: join(directory, "out.ipynb") });
    assert.equal(result.ok, true, JSON.stringify(result.failures));
    const [cell] = JSON.parse(await Deno.readTextFile(join(directory, "out.ipynb"))).cells;
    assert.equal(cell.outputs.length, 1, JSON.stringify(cell.outputs));
    assert.equal(cell.outputs[0].output_type, "display_data");
    assert.equal(cell.outputs[0].data["text/plain"].join(""), "archive 100% 4.0/4.0 MB 2.0 MB/s");
  } finally {
    await Deno.remove(directory, { recursive: true });
  }
});
