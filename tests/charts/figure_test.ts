import * as Plot from "@observablehq/plot";
import { assert, assertEquals, assertRejectsWith } from "../assert.ts";
import { assertDisplayable, parseSvg, texts } from "../fixtures/chart_svg.ts";
import {
  chartWidth,
  figure,
  type FigureSpec,
  palette,
  seriesColor,
} from "../../lib/charts/figure.ts";

/** One dot, in a plot area 100 px high. */
const plot: FigureSpec["plot"] = {
  marks: [Plot.dot([{ x: 1, y: 2 }], { x: "x", y: "y" })],
  height: 100,
};

/** The attributes of the chart's outer <svg> and of Plot's <svg> inside it, as numbers. */
function frames(chart: ReturnType<typeof figure>) {
  const [outer, inner] = chart.svg.match(/<svg [^>]*>/g)!;
  const attribute = (tag: string, name: string) =>
    Number(new RegExp(`\\s${name}="([\\d.]+)"`).exec(tag)![1]);
  return {
    width: attribute(outer, "width"),
    height: attribute(outer, "height"),
    plotX: attribute(inner, "x"),
    plotY: attribute(inner, "y"),
    plotWidth: attribute(inner, "width"),
  };
}

/** The y of each line of text of `size` px drawn by figure (title 16, subtitle 12, legend and caption 11). */
function textLines(chart: ReturnType<typeof figure>, size: number): { text: string; y: number }[] {
  return parseSvg(chart).querySelectorAll(
    `svg > text[font-size="${size}"], g > text[font-size="${size}"]`,
  )
    .map((node) => ({ text: node.textContent ?? "", y: Number(node.getAttribute("y")) }));
}

Deno.test("figure frames the plot with title, subtitle, legend and caption, laid out as worked by hand", () => {
  const chart = figure({
    description: "A dot",
    title: "Title",
    subtitle: "Subtitle",
    caption: "Caption",
    legend: [{ label: "a", color: "#ff0000" }],
    plot,
  });
  assertDisplayable(chart);
  // Padding 10; title line 20 (16 × 1.25), subtitle line 16.8 (12 × 1.4), a legend row 17.6
  // (11 × 1.6) plus 4, then 6 before the plot; after the plot's 100 px, 4 and a caption line
  // 15.4 (11 × 1.4), then the padding: 10 + 20 + 16.8 + 21.6 + 6 + 100 + 19.4 + 10 = 203.8.
  assertEquals(frames(chart), {
    width: chartWidth + 20,
    height: 204,
    plotX: 10,
    plotY: 74.4,
    plotWidth: chartWidth,
  });
  assertEquals(textLines(chart, 16), [{ text: "Title", y: 26 }]);
  assertEquals(textLines(chart, 12), [{ text: "Subtitle", y: 43.8 }]);
  assertEquals(textLines(chart, 11).map((line) => line.text), ["a", "Caption"]);
  assertEquals(textLines(chart, 11)[1].y, 190.8);
  assertEquals(chart.description, "A dot: Title");
});

Deno.test("figure without text puts the plot at the padding, and describes the chart by its description", () => {
  const chart = figure({ description: "A dot", plot: { ...plot, width: 300 } });
  assertDisplayable(chart);
  assertEquals(frames(chart), { width: 320, height: 120, plotX: 10, plotY: 10, plotWidth: 300 });
  assertEquals(chart.description, "A dot");
});

Deno.test("figure wraps a long title at spaces to the plot's width, and escapes markup", () => {
  // Glyphs are taken as 0.6 × 16 = 9.6 px wide: 66 characters fit 640 px, so six ten-letter
  // words (65 characters with the spaces) make a line and the seventh starts the next.
  const words = Array.from({ length: 10 }, (_, i) => `abcdefghi${i}`);
  const chart = figure({ description: "d", title: words.join(" "), plot });
  assertEquals(textLines(chart, 16).map((line) => line.text), [
    words.slice(0, 6).join(" "),
    words.slice(6).join(" "),
  ]);
  assertEquals(frames(chart).plotY, 10 + 2 * 20 + 6);
  const escaped = figure({ description: "d", title: "Cats <&> dogs", caption: "p < 0.05", plot });
  assert(escaped.svg.includes(">Cats &lt;&amp;&gt; dogs</text>"), "the title is not escaped");
  assert(texts(escaped).includes("p < 0.05"), "the caption does not read back as written");
});

Deno.test("figure draws line swatches (dashed when asked) and square ones, wrapping the legend into rows", () => {
  const chart = figure({
    description: "d",
    legend: [
      { label: "dashed", color: "#111111", dash: "5,3" },
      { label: "bars", color: "#222222", swatch: "square" },
    ],
    plot,
  });
  const document = parseSvg(chart);
  const line = document.querySelectorAll('line[stroke="#111111"]');
  assertEquals(line.map((node) => node.getAttribute("stroke-dasharray")), ["5,3"]);
  assertEquals(document.querySelectorAll('rect[fill="#222222"]').length, 1);
  assertEquals(document.querySelectorAll('line[stroke="#222222"]').length, 0);
  // A 20-letter label takes 18 + 5 + 20 × 6.6 + 16 = 171 px: three fit 640 px, a fourth wraps,
  // so five take two rows of 17.6 px.
  const long = (i: number) => ({ label: `${"x".repeat(19)}${i}`, color: seriesColor(i) });
  const oneRow = figure({ description: "d", legend: [1, 2, 3].map(long), plot });
  const twoRows = figure({ description: "d", legend: [1, 2, 3, 4, 5].map(long), plot });
  assertEquals(frames(oneRow).plotY, 10 + 17.6 + 4 + 6);
  assertEquals(frames(twoRows).plotY, 10 + 2 * 17.6 + 4 + 6);
  const rows = textLines(twoRows, 11).map((item) => item.y);
  assertEquals(new Set(rows.slice(0, 3)).size, 1);
  assertEquals(rows[3] - rows[0], 17.6);
});

Deno.test("figure refuses a title, subtitle or caption inside the plot options and says where they go", async () => {
  for (const key of ["title", "subtitle", "caption"]) {
    await assertRejectsWith(
      () => figure({ description: "d", plot: { ...plot, [key]: "inside" } }),
      'pass title, subtitle and caption beside "plot", not inside it',
    );
  }
});

Deno.test("seriesColor gives the palette's colours in order, then cycles", () => {
  assertEquals(palette.length, 10);
  assertEquals([0, 1, 9].map(seriesColor), [palette[0], palette[1], palette[9]]);
  assertEquals([10, 11, 25].map(seriesColor), [palette[0], palette[1], palette[5]]);
  assertEquals(new Set(palette).size, palette.length);
});
