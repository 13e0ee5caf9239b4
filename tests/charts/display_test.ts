import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import {
  Chart,
  chartToPng,
  displayChart,
  displayMetadata,
  inJupyter,
  mimeBundle,
  pngScale,
  table,
} from "../../lib/charts/display.ts";
import { classCounts } from "../../lib/charts/class_counts.ts";
import { pngSignature } from "../fixtures/chart_svg.ts";

Deno.test("chartToPng renders text with the bundled font (not blank)", async () => {
  const { PNG } = await import("pngjs");
  const chart = classCounts({ cats: 3, dogs: 1 }, { title: "Title", subtitle: "" });
  const bytes = chartToPng(chart);
  assert.deepEqual([...bytes.subarray(0, 8)], pngSignature);
  assert.equal(chartToPng(chart), bytes, "the PNG is rendered once and cached");
  const png = PNG.sync.read(Buffer.from(bytes));
  // The title's box, 20 x 80 SVG units from (0, 10), in PNG pixels.
  let dark = 0;
  for (let y = 10 * pngScale; y < 30 * pngScale; y++) {
    for (let x = 0; x < 80 * pngScale; x++) {
      const offset = (y * png.width + x) * 4;
      if (png.data[offset] + png.data[offset + 1] + png.data[offset + 2] < 200) dark++;
    }
  }
  assert.ok(
    dark > 50 * pngScale ** 2,
    `the title "Title" left only ${dark} dark pixels: is a font loaded?`,
  );
});

Deno.test("Chart refuses markup that is not standalone SVG", () => {
  assert.throws(() => new Chart("<figure></figure>", "x"), /needs standalone SVG markup/);
});

Deno.test("table shows records as HTML and aligned text", () => {
  const rows = [{ setup: "balanced", precision: 0.81234, n: 10 }, {
    setup: "weighted <10>",
    precision: 0.5,
    n: 200,
  }];
  const shown = table(rows, { format: { n: (value) => `${value} runs` } });
  const bundle = mimeBundle(shown);
  assert.match(bundle["text/html"], /<th>setup<\/th>/);
  assert.match(bundle["text/html"], /weighted &lt;10&gt;/);
  assert.match(bundle["text/html"], /<td style="text-align:right">0\.8123<\/td>/);
  assert.match(bundle["text/html"], /<td>200 runs<\/td>/);
  const lines = bundle["text/plain"].split("\n");
  assert.equal(lines[0], "setup          precision  n");
  assert.equal(lines[2], "balanced          0.8123  10 runs");
  assert.deepEqual(table(rows, { columns: ["n"] }).columns, ["n"]);
  assert.throws(() => table([null as unknown as Record<string, unknown>]), /row 0 is null/);
});

Deno.test("an all-numeric table is right-aligned once, on the <table>, not on every cell", () => {
  const html = table([{ epoch: 1, loss: 0.5 }, { epoch: 2, loss: 0.25 }]).toHtml();
  assert.match(html, /^<table style="text-align:right">/);
  assert.match(html, /<th style="text-align:right">loss<\/th>/);
  assert.match(html, /<tr><td>2<\/td><td>0\.25<\/td><\/tr>/);
  assert.equal(html.match(/text-align/g)?.length, 3, "the table and its two headers");
});

Deno.test("displayChart sends the chart's mime bundle in the kernel, and nothing outside it", async () => {
  const chart = classCounts({ a: 1 });
  const sent: [string, unknown][] = [];
  const fakeKernel = {
    broadcast: (type: string, content: unknown) => {
      sent.push([type, content]);
      return Promise.resolve();
    },
  };
  const deno = Deno as unknown as { jupyter?: unknown };
  assert.equal(inJupyter(), false, "these tests run outside the Jupyter kernel");
  await displayChart(chart);
  assert.deepEqual(sent, [], "displayChart sent something outside the kernel");
  deno.jupyter = fakeKernel;
  try {
    await displayChart(chart);
  } finally {
    deno.jupyter = undefined; // Deno's own getter only throws outside the kernel
  }
  assert.equal(inJupyter(), false);
  assert.deepEqual(sent, [[
    "display_data",
    { data: mimeBundle(chart), metadata: displayMetadata(chart), transient: {} },
  ]]);
  assert.ok(
    Object.keys((sent[0][1] as { data: object }).data).includes("image/png"),
    "no PNG in the bundle",
  );
});
