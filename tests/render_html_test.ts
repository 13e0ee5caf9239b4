/** Tests of the static HTML rendering of notebooks (`deno task html`), with a Chromium check. */

import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import { join } from "node:path";
import { PNG } from "pngjs";
import { markdownToHtml } from "../scripts/html/markdown.ts";
import { parseNotebook } from "../scripts/html/notebook.ts";
import { chooseMimeType, renderOutput } from "../scripts/html/outputs.ts";
import { renderNotebookPage } from "../scripts/html/page.ts";
import { renderSite } from "../scripts/html/site.ts";

const CHROMIUM = "/usr/bin/chromium";
const hasChromium = await Deno.stat(CHROMIUM).then(() => true, () => false);
if (!hasChromium) {
  console.warn(
    `SKIPPING the Chromium screenshot test: ${CHROMIUM} is missing ` +
      "(install it with `apt-get install -y chromium`).",
  );
}

const SCRIPT = "<script>alert(1)</script>";
const ESCAPED_SCRIPT = "&lt;script&gt;alert(1)&lt;/script&gt;";
const ORANGE = [255, 127, 14];
const BLUE = [31, 119, 180];
const GREEN = [44, 160, 44];

/** A solid-colour PNG, base64-encoded as a notebook stores it. */
function solidPngBase64(width: number, height: number, [r, g, b]: number[]): string {
  const png = new PNG({ width, height });
  for (let i = 0; i < width * height; i++) png.data.set([r, g, b, 255], i * 4);
  return PNG.sync.write(png).toString("base64");
}

/** A notebook with markdown, code, a chart (inline SVG as text/html), a PNG and an error. */
function fixtureNotebook() {
  const hex = ([r, g, b]: number[]) => `rgb(${r},${g},${b})`;
  const chart = `<svg xmlns="http://www.w3.org/2000/svg" width="400" height="200">` +
    `<rect x="10" y="10" width="180" height="180" fill="${hex(ORANGE)}"/>` +
    `<circle cx="300" cy="100" r="80" fill="${hex(BLUE)}"/></svg>`;
  return {
    nbformat: 4,
    nbformat_minor: 5,
    metadata: { language_info: { name: "typescript" } },
    cells: [
      { cell_type: "markdown", metadata: {}, source: ["# Cats *and* dogs\n", "A `chart`:\n"] },
      {
        cell_type: "code",
        metadata: {},
        execution_count: 7,
        source: [`const html = "${SCRIPT}"; // draw\n`, "plot();"],
        outputs: [
          { output_type: "stream", name: "stdout", text: [`${SCRIPT}\n`] },
          { output_type: "display_data", metadata: {}, data: { "text/html": chart } },
          {
            output_type: "execute_result",
            execution_count: 7,
            metadata: {},
            data: { "image/png": solidPngBase64(120, 60, GREEN), "text/plain": "an image" },
          },
          {
            output_type: "error",
            ename: "TypeError",
            evalue: "plot is not a function",
            traceback: [
              "\u001b[31mTypeError\u001b[0m: plot is not a function",
              "    at <anonymous>:2:1",
            ],
          },
        ],
      },
    ],
  };
}

Deno.test("markdown: headings, emphasis, code, lists, links, tables, quotes", () => {
  const html = markdownToHtml([
    "# Title with `code`",
    "",
    "Text with **bold**, *em*, _em too_, snake_case_name and [a link](https://example.com/a_(b)).",
    "See [setup](setup.ipynb#data).",
    "",
    "```ts",
    "const x = 1; // one",
    "```",
    "",
    "- one",
    "- two",
    "  - nested",
    "",
    "3. third",
    "4. fourth",
    "",
    "> quoted **text**",
    "",
    "| name | n |",
    "|:-----|--:|",
    "| cats | 10 |",
    "",
    "---",
  ].join("\n"));
  assert.match(html, /<h1 id="title-with-code">Title with <code>code<\/code>/);
  assert.match(html, /<strong>bold<\/strong>, <em>em<\/em>, <em>em too<\/em>, snake_case_name/);
  assert.match(html, /<a href="https:\/\/example.com\/a_\(b\)">a link<\/a>/);
  assert.match(html, /<a href="setup.html#data">setup<\/a>/, "notebook links point at pages");
  assert.match(html, /<pre><code class="language-ts"><span class="tok-keyword">const<\/span> x = /);
  assert.match(html, /<span class="tok-comment">\/\/ one<\/span>/);
  assert.match(html, /<ul>\n<li>one<\/li>\n<li>two\n<ul>\n<li>nested<\/li>\n<\/ul><\/li>\n<\/ul>/);
  assert.match(html, /<ol start="3">\n<li>third<\/li>\n<li>fourth<\/li>\n<\/ol>/);
  assert.match(html, /<blockquote>\n<p>quoted <strong>text<\/strong><\/p>\n<\/blockquote>/);
  assert.match(
    html,
    /<th style="text-align: left">name<\/th><th style="text-align: right">n<\/th>/,
  );
  assert.match(
    html,
    /<td style="text-align: left">cats<\/td><td style="text-align: right">10<\/td>/,
  );
  assert.match(html, /<hr>/);
});

Deno.test("markdown: raw HTML is shown as text and javascript: links are neutralised", () => {
  const html = markdownToHtml(
    `Hi ${SCRIPT} <img src=x onerror=alert(1)> [x](javascript:alert(1)) ![y](javascript:z)`,
  );
  assert.ok(html.includes(ESCAPED_SCRIPT), html);
  assert.ok(!/<script|<img src=x|javascript:/i.test(html), html);
  assert.match(html, /<a href="#">x<\/a>/);
});

Deno.test("markdown: attachment images become data URLs; duplicate headings get unique ids", () => {
  const usedIds = new Set<string>();
  const html = markdownToHtml("## Results\n\n## Results\n\n![plot](attachment:p.png)", {
    attachments: { "p.png": { "image/png": "iVBORw0KGgo=" } },
    usedIds,
  });
  assert.match(html, /id="results"/);
  assert.match(html, /id="results-1"/);
  assert.match(html, /<img src="data:image\/png;base64,iVBORw0KGgo=" alt="plot">/);
});

Deno.test("code source, stream and text/plain outputs are escaped, never injected", () => {
  const page = renderNotebookPage(parseNotebook(JSON.stringify(fixtureNotebook()), "t.ipynb"), {
    sourceName: "t.ipynb",
  });
  assert.ok(!page.includes(SCRIPT), "a raw <script> reached the page");
  assert.ok(page.includes(ESCAPED_SCRIPT));
  const plain = renderOutput({
    output_type: "execute_result",
    execution_count: 2,
    metadata: {},
    data: { "text/plain": [SCRIPT, " & more"] },
  });
  assert.ok(plain.includes(`<pre>${ESCAPED_SCRIPT} &amp; more</pre>`), plain);
  assert.ok(plain.includes("Out[2]:"));
  assert.match(page, /In \[7\]:/);
  assert.match(page, /<title>Cats and dogs<\/title>/);
});

Deno.test("rich outputs are shown by priority html > png > svg > markdown > plain", () => {
  const all = {
    "text/plain": "p",
    "text/markdown": "**m**",
    "image/svg+xml": "<svg/>",
    "image/png": "iVBORw0KGgo=",
    "text/html": "<b>h</b>",
  };
  assert.equal(chooseMimeType(all), "text/html");
  const { "text/html": _html, ...noHtml } = all;
  assert.equal(chooseMimeType(noHtml), "image/png");
  const { "image/png": _png, ...noPng } = noHtml;
  assert.equal(chooseMimeType(noPng), "image/svg+xml");
  const { "image/svg+xml": _svg, ...noSvg } = noPng;
  assert.equal(chooseMimeType(noSvg), "text/markdown");
  const display = (data: Record<string, string>) =>
    renderOutput({ output_type: "display_data", metadata: {}, data });
  assert.ok(display(all).includes("<b>h</b>"));
  assert.ok(display(noHtml).includes('<img src="data:image/png;base64,iVBORw0KGgo="'));
  assert.ok(display(noSvg).includes("<strong>m</strong>"));
  const svgImage = /src="data:image\/svg\+xml;base64,([^"]+)"/.exec(display(noPng));
  assert.ok(svgImage, "SVG output is not an image");
  assert.equal(atob(svgImage[1]), '<svg xmlns="http://www.w3.org/2000/svg"/>');
  assert.match(display({ "application/x-thing": "?" }), /application\/x-thing format not shown/);
});

Deno.test("errors show name, value and traceback with ANSI colours converted", () => {
  const html = renderOutput({
    output_type: "error",
    ename: "RangeError",
    evalue: "bad <size>",
    traceback: [
      "\u001b[31mRangeError\u001b[0m: bad <size>",
      "    at \u001b[1m\u001b[36mtrain\u001b[0m (lib/train.ts:3:9)",
    ],
  });
  assert.match(html, /<div class="error-summary">RangeError: bad &lt;size&gt;<\/div>/);
  assert.match(html, /<span class="ansi-bold ansi-fg-cyan">train<\/span> \(lib\/train.ts:3:9\)/);
  assert.ok(!html.includes("\u001b"), "an escape character reached the page");
  assert.equal(html.split("RangeError").length - 1, 1, "the summary line is shown twice");
});

Deno.test("notebooks that are not nbformat 4 are refused with the path and a fix", () => {
  assert.throws(
    () => parseNotebook('{"nbformat": 3, "worksheets": []}', "old.ipynb"),
    /old\.ipynb is not an nbformat 4 notebook.*jupyter nbconvert/,
  );
  assert.throws(() => parseNotebook("{", "broken.ipynb"), /broken\.ipynb is not valid JSON/);
  assert.throws(
    () =>
      parseNotebook('{"nbformat": 4, "cells": [{"cell_type": "code", "source": ""}]}', "c.ipynb"),
    /c\.ipynb, cell 1 is a code cell without an "outputs" list/,
  );
});

Deno.test("deno task html writes one page per notebook and an index titled by first headings", async () => {
  const dir = await Deno.makeTempDir({ prefix: "render_html_" });
  try {
    const notebookPath = join(dir, "cats.ipynb");
    await Deno.writeTextFile(notebookPath, JSON.stringify(fixtureNotebook()));
    const untitled = join(dir, "untitled.ipynb");
    await Deno.writeTextFile(untitled, JSON.stringify({ nbformat: 4, metadata: {}, cells: [] }));
    const script = new URL("../scripts/render_html.ts", import.meta.url).pathname;
    const outDir = join(dir, "site");
    const run = await new Deno.Command(Deno.execPath(), {
      args: ["run", "--allow-all", script, "--out", outDir, notebookPath, untitled],
      stdout: "piped",
      stderr: "piped",
    }).output();
    assert.equal(run.code, 0, new TextDecoder().decode(run.stderr));
    const index = await Deno.readTextFile(join(outDir, "index.html"));
    assert.match(index, /<a href="cats.html">Cats and dogs<\/a>/);
    assert.match(index, /<a href="untitled.html">untitled<\/a>/);
    const page = await Deno.readTextFile(join(outDir, "cats.html"));
    assert.match(page, /<a href="index.html">← All notebooks<\/a>/);
    assert.ok(!/<(link|script)\b/.test(page), "the page loads another file");
    await assert.rejects(() => renderSite([join(dir, "missing.ipynb")], outDir), /does not exist/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

/** Counts screenshot pixels within 12 of `colour` per channel and returns their bounding box. */
function findColour(png: PNG, colour: number[]) {
  let count = 0;
  let [left, top, right, bottom] = [Infinity, Infinity, -1, -1];
  for (let y = 0; y < png.height; y++) {
    for (let x = 0; x < png.width; x++) {
      const i = (y * png.width + x) * 4;
      if (colour.every((value, c) => Math.abs(png.data[i + c] - value) <= 12)) {
        count++;
        [left, top, right, bottom] = [
          Math.min(left, x),
          Math.min(top, y),
          Math.max(right, x),
          Math.max(bottom, y),
        ];
      }
    }
  }
  return { count, width: right - left + 1, height: bottom - top + 1, top };
}

Deno.test({
  name: "Chromium renders the page with its chart and image (screenshot check)",
  ignore: !hasChromium,
  async fn() {
    const dir = await Deno.makeTempDir({ prefix: "render_html_chromium_" });
    try {
      const notebookPath = join(dir, "chart.ipynb");
      await Deno.writeTextFile(notebookPath, JSON.stringify(fixtureNotebook()));
      const site = await renderSite([notebookPath], join(dir, "site"));
      const screenshot = join(dir, "screenshot.png");
      const run = await new Deno.Command(CHROMIUM, {
        args: [
          "--headless",
          "--no-sandbox",
          "--disable-gpu",
          "--disable-background-networking",
          "--disable-component-update",
          "--no-first-run",
          "--disable-sync",
          "--disable-quic",
          `--user-data-dir=${join(dir, "profile")}`,
          `--screenshot=${screenshot}`,
          "--window-size=1000,1400",
          `file://${site.pagePaths[0]}`,
        ],
        stdout: "piped",
        stderr: "piped",
        signal: AbortSignal.timeout(60_000),
      }).output();
      const log = new TextDecoder().decode(run.stderr).slice(-2000);
      assert.equal(run.code, 0, `chromium failed:\n${log}`);
      const png = PNG.sync.read(Buffer.from(await Deno.readFile(screenshot)));
      assert.deepEqual([png.width, png.height], [1000, 1400]);
      const orange = findColour(png, ORANGE);
      const blue = findColour(png, BLUE);
      const green = findColour(png, GREEN);
      assert.ok(
        Math.abs(orange.width - 180) <= 2 && Math.abs(orange.height - 180) <= 2,
        `orange ${JSON.stringify(orange)}`,
      );
      assert.ok(Math.abs(blue.width - 160) <= 2 && blue.count > 0.7 * Math.PI * 80 ** 2);
      assert.ok(green.width === 120 && green.height === 60, `green ${JSON.stringify(green)}`);
      assert.ok(orange.top < green.top, "the chart should come before the PNG output");
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});
