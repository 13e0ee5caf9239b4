/**
 * The stored notebooks as readers see them: a real Jupyter front end (Debian's
 * `jupyter-notebook`, Notebook 6) serves a copy of them, and headless Chromium
 * renders each page twice, untrusted (as every notebook from a clone or a
 * download is) and trusted (`jupyter trust`). Every chart output must come out
 * as a drawn image (`<img>` of the PNG, or the SVG itself), and no chart may
 * end up as sanitised HTML, whose text runs together with its drawing lost.
 * A notebook the test writes, with a chart and a table from the library,
 * checks the same for the library's current output form.
 *
 * Needs `jupyter-notebook` and `chromium` (`.ci/run` installs both); without
 * them the test is ignored under the name "jupyter front end".
 */
import assert from "node:assert/strict";
import { parseHTML } from "linkedom";
import { join } from "node:path";
import { jupyterDisplay, table } from "../../lib/charts/display.ts";
import { classCounts } from "../../lib/charts/class_counts.ts";

const JUPYTER_NOTEBOOK = "/usr/bin/jupyter-notebook";
const CHROMIUM = "/usr/bin/chromium";
/** Debian's Python, which has the nbformat that jupyter-notebook uses (not a pyenv one on PATH). */
const SYSTEM_PYTHON = "/usr/bin/python3";
const NOTEBOOK_FOLDER = new URL("../../notebooks/", import.meta.url).pathname;

/** A stored output of a notebook cell, as nbformat 4 writes it. */
interface Output {
  output_type: string;
  data?: Record<string, string | string[]>;
  metadata?: Record<string, unknown>;
}

/** What a notebook's stored outputs should turn into in the front end. */
interface Expected {
  /** Outputs holding a chart (a PNG or an SVG). */
  charts: number;
  /** Titles of those charts (from their `text/plain`), which must not appear as HTML text. */
  chartTitles: string[];
  /** Outputs the front end shows as HTML (tables). */
  html: number;
}

/** What the rendered page holds in its output areas. */
interface Rendered {
  /** PNG outputs drawn as `<img>` with data. */
  images: number;
  /** SVG outputs drawn as `<svg>`. */
  svgs: number;
  /** Text of each HTML output area. */
  htmlTexts: string[];
  /** HTML output areas holding SVG elements. */
  htmlWithSvg: number;
}

const missing = [JUPYTER_NOTEBOOK, CHROMIUM, SYSTEM_PYTHON].filter((path) => !exists(path));

Deno.test({
  name: "jupyter front end: every chart of every stored notebook is drawn, untrusted and trusted",
  ignore: missing.length > 0,
  async fn() {
    const names = [...Deno.readDirSync(NOTEBOOK_FOLDER)]
      .map((entry) => entry.name).filter((name) => name.endsWith(".ipynb")).sort();
    assert.ok(names.length >= 8, `expected the 8 stored notebooks, found ${names.length}`);
    await withJupyterServer(async (server) => {
      for (const name of names) {
        await Deno.copyFile(join(NOTEBOOK_FOLDER, name), join(server.folder, name));
      }
      for (const name of names) {
        const expected = expectedOutputs(readOutputs(join(server.folder, name)));
        for (const trusted of [false, true]) {
          if (trusted) await server.trust(name);
          const rendered = renderedOutputs(await server.dumpDom(name));
          const drawn = rendered.images + rendered.svgs;
          console.log(
            `${name} ${trusted ? "trusted" : "untrusted"}: ${expected.charts} charts stored, ` +
              `${drawn} drawn (${rendered.images} PNG, ${rendered.svgs} SVG)`,
          );
          assertDrawn(
            `${name} (${trusted ? "trusted" : "untrusted"})`,
            expected,
            rendered,
            trusted,
          );
        }
      }
    });
  },
});

Deno.test({
  name: "jupyter front end: the library's chart and table outputs are drawn, untrusted and trusted",
  ignore: missing.length > 0,
  async fn() {
    const chart = classCounts({ cats: 3, dogs: 1 }, { title: "Front end check" });
    const rows = table([{ set: "test", cats: 3, dogs: 1 }]);
    const outputs: Output[] = [
      { output_type: "execute_result", data: chart[jupyterDisplay](), metadata: {} },
      { output_type: "display_data", data: chart[jupyterDisplay](), metadata: {} },
      { output_type: "execute_result", data: rows[jupyterDisplay](), metadata: {} },
    ];
    const notebook = {
      nbformat: 4,
      nbformat_minor: 5,
      metadata: { kernelspec: { name: "deno", display_name: "Deno", language: "typescript" } },
      cells: [{
        cell_type: "code",
        id: "chart",
        metadata: {},
        execution_count: 1,
        source: ["chart"],
        outputs: outputs.map((output) =>
          output.output_type === "execute_result" ? { ...output, execution_count: 1 } : output
        ),
      }],
    };
    await withJupyterServer(async (server) => {
      await Deno.writeTextFile(join(server.folder, "library.ipynb"), JSON.stringify(notebook));
      const expected = expectedOutputs(outputs);
      assert.deepEqual([expected.charts, expected.html], [2, 1]);
      for (const trusted of [false, true]) {
        if (trusted) await server.trust("library.ipynb");
        const rendered = renderedOutputs(await server.dumpDom("library.ipynb"));
        assertDrawn(
          `library.ipynb (${trusted ? "trusted" : "untrusted"})`,
          expected,
          rendered,
          trusted,
        );
        assert.match(rendered.htmlTexts.join(" "), /set\s*cats\s*dogs\s*test\s*3\s*1/);
      }
    });
  },
});

/** Fails unless every chart is drawn (as SVG once trusted) and no HTML area holds chart remains. */
function assertDrawn(label: string, expected: Expected, rendered: Rendered, trusted: boolean) {
  assert.equal(rendered.images + rendered.svgs, expected.charts, `${label}: charts drawn`);
  if (trusted) assert.equal(rendered.svgs, expected.charts, `${label}: trusted charts as SVG`);
  assert.equal(rendered.htmlWithSvg, 0, `${label}: HTML output areas with SVG in them`);
  assert.equal(rendered.htmlTexts.length, expected.html, `${label}: HTML output areas`);
  for (const title of expected.chartTitles) {
    const soup = rendered.htmlTexts.find((text) => text.includes(title));
    assert.equal(soup, undefined, `${label}: the chart "${title}" shows as HTML text`);
  }
}

/** The outputs of every code cell of a stored notebook. */
function readOutputs(path: string): Output[] {
  const notebook = JSON.parse(Deno.readTextFileSync(path)) as {
    cells: { cell_type: string; outputs?: Output[] }[];
  };
  return notebook.cells.flatMap((cell) => cell.outputs ?? []);
}

/**
 * What Notebook 6 should draw for `outputs`: a chart is any rich output with a PNG or an SVG;
 * HTML areas are the outputs whose richest type it shows is `text/html`.
 */
function expectedOutputs(outputs: Output[]): Expected {
  const rich = outputs.filter((output) => output.data !== undefined);
  const charts = rich.filter((output) =>
    "image/png" in output.data! || "image/svg+xml" in output.data!
  );
  const chartTitles = charts.flatMap((output) => {
    const plain = [output.data!["text/plain"] ?? ""].flat().join("");
    const title = /^\[chart\] [^:]*: (.+)$/.exec(plain)?.[1];
    return title === undefined ? [] : [title];
  });
  const html = rich.filter((output) => "text/html" in output.data!).length;
  return { charts: charts.length, chartTitles, html };
}

/** Counts what the rendered page drew in its output areas. */
function renderedOutputs(dom: string): Rendered {
  const { document } = parseHTML(dom) as unknown as { document: QueryRoot };
  const images = document.querySelectorAll(".output_subarea.output_png img")
    .filter((image) => (image.getAttribute("src") ?? "").startsWith("data:image/png;base64,"));
  const svgs = document.querySelectorAll(".output_subarea.output_svg")
    .filter((area) => area.querySelector("svg") !== null);
  const html = document.querySelectorAll(".output_subarea.output_html");
  return {
    images: images.length,
    svgs: svgs.length,
    htmlTexts: html.map((area) => area.textContent ?? ""),
    htmlWithSvg: html.filter((area) => area.querySelector("svg, path, g, text") !== null).length,
  };
}

/** The part of linkedom's DOM this test reads. */
interface QueryRoot {
  querySelectorAll(selector: string): QueryElement[];
}

/** An element as this test reads it. */
interface QueryElement extends QueryRoot {
  querySelector(selector: string): QueryElement | null;
  getAttribute(name: string): string | null;
  textContent: string | null;
}

/** A running Notebook server on a private folder, port and Jupyter data directory. */
interface JupyterServer {
  /** The folder it serves (write notebooks here). */
  folder: string;
  /** Marks a notebook of the folder as trusted, as `jupyter trust` does. */
  trust(name: string): Promise<void>;
  /** The page of a notebook after Chromium rendered it and its scripts settled. */
  dumpDom(name: string): Promise<string>;
}

/** Starts `jupyter-notebook` on 127.0.0.1 (no token), runs `body`, and stops it whatever happens. */
async function withJupyterServer(body: (server: JupyterServer) => Promise<void>): Promise<void> {
  const root = await Deno.makeTempDir({ prefix: "jupyter_frontend_" });
  const folder = join(root, "notebooks");
  await Deno.mkdir(folder);
  const env = {
    JUPYTER_DATA_DIR: join(root, "data"),
    JUPYTER_CONFIG_DIR: join(root, "config"),
    JUPYTER_RUNTIME_DIR: join(root, "runtime"),
    IPYTHONDIR: join(root, "ipython"),
    HOME: root,
  };
  const port = freePort();
  const process = new Deno.Command(JUPYTER_NOTEBOOK, {
    args: [
      "--no-browser",
      "--allow-root",
      "--ip=127.0.0.1",
      `--port=${port}`,
      "--port-retries=0",
      "--NotebookApp.token=",
      "--NotebookApp.password=",
      `--notebook-dir=${folder}`,
    ],
    env,
    stdout: "null",
    stderr: "piped",
  }).spawn();
  const log = collect(process.stderr);
  try {
    await waitForServer(port, log);
    await body({
      folder,
      async trust(name) {
        const trust = await new Deno.Command(SYSTEM_PYTHON, {
          args: ["-m", "nbformat.sign", join(folder, name)],
          env,
          stdout: "piped",
          stderr: "piped",
        }).output();
        const text = new TextDecoder().decode(trust.stdout) +
          new TextDecoder().decode(trust.stderr);
        assert.equal(trust.code, 0, `nbformat.sign failed: ${text}`);
      },
      async dumpDom(name) {
        const profile = await Deno.makeTempDir({ dir: root, prefix: "chromium_" });
        const run = await new Deno.Command(CHROMIUM, {
          args: [
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            `--user-data-dir=${profile}`,
            "--virtual-time-budget=20000",
            "--dump-dom",
            `http://127.0.0.1:${port}/notebooks/${encodeURIComponent(name)}`,
          ],
          stdout: "piped",
          stderr: "piped",
        }).output();
        const dom = new TextDecoder().decode(run.stdout);
        assert.equal(run.code, 0, `chromium failed: ${new TextDecoder().decode(run.stderr)}`);
        assert.match(dom, /id="notebook-container"/, `${name}: not a rendered notebook page`);
        return dom;
      },
    });
  } finally {
    try {
      process.kill("SIGTERM");
    } catch { /* already gone */ }
    await process.status;
    await log.done;
    await Deno.remove(root, { recursive: true });
  }
}

/** A TCP port nothing listens on now. */
function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  return port;
}

/** Polls the server's API until it answers (30 s at most). */
async function waitForServer(port: number, log: { text(): string }): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    try {
      const response = await fetch(`http://127.0.0.1:${port}/api`);
      await response.body?.cancel();
      if (response.ok) return;
    } catch { /* not up yet */ }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`jupyter-notebook did not answer on port ${port} within 30 s:\n${log.text()}`);
}

/** Reads a stream to its end in the background, keeping the text for error messages. */
function collect(stream: ReadableStream<Uint8Array>): { text(): string; done: Promise<void> } {
  let text = "";
  const decoder = new TextDecoder();
  const done = (async () => {
    for await (const chunk of stream) text = (text + decoder.decode(chunk)).slice(-8000);
  })();
  return { text: () => text, done };
}

function exists(path: string): boolean {
  try {
    Deno.statSync(path);
    return true;
  } catch {
    return false;
  }
}
