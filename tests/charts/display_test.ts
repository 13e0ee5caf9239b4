import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import { parseHTML } from "linkedom";
import {
  Chart,
  chartToPng,
  chartToSvg,
  displayChart,
  displayMetadata,
  inJupyter,
  jupyterDisplay,
  mimeBundle,
  pngScale,
  table,
} from "../../lib/charts/display.ts";
import type { History } from "../../lib/training/history.ts";
import { classCounts } from "../../lib/charts/class_counts.ts";
import { confusionMatrix } from "../../lib/charts/confusion_matrix.ts";
import { imageGrid, imagesOfSet, type LabelledImage } from "../../lib/charts/image_grid.ts";
import { learningRateSchedule } from "../../lib/charts/learning_rate_schedule.ts";
import { lossBand } from "../../lib/charts/loss_band.ts";
import { lossCurve } from "../../lib/charts/loss_curve.ts";
import { metricBars } from "../../lib/charts/metric_bars.ts";
import { precisionRecallCurve } from "../../lib/charts/precision_recall_curve.ts";
import { rocCurve } from "../../lib/charts/roc_curve.ts";
import { intervalLines, intervalPointsFrom } from "../../lib/charts/interval_lines.ts";
import { reliabilityDiagram } from "../../lib/charts/reliability_diagram.ts";
import { reliabilityBins } from "../../lib/metrics/calibration.ts";

const pngSignature = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/** A made-up run whose losses fall with the epochs. */
function fakeHistory(epochs: number, offset = 0): History {
  return Array.from({ length: epochs }, (_, index) => ({
    epoch: index + 1,
    loss: 0.7 / (index + 1) + offset,
    valLoss: 0.8 / (index + 1) + 0.1 + offset,
    lr: index < 3 ? 3e-4 : 3e-5,
    seconds: 1,
  }));
}

/** An image filled with one colour. */
function solidImage(label: string, rgb: [number, number, number], size = 4): LabelledImage {
  const pixels = new Uint8Array(size * size * 3);
  for (let index = 0; index < size * size; index++) pixels.set(rgb, index * 3);
  return { pixels, height: size, width: size, label };
}

/** The parts of a parsed node the tests read (Deno has no DOM types). */
interface ParsedNode {
  textContent: string | null;
  getAttribute(name: string): string | null;
  querySelector(selector: string): ParsedNode | null;
}

/** The chart's SVG parsed as a DOM, to count marks. */
function parseSvg(chart: Chart): { querySelectorAll(selector: string): ParsedNode[] } {
  const window = parseHTML(`<html><body>${chartToSvg(chart)}</body></html>`) as unknown;
  const document = (window as {
    document: { querySelectorAll(selector: string): Iterable<ParsedNode> };
  }).document;
  return { querySelectorAll: (selector) => [...document.querySelectorAll(selector)] };
}

/** Every line of text in the SVG: each <tspan> of multi-line texts, each other <text>. */
function texts(chart: Chart): string[] {
  return parseSvg(chart).querySelectorAll("text, tspan")
    .filter((node) => node.querySelector("tspan") === null)
    .map((node) => node.textContent ?? "");
}

/**
 * Checks what every chart must be: standalone SVG, and a bundle of exactly SVG, a PNG at twice
 * the chart's size and plain text, with no HTML (Jupyter's sanitiser strips SVG out of HTML).
 */
function assertDisplayable(chart: Chart): void {
  const svg = chartToSvg(chart);
  assert.match(svg, /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
  assert.equal((svg.match(/<svg /g) ?? []).length, (svg.match(/<svg [^>]*xmlns=/g) ?? []).length);
  const bundle = chart[jupyterDisplay]();
  assert.deepEqual(Object.keys(bundle).sort(), ["image/png", "image/svg+xml", "text/plain"]);
  assert.equal(bundle["image/svg+xml"], svg);
  assert.ok(bundle["text/plain"].length > 0);
  const png = Uint8Array.from(atob(bundle["image/png"]), (char) => char.charCodeAt(0));
  assert.deepEqual([...png.subarray(0, 8)], pngSignature);
  const header = new DataView(png.buffer, png.byteOffset);
  const { width, height } = chart.size;
  assert.ok(width > 0 && height > 0, `chart size ${width}x${height}`);
  assert.deepEqual([header.getUint32(16), header.getUint32(20)], [2 * width, 2 * height]);
  assert.deepEqual(displayMetadata(chart), { "image/png": { width, height } });
}

Deno.test("lossCurve draws a training and a validation line with a legend", () => {
  const chart = lossCurve(fakeHistory(5));
  assertDisplayable(chart);
  const lines = parseSvg(chart).querySelectorAll('g[aria-label="line"] path');
  assert.equal(lines.length, 2);
  const labels = texts(chart);
  assert.ok(labels.includes("training") && labels.includes("validation"));
  assert.ok(labels.includes("Loss per epoch"));
});

Deno.test("lossCurve without validation losses draws one line", () => {
  const history = fakeHistory(3).map(({ valLoss: _, ...epoch }) => epoch);
  const chart = lossCurve(history);
  assert.equal(parseSvg(chart).querySelectorAll('g[aria-label="line"] path').length, 1);
  assert.ok(!texts(chart).includes("validation"));
});

Deno.test("lossCurve rejects an empty history and non-finite losses", () => {
  assert.throws(() => lossCurve([]), /lossCurve: history is empty/);
  const broken = fakeHistory(2);
  broken[1].loss = NaN;
  assert.throws(() => lossCurve(broken), /history\[1\]\.loss \(epoch 2\) is NaN/);
});

Deno.test("lossBand draws a mean line and a ±sd band per label and split", () => {
  const chart = lossBand([
    { label: "balanced", histories: [fakeHistory(4), fakeHistory(4, 0.05)] },
    { label: "weighted", histories: [fakeHistory(4, 0.1), fakeHistory(3, 0.12)] },
  ]);
  assertDisplayable(chart);
  const document = parseSvg(chart);
  assert.equal(document.querySelectorAll('g[aria-label="line"] path').length, 4);
  assert.equal(document.querySelectorAll('g[aria-label="area"] path').length, 4);
  assert.ok(texts(chart).includes("weighted"));
});

Deno.test("lossBand rejects a label without histories and duplicate labels", () => {
  assert.throws(() => lossBand([]), /runs is empty/);
  assert.throws(
    () => lossBand([{ label: "a", histories: [] }]),
    /runs "a"\.histories is empty/,
  );
  assert.throws(
    () =>
      lossBand([{ label: "a", histories: [fakeHistory(2)] }, {
        label: "a",
        histories: [fakeHistory(2)],
      }]),
    /label "a" is used twice/,
  );
});

Deno.test("learningRateSchedule takes one history or labelled runs, on a log axis", () => {
  assertDisplayable(learningRateSchedule(fakeHistory(5)));
  const chart = learningRateSchedule([
    { label: "3e-4", history: fakeHistory(5) },
    { label: "3e-3", history: fakeHistory(5).map((epoch) => ({ ...epoch, lr: epoch.lr * 10 })) },
  ]);
  assert.equal(parseSvg(chart).querySelectorAll('g[aria-label="line"] path').length, 2);
  const zero = fakeHistory(2);
  zero[0].lr = 0;
  assert.throws(() => learningRateSchedule(zero), /lr is 0; learning rates must be > 0/);
});

Deno.test("confusionMatrix writes the four counts in four cells", () => {
  const chart = confusionMatrix({ tp: 41, fp: 131, tn: 8689, fn: 9 }, {
    classNames: ["cats", "dogs"],
  });
  assertDisplayable(chart);
  assert.equal(parseSvg(chart).querySelectorAll('g[aria-label="cell"] rect').length, 4);
  const lines = texts(chart);
  for (const line of ["41", "131", "8,689", "9", "TP", "FP", "TN", "FN", "98.5% of cats"]) {
    assert.ok(lines.includes(line), `missing the text "${line}" in ${lines.join(" | ")}`);
  }
  for (const label of ["cats", "dogs", "Actual class", "Predicted class"]) {
    assert.ok(lines.some((line) => line.includes(label)), `missing "${label}"`);
  }
});

Deno.test("confusionMatrix rejects negative and fractional counts", () => {
  assert.throws(
    () => confusionMatrix({ tp: 1, fp: -2, tn: 3, fn: 4 }),
    /counts\.fp is -2, but counts must be whole numbers ≥ 0/,
  );
  assert.throws(() => confusionMatrix({ tp: 1.5, fp: 2, tn: 3, fn: 4 }), /counts\.tp is 1\.5/);
});

Deno.test("classCounts draws one labelled bar per class", () => {
  const chart = classCounts({ cats: 5000, dogs: 500 });
  assertDisplayable(chart);
  assert.equal(parseSvg(chart).querySelectorAll('g[aria-label="bar"] rect').length, 2);
  const allText = texts(chart).join(" ");
  assert.ok(allText.includes("5,000 (90.9%)") && allText.includes("500 (9.1%)"));
  assert.throws(() => classCounts({ cats: -1 }), /counts\["cats"\] is -1/);
  assert.throws(() => classCounts({}), /one entry per class/);
});

Deno.test("imageGrid embeds one enlarged PNG per image with its label", () => {
  const chart = imageGrid([
    solidImage("cat", [255, 0, 0]),
    solidImage("dog", [0, 0, 255]),
    solidImage("cat", [0, 255, 0]),
  ], { columns: 2, scale: 5 });
  assertDisplayable(chart);
  const images = [...parseSvg(chart).querySelectorAll("image")];
  assert.equal(images.length, 3);
  for (const image of images) {
    assert.match(image.getAttribute("href") ?? "", /^data:image\/png;base64,/);
    assert.equal(image.getAttribute("width"), "20");
    assert.equal(image.getAttribute("image-rendering"), "pixelated");
  }
  assert.deepEqual(texts(chart).filter((text) => text === "cat" || text === "dog"), [
    "cat",
    "dog",
    "cat",
  ]);
});

Deno.test("imageGrid shows the images' pixels in the PNG", async () => {
  const { PNG } = await import("pngjs");
  const chart = imageGrid([solidImage("red", [255, 0, 0], 8)], { scale: 4 });
  const png = PNG.sync.read(Buffer.from(chartToPng(chart)));
  let red = 0;
  for (let offset = 0; offset < png.data.length; offset += 4) {
    if (png.data[offset] > 240 && png.data[offset + 1] < 15 && png.data[offset + 2] < 15) red++;
  }
  assert.ok(red >= 32 * 32 * 0.9, `expected a 32x32 red square, found ${red} red pixels`);
});

Deno.test("imageGrid rejects mismatched sizes and wrong pixel counts", () => {
  assert.throws(() => imageGrid([]), /images is empty/);
  assert.throws(
    () => imageGrid([solidImage("a", [0, 0, 0], 4), solidImage("b", [0, 0, 0], 5)]),
    /images\[1\] \("b"\) is 5x5 but images\[0\] is 4x4; resize them/,
  );
  const rgba = { ...solidImage("a", [0, 0, 0], 2), pixels: new Uint8Array(16) };
  assert.throws(() => imageGrid([rgba]), /has 16 pixel bytes, expected 2x2x3 = 12/);
  assert.throws(() => imageGrid([solidImage("a", [0, 0, 0])], { columns: 0 }), /options\.columns/);
});

Deno.test("imagesOfSet picks images of an ImageSet with their class names", () => {
  const set = {
    classNames: ["cats", "dogs"],
    height: 1,
    width: 1,
    pixels: new Uint8Array([1, 2, 3, 4, 5, 6]),
    labels: new Uint8Array([0, 1]),
    paths: ["a.jpg", "b.jpg"],
  };
  const [dog] = imagesOfSet(set, [1]);
  assert.equal(dog.label, "dogs");
  assert.deepEqual([...dog.pixels], [4, 5, 6]);
  assert.throws(() => imagesOfSet(set, [2]), /index 2 is outside the image set \(0 to 1\)/);
});

Deno.test("metricBars draws one bar per row, error bars for sd and value labels", () => {
  const rows = ["balanced", "weighted"].flatMap((condition, index) =>
    ["precision", "recall"].map((metric) => ({
      condition,
      metric,
      value: 0.5 + index / 10,
      sd: 0.02,
    }))
  );
  const chart = metricBars(rows);
  assertDisplayable(chart);
  const document = parseSvg(chart);
  assert.equal(document.querySelectorAll('g[aria-label="bar"] rect').length, 4);
  assert.equal(document.querySelectorAll('g[aria-label="rule"] line').length, 4 + 2);
  assert.equal(texts(chart).filter((text) => text === "0.600").length, 2);
  assert.throws(
    () => metricBars([rows[0], rows[0]]),
    /repeats condition "balanced" and metric "precision"/,
  );
  assert.throws(() => metricBars([{ ...rows[0], sd: -1 }]), /sd is -1/);
});

Deno.test("precisionRecallCurve draws the prevalence baseline as a rule", () => {
  const points = [{ recall: 0, precision: 1 }, { recall: 0.5, precision: 0.6 }, {
    recall: 1,
    precision: 0.1,
  }];
  const chart = precisionRecallCurve([{ label: "model", points }], { prevalence: 0.1 });
  assertDisplayable(chart);
  const document = parseSvg(chart);
  assert.equal(document.querySelectorAll('g[aria-label="line"] path').length, 1);
  assert.equal(document.querySelectorAll('g[aria-label="rule"] line').length, 1);
  assert.throws(
    () => precisionRecallCurve([{ label: "model", points }], { prevalence: 1.5 }),
    /prevalence is 1\.5/,
  );
  assert.throws(
    () =>
      precisionRecallCurve([{ label: "m", points: [{ recall: 2, precision: 1 }] }], {
        prevalence: 0.1,
      }),
    /points\[0\]\.recall is 2/,
  );
});

Deno.test("rocCurve puts each curve's AUC in the legend", () => {
  const chart = rocCurve([{ label: "perfect", points: [{ fpr: 0, tpr: 1 }] }, {
    label: "random",
    points: [{ fpr: 0.5, tpr: 0.5 }],
  }]);
  assertDisplayable(chart);
  const labels = texts(chart);
  assert.ok(labels.includes("perfect (AUC 1.000)") && labels.includes("random (AUC 0.500)"));
});

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

Deno.test("intervalLines draws a line and a band per series in each panel", () => {
  const rows = [
    { catsPerDog: 1, strategy: "nothing", metric: "f1", mean: 0.7, low: 0.65, high: 0.75 },
    { catsPerDog: 10, strategy: "nothing", metric: "f1", mean: 0.2, low: 0.1, high: 0.3 },
    { catsPerDog: 1, strategy: "oversampling", metric: "f1", mean: 0.7, low: 0.68, high: 0.72 },
    { catsPerDog: 10, strategy: "oversampling", metric: "f1", mean: 0.4, low: 0.35, high: 0.45 },
    { catsPerDog: 1, strategy: "nothing", metric: "recall", mean: 0.7, low: 0.6, high: 0.8 },
    { catsPerDog: 10, strategy: "nothing", metric: "recall", mean: 0.1, low: 0.05, high: 0.2 },
  ];
  const points = intervalPointsFrom(rows, {
    x: "catsPerDog",
    series: "strategy",
    metrics: ["f1", "recall"],
    panelLabels: { f1: "F1" },
  });
  assert.deepEqual(points[0], {
    x: 1,
    y: 0.7,
    low: 0.65,
    high: 0.75,
    series: "nothing",
    panel: "F1",
  });
  assert.equal(points.at(-1)!.panel, "recall");
  const chart = intervalLines(points, { xLabel: "cats per dog", logX: true, title: "Sweep" });
  assertDisplayable(chart);
  const document = parseSvg(chart);
  // Three (series, panel) lines and bands: nothing and oversampling in F1, nothing in recall.
  assert.equal(document.querySelectorAll('g[aria-label="line"] path').length, 3);
  assert.equal(document.querySelectorAll('g[aria-label="area"] path').length, 3);
  assert.equal(document.querySelectorAll('g[aria-label="dot"] circle').length, 6);
  assert.ok(texts(chart).includes("oversampling") && texts(chart).includes("F1"));
  const noDots = parseSvg(intervalLines(points, { xLabel: "x", dots: false }));
  assert.equal(noDots.querySelectorAll('g[aria-label="dot"] circle').length, 0);
});

Deno.test("intervalLines rejects empty input, non-finite values and x ≤ 0 on a log axis", () => {
  assert.throws(() => intervalLines([], { xLabel: "x" }), /points/);
  const point = { x: 1, y: 0.5, low: 0.4, high: 0.6, series: "a" };
  assert.throws(() => intervalLines([{ ...point, y: NaN }], { xLabel: "x" }), /points\[0\]\.y/);
  assert.throws(() => intervalLines([{ ...point, x: 0 }], { xLabel: "x", logX: true }), /x > 0/);
});

Deno.test("reliabilityDiagram draws the diagonal and one line per model through its non-empty bins", () => {
  const labels = [0, 0, 1, 1, 0, 1];
  const probabilities = [0.05, 0.15, 0.85, 0.95, 0.9, 0.1];
  const chart = reliabilityDiagram([
    { label: "model", bins: reliabilityBins(labels, probabilities, 10) },
    { label: "other", bins: reliabilityBins(labels, [0.5, 0.5, 0.5, 0.5, 0.5, 0.5], 10) },
  ]);
  assertDisplayable(chart);
  const document = parseSvg(chart);
  // The diagonal plus one line per model.
  assert.equal(document.querySelectorAll('g[aria-label="line"] path').length, 3);
  // Non-empty bins: 0.0, 0.1, 0.8 and 0.9 for the model, 0.5 for the other.
  assert.equal(document.querySelectorAll('g[aria-label="dot"] circle').length, 5);
  assert.throws(
    () => reliabilityDiagram([{ label: "a", bins: [] }, { label: "a", bins: [] }]),
    /the label "a" is used twice/,
  );
});
