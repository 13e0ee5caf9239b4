/** Tests of the static HTML rendering of notebooks (`deno task html`), with a Chromium check. */

import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import { join } from "node:path";
import { DOMParser } from "linkedom";
import { displayMetadata, mimeBundle } from "../../lib/charts/display.ts";
import { lossCurve } from "../../lib/charts/loss_curve.ts";
import { PNG } from "pngjs";
import { markdownRenderer } from "../../scripts/html/markdown.ts";
import { joinText, type Notebook, parseNotebook } from "../../scripts/html/notebook.ts";
import { chooseMimeType, type OutputContext, renderOutput } from "../../scripts/html/outputs.ts";
import { renderNotebookPage } from "../../scripts/html/page.ts";
import { renderSite } from "../../scripts/html/site.ts";

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
const PURPLE = [148, 103, 189];
const RED = [214, 39, 40];

/** A solid-colour PNG, base64-encoded as a notebook stores it. */
function solidPngBase64(width: number, height: number, [r, g, b]: number[]): string {
  const png = new PNG({ width, height });
  for (let i = 0; i < width * height; i++) png.data.set([r, g, b, 255], i * 4);
  return PNG.sync.write(png).toString("base64");
}

/**
 * A notebook with markdown, code, two charts (inline SVG as text/html, as notebooks stored charts
 * before; and image/svg+xml with a PNG of another colour), a PNG and an error.
 */
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
            output_type: "display_data",
            metadata: {},
            data: {
              "image/svg+xml": `<svg xmlns="http://www.w3.org/2000/svg" width="200" height="100">` +
                `<rect width="200" height="100" fill="${hex(PURPLE)}"/></svg>`,
              "image/png": solidPngBase64(400, 200, RED),
              "text/plain": "[chart] a purple box",
            },
          },
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

/** Renders markdown as one page would, returning the HTML and the warnings. */
function renderMarkdown(markdown: string, attachments?: Record<string, Record<string, string>>) {
  const warnings: string[] = [];
  const html = markdownRenderer((message) => warnings.push(message))(markdown, attachments);
  return { html, warnings };
}

/** An output context that collects warnings. */
function outputContext(): OutputContext & { warnings: string[] } {
  const warnings: string[] = [];
  const warn = (message: string) => warnings.push(message);
  return { renderMarkdown: markdownRenderer(warn), warn, warnings };
}

Deno.test("markdown: headings, emphasis, code, lists, links, tables, quotes", () => {
  const { html, warnings } = renderMarkdown([
    "# Title with `code`",
    "",
    "Text with **bold**, *em*, _em too_, snake_case_name and [a link](https://example.com/a_(b)).",
    "See [setup](setup.ipynb#data) and https://example.org.",
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
  assert.deepEqual(warnings, []);
  assert.match(html, /<h1 id="title-with-code">Title with <code>code<\/code> <a class="anchor"/);
  assert.match(html, /<strong>bold<\/strong>, <em>em<\/em>, <em>em too<\/em>, snake_case_name/);
  assert.match(html, /<a href="https:\/\/example.com\/a_\(b\)">a link<\/a>/);
  assert.match(html, /<a href="setup.html#data">setup<\/a>/, "notebook links point at pages");
  assert.match(html, /<a href="https:\/\/example.org">https:\/\/example.org<\/a>/);
  assert.match(html, /<code class="language-ts"><span class="hljs-keyword">const<\/span> x = /);
  assert.match(html, /<span class="hljs-comment">\/\/ one<\/span>/);
  assert.match(
    html,
    /<ul>\n<li>one<\/li>\n<li>two\n<ul>\n<li>nested<\/li>\n<\/ul>\n<\/li>\n<\/ul>/,
  );
  assert.match(html, /<ol start="3">\n<li>third<\/li>\n<li>fourth<\/li>\n<\/ol>/);
  assert.match(html, /<blockquote>\n<p>quoted <strong>text<\/strong><\/p>\n<\/blockquote>/);
  assert.match(
    html,
    /<th style="text-align:left">name<\/th>\n<th style="text-align:right">n<\/th>/,
  );
  assert.match(
    html,
    /<td style="text-align:left">cats<\/td>\n<td style="text-align:right">10<\/td>/,
  );
  assert.match(html, /<hr>/);
});

Deno.test("markdown: formulas are typeset by KaTeX; one it cannot typeset is a warning", () => {
  const { html, warnings } = renderMarkdown(
    "Inline $p^2 + \\pi$ and display:\n\n$$\\frac{\\text{TPR}\\cdot\\pi}{1-\\pi}$$\n\nBad $\\nosuch{x}$.",
  );
  assert.match(html, /<span class="katex"><span class="katex-mathml"><math [^>]*><semantics>/);
  assert.match(html, /<msup><mi>p<\/mi><mn>2<\/mn><\/msup>/, "inline math as MathML");
  assert.match(html, /<span class="katex-display">.*<mfrac>/s, "display math");
  assert.ok(!html.includes("$"), "a dollar sign was left as text");
  assert.match(html, /<code class="katex-error">\\nosuch\{x\}<\/code>/);
  assert.equal(warnings.length, 1, warnings.join("\n"));
  assert.match(warnings[0], /formula KaTeX cannot typeset.*\\nosuch/);
});

Deno.test("markdown: raw HTML is shown as text and javascript: links are not links", () => {
  const { html } = renderMarkdown(
    `Hi ${SCRIPT} <img src=x onerror=alert(1)> [x](javascript:alert(1)) ![y](javascript:z)`,
  );
  assert.ok(html.includes(ESCAPED_SCRIPT), html);
  assert.ok(!/<script|<img|href="javascript|src="javascript/i.test(html), html);
});

Deno.test("markdown: attachment images become data URLs; duplicate headings get unique ids", () => {
  const warnings: string[] = [];
  const render = markdownRenderer((message) => warnings.push(message));
  const first = render("## Results\n\n![plot](attachment:p.png)", {
    "p.png": { "image/png": "iVBORw0KGgo=" },
  });
  const second = render("## Results\n\n![gone](attachment:q.png)");
  assert.match(first, /id="results"/);
  assert.match(second, /id="results-1"/, "ids are unique across the cells of a page");
  assert.match(first, /<img src="data:image\/png;base64,iVBORw0KGgo=" alt="plot">/);
  assert.match(second, /\[gone\]/);
  assert.deepEqual(warnings, [
    'the image attachment "q.png" is not in the cell\'s attachments (PNG, JPEG, GIF, WebP)',
  ]);
});

Deno.test("code source, stream and text/plain outputs are escaped, never injected", () => {
  const page = renderNotebookPage(parseNotebook(JSON.stringify(fixtureNotebook()), "t.ipynb"), {
    sourceName: "t.ipynb",
  });
  assert.ok(!page.html.includes(SCRIPT), "a raw <script> reached the page");
  assert.ok(page.html.includes(ESCAPED_SCRIPT));
  assert.deepEqual(page.warnings, []);
  const plain = renderOutput({
    output_type: "execute_result",
    execution_count: 2,
    metadata: {},
    data: { "text/plain": [SCRIPT, " & more"] },
  }, outputContext());
  assert.ok(plain.includes(`<pre>${ESCAPED_SCRIPT} &amp; more</pre>`), plain);
  assert.ok(plain.includes("Out[2]:"));
  assert.match(page.html, /In \[7\]:/);
  assert.match(page.html, /<title>Cats and dogs<\/title>/);
  assert.match(page.html, /<span class="hljs-keyword">const<\/span> html = /);
});

const SVG = '<svg xmlns="http://www.w3.org/2000/svg" width="4" height="2"><rect/></svg>';

Deno.test("rich outputs: SVG, then PNG, then sanitised HTML, markdown, plain text", () => {
  const all = {
    "text/plain": "p",
    "text/markdown": "**m**",
    "image/svg+xml": SVG,
    "image/png": "iVBORw0KGgo=",
    "text/html": "<b>h</b>",
  };
  assert.equal(chooseMimeType(all), "image/svg+xml");
  const { "image/svg+xml": _svg, ...noSvg } = all;
  assert.equal(chooseMimeType(noSvg), "image/png");
  const { "image/png": _png, ...noPng } = noSvg;
  assert.equal(chooseMimeType(noPng), "text/html");
  const { "text/html": _html, ...noHtml } = noPng;
  assert.equal(chooseMimeType(noHtml), "text/markdown");
  // A chart as notebooks stored it before: SVG document in text/html, plus a PNG.
  assert.equal(chooseMimeType({ "text/html": `\n${SVG}\n`, "image/png": "AA==" }), "image/svg+xml");
  const context = outputContext();
  const display = (data: Record<string, string>) =>
    renderOutput({ output_type: "display_data", metadata: {}, data }, context);
  const svgImage = /<img class="output-image" src="data:image\/svg\+xml;base64,([^"]+)" alt="p">/
    .exec(display(all));
  assert.ok(svgImage, "SVG output is not an image");
  assert.equal(atob(svgImage[1]), SVG);
  const oldForm = display({ "text/html": SVG.replace(/ xmlns="[^"]*"/, ""), "image/png": "AA==" });
  const oldSvg = /src="data:image\/svg\+xml;base64,([^"]+)"/.exec(oldForm);
  assert.ok(oldSvg, oldForm);
  assert.equal(atob(oldSvg[1]), SVG, "the SVG namespace is added");
  assert.ok(display(noSvg).includes('<img class="output-image" src="data:image/png;base64,'));
  assert.ok(display(noPng).includes("<b>h</b>"));
  assert.ok(display(noHtml).includes("<strong>m</strong>"));
  assert.deepEqual(context.warnings, []);
  assert.match(display({ "application/x-thing": "?" }), /application\/x-thing format not shown/);
  assert.deepEqual(context.warnings, ["an output in application/x-thing format is not shown"]);
});

Deno.test("HTML tables and progress bars keep their layout; unsafe HTML is removed with a warning", () => {
  const context = outputContext();
  const table = '<table><caption>c</caption><thead><tr><th style="text-align:right">n</th></tr>' +
    '</thead><tbody><tr><td style="text-align:right">1</td></tr></tbody></table>' +
    '<div style="font-family:monospace"><progress value="100" max="100" ' +
    'style="width:40ch;vertical-align:middle"></progress> 100%</div>';
  const html = renderOutput(
    { output_type: "display_data", metadata: {}, data: { "text/html": table } },
    context,
  );
  assert.ok(html.includes(table), html);
  assert.deepEqual(context.warnings, []);
  const unsafe = renderOutput({
    output_type: "display_data",
    metadata: {},
    data: {
      "text/html": `<b onclick="alert(1)">x</b>${SCRIPT}<a href="javascript:alert(1)">y</a>` +
        '<iframe src="https://example.com"></iframe><td style="background:url(javascript:x)">',
    },
  }, context);
  assert.ok(!/<script|onclick|javascript:|<iframe|url\(/i.test(unsafe), unsafe);
  assert.ok(unsafe.includes("<b>x</b>"), unsafe);
  assert.deepEqual(context.warnings, [
    "an HTML output had <script>, <iframe> removed (not allowed in a static page)",
  ]);
});

Deno.test("errors show name, value and traceback with ANSI colours converted", () => {
  const html = renderOutput({
    output_type: "error",
    ename: "RangeError",
    evalue: "bad <size>",
    traceback: [
      "\u001b[31mRangeError\u001b[0m: bad <size>",
      "    at \u001b[1m\u001b[36mtrain\u001b[0m (lib/training/train.ts:3:9)",
    ],
  }, outputContext());
  assert.match(html, /<div class="error-summary">RangeError: bad &lt;size&gt;<\/div>/);
  assert.match(
    html,
    /<span style="font-weight:bold;color:rgb\(0,187,187\)">train<\/span> \(lib\/training\/train.ts:3:9\)/,
  );
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
    const script = new URL("../../scripts/render_html.ts", import.meta.url).pathname;
    const outDir = join(dir, "site");
    const run = await new Deno.Command(Deno.execPath(), {
      args: ["run", "--allow-all", script, "--out", outDir, notebookPath, untitled],
      stdout: "piped",
      stderr: "piped",
    }).output();
    assert.equal(run.code, 0, new TextDecoder().decode(run.stderr));
    assert.equal(new TextDecoder().decode(run.stderr), "", "warnings for a clean notebook");
    const index = await Deno.readTextFile(join(outDir, "index.html"));
    assert.match(index, /<a href="cats.html">Cats and dogs<\/a>/);
    assert.match(index, /<a href="untitled.html">untitled<\/a>/);
    const page = await Deno.readTextFile(join(outDir, "cats.html"));
    assert.match(page, /<a href="index.html">← All notebooks<\/a>/);
    assert.ok(!/<(link|script)\b/.test(page), "the page loads another file");
    await assert.rejects(() => renderSite([join(dir, "missing.ipynb")], outDir), /does not exist/);

    await Deno.writeTextFile(notebookPath, JSON.stringify(injectionNotebook()));
    const warned = await new Deno.Command(Deno.execPath(), {
      args: ["run", "--allow-all", script, "--out", outDir, notebookPath],
      stdout: "piped",
      stderr: "piped",
    }).output();
    assert.equal(warned.code, 0);
    assert.match(
      new TextDecoder().decode(warned.stderr),
      /^warning: cats\.ipynb, cell 2: an HTML output had <script>, <iframe> removed/m,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

/** What a script smuggled into the page would add to it if it ran. */
const MARKER = `document.body.insertAdjacentHTML('beforeend','<p id="pwned">ran</p>')`;

/** A notebook trying to run script from markdown, HTML, SVG and markdown outputs. */
function injectionNotebook() {
  const scriptTag = `<script>${MARKER}</script>`;
  const handler = `<img src="x" onerror="${MARKER.replaceAll('"', "&quot;")}">`;
  return {
    nbformat: 4,
    nbformat_minor: 5,
    metadata: { language_info: { name: "typescript" } },
    cells: [
      {
        cell_type: "markdown",
        metadata: {},
        source: `# Injection\n\n${scriptTag} ${handler} [x](javascript:${MARKER})`,
      },
      {
        cell_type: "code",
        metadata: {},
        execution_count: 1,
        source: scriptTag,
        outputs: [
          {
            output_type: "display_data",
            metadata: {},
            data: {
              "text/html": `<b>kept</b>${scriptTag}${handler}<iframe srcdoc="${
                scriptTag.replaceAll('"', "&quot;")
              }"></iframe><a href="javascript:${MARKER}">a</a>`,
            },
          },
          {
            output_type: "display_data",
            metadata: {},
            data: {
              "image/svg+xml": `<svg xmlns="http://www.w3.org/2000/svg" onload="${
                MARKER.replaceAll('"', "&quot;")
              }" width="10" height="10">${scriptTag}</svg>`,
            },
          },
          {
            output_type: "display_data",
            metadata: {},
            data: { "text/markdown": `${scriptTag}${handler}` },
          },
          { output_type: "stream", name: "stdout", text: scriptTag },
        ],
      },
    ],
  };
}

/** Elements and attributes of `html` that could run script in a browser, as readable strings. */
function executableParts(html: string): string[] {
  const document = new DOMParser().parseFromString(html, "text/html");
  const found: string[] = [];
  for (const element of document.querySelectorAll("*")) {
    const tag = element.tagName.toLowerCase();
    if (["script", "iframe", "object", "embed", "frame", "svg"].includes(tag)) {
      found.push(`<${tag}>`);
    }
    for (const { name, value } of element.attributes) {
      if (/^on/i.test(name)) found.push(`${tag} ${name}`);
      if (/^(href|src|action|formaction|srcdoc)$/i.test(name) && /^\s*javascript:/i.test(value)) {
        found.push(`${tag} ${name}=${value}`);
      }
      if (name === "srcdoc") found.push(`${tag} srcdoc`);
    }
  }
  return found;
}

Deno.test("a <script> in a cell's markdown or outputs never reaches the page as script", () => {
  const page = renderNotebookPage(
    parseNotebook(JSON.stringify(injectionNotebook()), "i.ipynb"),
    { sourceName: "i.ipynb" },
  );
  assert.deepEqual(executableParts(page.html), []);
  // The check itself finds script: the same payload inserted raw would fail it.
  assert.ok(executableParts(`<p>${injectionNotebook().cells[1].source}</p>`).length > 0);
  assert.ok(page.html.includes("<b>kept</b>"));
  assert.deepEqual(page.warnings, [
    "cell 2: an HTML output had <script>, <iframe> removed (not allowed in a static page)",
  ]);
});

/** Runs headless Chromium on a page file with `extra` arguments; returns its stdout. */
async function chromium(pagePath: string, dir: string, extra: string[]): Promise<string> {
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
      ...extra,
      `file://${pagePath}`,
    ],
    stdout: "piped",
    stderr: "piped",
    signal: AbortSignal.timeout(60_000),
  }).output();
  const log = new TextDecoder().decode(run.stderr).slice(-2000);
  assert.equal(run.code, 0, `chromium failed:\n${log}`);
  return new TextDecoder().decode(run.stdout);
}

Deno.test({
  name: "Chromium: no script from a cell runs in the rendered page (DOM after load)",
  ignore: !hasChromium,
  async fn() {
    const dir = await Deno.makeTempDir({ prefix: "render_html_inject_" });
    try {
      const notebook = parseNotebook(JSON.stringify(injectionNotebook()), "i.ipynb");
      const pagePath = join(dir, "i.html");
      await Deno.writeTextFile(
        pagePath,
        renderNotebookPage(notebook, { sourceName: "i.ipynb" }).html,
      );
      const rawPath = join(dir, "raw.html");
      await Deno.writeTextFile(rawPath, `<body>${injectionNotebook().cells[1].source}</body>`);
      const args = ["--virtual-time-budget=3000", "--dump-dom"];
      assert.match(await chromium(rawPath, dir, args), /<p id="pwned">/, "the payload runs raw");
      const dom = await chromium(pagePath, dir, args);
      assert.match(dom, /<b>kept<\/b>/);
      assert.doesNotMatch(dom, /<p id="pwned">/);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});

const NOTEBOOKS_DIR = new URL("../../notebooks/", import.meta.url).pathname;
const storedNotebooks = [...Deno.readDirSync(NOTEBOOKS_DIR)]
  .filter((entry) => entry.name.endsWith(".ipynb")).map((entry) => entry.name).sort();

/** True when a rich output is a chart or image (what the page must show as `<img>`). */
function isImageOutput(data: Record<string, unknown>): boolean {
  return chooseMimeType(data)?.startsWith("image/") ?? false;
}

Deno.test("every stored notebook renders without a warning, with all its charts, tables and math", async () => {
  assert.ok(storedNotebooks.length > 0, `no notebooks in ${NOTEBOOKS_DIR}`);
  let formulas = 0;
  for (const name of storedNotebooks) {
    const notebook: Notebook = parseNotebook(
      await Deno.readTextFile(join(NOTEBOOKS_DIR, name)),
      name,
    );
    const page = renderNotebookPage(notebook, { sourceName: name, indexHref: "index.html" });
    assert.deepEqual(page.warnings, [], name);
    const rich = notebook.cells.flatMap((cell) => cell.cell_type === "code" ? cell.outputs : [])
      .flatMap((output) => "data" in output ? [output.data] : []);
    const charts = rich.filter(isImageOutput).length;
    const vectorCharts = rich.filter((data) =>
      data["image/svg+xml"] !== undefined ||
      /^\s*<svg\b/.test(joinText(data["text/html"] as string[] | undefined))
    ).length;
    const tables = rich.filter((data) => !isImageOutput(data))
      .map((data) => joinText(data["text/html"] as string[] | undefined))
      .reduce((total, html) => total + (html.match(/<table\b/g)?.length ?? 0), 0);
    const markdown = notebook.cells.filter((cell) => cell.cell_type === "markdown")
      .map((cell) => renderMarkdown(joinText(cell.source)).html).join("\n");
    const markdownTables = markdown.match(/<table\b/g)?.length ?? 0;
    assert.equal(page.html.match(/<img class="output-image"/g)?.length ?? 0, charts, name);
    assert.equal(
      page.html.match(/<img class="output-image" src="data:image\/svg\+xml;/g)?.length ?? 0,
      vectorCharts,
      `${name}: charts stored with an SVG are not shown as that SVG`,
    );
    assert.equal(page.html.match(/<table\b/g)?.length ?? 0, tables + markdownTables, name);
    assert.ok(!page.html.includes("<svg"), `${name}: chart markup outside an image`);
    assert.deepEqual(executableParts(page.html), [], name);
    const sourceFormulas = notebook.cells.filter((cell) =>
      cell.cell_type === "markdown" && /\$[^$\s][^$]*\$/.test(joinText(cell.source))
    ).length;
    if (sourceFormulas > 0) {
      assert.match(page.html, /<span class="katex">/, `${name}: its formulas are not typeset`);
      assert.match(page.html, /@font-face\{[^}]*src:url\(data:font\/woff2;base64,/);
      formulas += sourceFormulas;
    }
  }
  assert.ok(formulas > 0, "no stored notebook has a formula: the math check checked nothing");
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

/** Takes a 1000 x 1400 screenshot of `pagePath` in headless Chromium and decodes it. */
async function screenshot(pagePath: string, dir: string): Promise<PNG> {
  const path = join(dir, "screenshot.png");
  await chromium(pagePath, dir, [`--screenshot=${path}`, "--window-size=1000,1400"]);
  const png = PNG.sync.read(Buffer.from(await Deno.readFile(path)));
  assert.deepEqual([png.width, png.height], [1000, 1400]);
  return png;
}

Deno.test({
  name: "Chromium renders the page with its charts and image (screenshot check)",
  ignore: !hasChromium,
  async fn() {
    const dir = await Deno.makeTempDir({ prefix: "render_html_chromium_" });
    try {
      const notebookPath = join(dir, "chart.ipynb");
      await Deno.writeTextFile(notebookPath, JSON.stringify(fixtureNotebook()));
      const site = await renderSite([notebookPath], join(dir, "site"));
      const png = await screenshot(site.pagePaths[0], dir);
      const orange = findColour(png, ORANGE);
      const blue = findColour(png, BLUE);
      const green = findColour(png, GREEN);
      const purple = findColour(png, PURPLE);
      assert.ok(
        Math.abs(orange.width - 180) <= 2 && Math.abs(orange.height - 180) <= 2,
        `orange ${JSON.stringify(orange)}`,
      );
      assert.ok(Math.abs(blue.width - 160) <= 2 && blue.count > 0.7 * Math.PI * 80 ** 2);
      assert.ok(
        Math.abs(purple.width - 200) <= 2 && Math.abs(purple.height - 100) <= 2,
        `the image/svg+xml chart: purple ${JSON.stringify(purple)}`,
      );
      assert.equal(findColour(png, RED).count, 0, "the chart's PNG was shown instead of its SVG");
      assert.ok(green.width === 120 && green.height === 60, `green ${JSON.stringify(green)}`);
      assert.ok(orange.top < purple.top && purple.top < green.top, "outputs out of order");
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});

/** Pixels of a clearly coloured (not grey) hue, and their bounding box. */
function colouredPixels(png: PNG) {
  let count = 0;
  let [left, top, right, bottom] = [Infinity, Infinity, -1, -1];
  for (let y = 0; y < png.height; y++) {
    for (let x = 0; x < png.width; x++) {
      const [r, g, b] = png.data.subarray((y * png.width + x) * 4);
      if (Math.max(r, g, b) - Math.min(r, g, b) < 80) continue;
      count++;
      [left, top, right, bottom] = [
        Math.min(left, x),
        Math.min(top, y),
        Math.max(right, x),
        Math.max(bottom, y),
      ];
    }
  }
  return { count, width: right - left + 1, height: bottom - top + 1 };
}

Deno.test({
  name: "Chromium draws a stored notebook's formula and chart: the chart area is not blank",
  ignore: !hasChromium,
  async fn() {
    const cells = (await Promise.all(storedNotebooks.map(async (name) =>
      parseNotebook(await Deno.readTextFile(join(NOTEBOOKS_DIR, name)), name).cells
    ))).flat();
    const formula = cells.find((cell) =>
      cell.cell_type === "markdown" && joinText(cell.source).includes("$$")
    );
    const chart = cells.flatMap((cell) =>
      cell.cell_type === "code" ? cell.outputs : []
    )
      .find((output) =>
        "data" in output && isImageOutput(output.data)
      );
    assert.ok(formula && chart, "no stored notebook has a display formula and a chart");
    const notebook = parseNotebook(
      JSON.stringify({
        nbformat: 4,
        metadata: {},
        cells: [formula, { cell_type: "code", source: "", execution_count: 1, outputs: [chart] }],
      }),
      "excerpt.ipynb",
    );
    const dir = await Deno.makeTempDir({ prefix: "render_html_real_" });
    try {
      const page = renderNotebookPage(notebook, { sourceName: "excerpt.ipynb" });
      assert.deepEqual(page.warnings, []);
      assert.match(page.html, /<span class="katex-display">/);
      const pagePath = join(dir, "excerpt.html");
      await Deno.writeTextFile(pagePath, page.html);
      const drawn = colouredPixels(await screenshot(pagePath, dir));
      assert.ok(
        drawn.count > 2000 && drawn.width > 300 && drawn.height > 150,
        `the chart looks blank: coloured pixels ${JSON.stringify(drawn)}`,
      );
      // The same page with the chart's image removed is nearly free of colour.
      const blank = page.html.replace(/<img class="output-image"[^>]*>/, "");
      await Deno.writeTextFile(pagePath, blank);
      assert.ok(colouredPixels(await screenshot(pagePath, dir)).count < 500);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});

Deno.test({
  name: "Chromium draws a chart as the library displays it (SVG + 2x PNG), and its PNG alone",
  ignore: !hasChromium,
  async fn() {
    const chart = lossCurve(
      [0.7, 0.6, 0.55, 0.5].map((loss, i) => ({
        epoch: i + 1,
        loss,
        valLoss: loss + 0.05,
        lr: 1e-3,
        seconds: 1,
      })),
    );
    const bundle = mimeBundle(chart);
    const { "image/svg+xml": _svg, ...pngOnly } = bundle;
    const dir = await Deno.makeTempDir({ prefix: "render_html_library_" });
    try {
      const drawn = [];
      for (const data of [bundle, pngOnly]) {
        const output = { output_type: "display_data", data, metadata: displayMetadata(chart) };
        const notebook = parseNotebook(
          JSON.stringify({
            nbformat: 4,
            metadata: {},
            cells: [{ cell_type: "code", source: "", execution_count: 1, outputs: [output] }],
          }),
          "chart.ipynb",
        );
        const page = renderNotebookPage(notebook, { sourceName: "chart.ipynb" });
        assert.deepEqual(page.warnings, []);
        const kind = data === bundle ? "svg\\+xml" : "png";
        assert.match(page.html, new RegExp(`<img class="output-image" src="data:image/${kind};`));
        const pagePath = join(dir, "chart.html");
        await Deno.writeTextFile(pagePath, page.html);
        drawn.push(colouredPixels(await screenshot(pagePath, dir)));
      }
      const [svg, png] = drawn;
      assert.ok(svg.count > 500 && svg.width > 300, `SVG chart ${JSON.stringify(svg)}`);
      assert.ok(png.count > 500, `PNG chart ${JSON.stringify(png)}`);
      assert.ok(
        Math.abs(svg.width - png.width) <= 4 && Math.abs(svg.height - png.height) <= 4,
        `the 2x PNG is not drawn at the chart's size: SVG ${JSON.stringify(svg)}, ` +
          `PNG ${JSON.stringify(png)}`,
      );
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});
