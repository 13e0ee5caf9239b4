/**
 * The shared frame of every chart: Plot draws the axes and marks; the title,
 * subtitle, legend and caption are drawn here, in SVG, around Plot's output.
 *
 * Why not Plot's own `title`/`subtitle`/`caption` and swatch legends: with
 * them Plot returns an HTML `<figure>`, which a PNG renderer (resvg) cannot
 * draw, so PNG outputs would lose their titles and legends. One standalone SVG
 * looks the same in JupyterLab, in the HTML export and as a PNG.
 */
import * as Plot from "@observablehq/plot";
import {
  Chart,
  escapeMarkup,
  type MarkupElement,
  plotDocument,
  svgElementToMarkup,
} from "./display.ts";

/** Width of every chart's plot area in px (Plot's default, fits a notebook column). */
export const chartWidth = 640;

/** Colours given to series in order (Plot's "observable10" scheme: distinct, colour-blind aware). */
export const palette: readonly string[] = [
  "#4269d0",
  "#efb118",
  "#ff725c",
  "#6cc5b0",
  "#3ca951",
  "#ff8ab7",
  "#a463f2",
  "#97bbf5",
  "#9c6b4e",
  "#9498a0",
];

/** The colour of the series at `index` (cycles through `palette`). */
export function seriesColor(index: number): string {
  return palette[index % palette.length];
}

/** The x axis of a per-epoch chart: whole epochs, at most ten ticks, up to `lastEpoch`. */
export function epochAxis(lastEpoch: number): Plot.ScaleOptions {
  return { label: "Epoch", tickFormat: "d", ticks: Math.min(lastEpoch, 10) };
}

/** Title, subtitle and caption every chart's options accept. */
export interface ChartText {
  /** Bold heading above the chart. */
  title?: string;
  /** Smaller grey line under the title (what the data is, units). */
  subtitle?: string;
  /** Note under the chart (source, how to read it). */
  caption?: string;
}

/** Options every chart accepts besides its own. */
export interface CommonChartOptions extends ChartText {
  /** Width of the plot area in px (default 640). */
  width?: number;
  /** Height of the plot area in px (each chart has its own default). */
  height?: number;
}

/** One entry of a legend: a swatch and its label. */
export interface LegendItem {
  /** Text beside the swatch. */
  label: string;
  /** Swatch colour. */
  color: string;
  /** `line` (default) draws a stroke, `square` a filled square (for bars and cells). */
  swatch?: "line" | "square";
  /** SVG dash pattern for line swatches, e.g. "5,3". */
  dash?: string;
}

/** What `figure` needs to build a chart. */
export interface FigureSpec extends ChartText {
  /** One line for `text/plain` displays. */
  description: string;
  /** Legend drawn between the subtitle and the plot. */
  legend?: readonly LegendItem[];
  /** Plot options (marks, scales, size); `title`, `subtitle`, `caption` and legends are not allowed here. */
  plot: Plot.PlotOptions;
}

const padding = 10;
const titleSize = 16;
const subtitleSize = 12;
const legendSize = 11;
const captionSize = 11;
/** Average glyph width as a share of the font size (DejaVu Sans is the widest font we meet). */
const glyphWidth = 0.6;

/** Draws the plot with Observable Plot and frames it with title, subtitle, legend and caption. */
export function figure(spec: FigureSpec): Chart {
  const { plot } = spec;
  if (plot.title || plot.subtitle || plot.caption) {
    throw new Error(
      `figure(): pass title, subtitle and caption beside "plot", not inside it (Plot would return HTML, which PNG rendering loses).`,
    );
  }
  const element = Plot.plot({
    width: chartWidth,
    ...plot,
    document: plotDocument() as Plot.PlotOptions["document"],
  }) as unknown as MarkupElement;
  const plotWidth = Number(element.getAttribute("width"));
  const plotHeight = Number(element.getAttribute("height"));
  const width = plotWidth + 2 * padding;

  const parts: string[] = [];
  let y = padding;
  if (spec.title) {
    for (const line of wrap(spec.title, plotWidth, titleSize)) {
      y += titleSize * 1.25;
      parts.push(text(line, padding, y - 4, titleSize, 'font-weight="bold"'));
    }
  }
  if (spec.subtitle) {
    for (const line of wrap(spec.subtitle, plotWidth, subtitleSize)) {
      y += subtitleSize * 1.4;
      parts.push(text(line, padding, y - 3, subtitleSize, 'fill="#555"'));
    }
  }
  if (spec.legend && spec.legend.length > 0) {
    const legend = legendMarkup(spec.legend, plotWidth);
    parts.push(`<g transform="translate(${padding},${y + 4})">${legend.markup}</g>`);
    y += legend.height + 4;
  }
  if (y > padding) y += 6;

  element.setAttribute("x", String(padding));
  element.setAttribute("y", String(y));
  parts.push(svgElementToMarkup(element));
  y += plotHeight;

  if (spec.caption) {
    y += 4;
    for (const line of wrap(spec.caption, plotWidth, captionSize)) {
      y += captionSize * 1.4;
      parts.push(text(line, padding, y - 3, captionSize, 'fill="#555"'));
    }
  }
  const height = Math.ceil(y + padding);
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" ` +
    `viewBox="0 0 ${width} ${height}" font-family="system-ui, sans-serif" color="black" ` +
    `style="max-width:100%;height:auto;background:white;color:black">` +
    `<rect width="${width}" height="${height}" fill="white"/>${parts.join("")}</svg>`;
  return new Chart(svg, spec.title ? `${spec.description}: ${spec.title}` : spec.description);
}

/** One left-aligned line of SVG text. */
function text(content: string, x: number, y: number, size: number, extra = ""): string {
  const fill = extra.includes("fill=") ? "" : ' fill="currentColor"';
  return `<text x="${x}" y="${y}" font-size="${size}"${fill} ${extra}>${
    escapeMarkup(content)
  }</text>`;
}

/** Estimated width of text in px (no font metrics are available without a browser). */
function textWidth(content: string, size: number): number {
  return content.length * size * glyphWidth;
}

/** Breaks text into lines that fit `width` px, at spaces. */
function wrap(content: string, width: number, size: number): string[] {
  const lines: string[] = [];
  let line = "";
  for (const word of content.split(/\s+/)) {
    const candidate = line ? `${line} ${word}` : word;
    if (line && textWidth(candidate, size) > width) {
      lines.push(line);
      line = word;
    } else {
      line = candidate;
    }
  }
  if (line) lines.push(line);
  return lines;
}

/** Swatches and labels laid out left to right, wrapping to new rows past `width`. */
function legendMarkup(
  items: readonly LegendItem[],
  width: number,
): { markup: string; height: number } {
  const rowHeight = legendSize * 1.6;
  const swatchWidth = 18;
  let x = 0;
  let row = 0;
  const parts: string[] = [];
  for (const item of items) {
    const itemWidth = swatchWidth + 5 + textWidth(item.label, legendSize) + 16;
    if (x > 0 && x + itemWidth > width) {
      x = 0;
      row += 1;
    }
    const middle = row * rowHeight + rowHeight / 2;
    parts.push(
      item.swatch === "square"
        ? `<rect x="${x + 4}" y="${middle - 5}" width="10" height="10" fill="${item.color}"/>`
        : `<line x1="${x}" x2="${
          x + swatchWidth
        }" y1="${middle}" y2="${middle}" stroke="${item.color}" stroke-width="2"${
          item.dash ? ` stroke-dasharray="${item.dash}"` : ""
        }/>`,
      text(item.label, x + swatchWidth + 5, middle + legendSize * 0.35, legendSize),
    );
    x += itemWidth;
  }
  return { markup: parts.join(""), height: (row + 1) * rowHeight };
}
