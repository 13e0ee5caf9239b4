/**
 * Rich display of charts and tables in the Deno Jupyter kernel.
 *
 * A chart is one self-contained SVG string (with `xmlns`; title, legend and
 * caption drawn inside it). In a notebook it is sent as `image/svg+xml` (vector,
 * drawn by front ends once a notebook is trusted) and `image/png` at twice the
 * chart's size (rendered with resvg, sharp on high-density screens; what an
 * untrusted notebook, GitHub's viewer and nbconvert's HTML export show), never
 * as `text/html`: Jupyter sanitises the HTML of untrusted notebooks and its
 * sanitiser drops every SVG element, leaving the chart's text run together.
 * Tables are HTML (which survives sanitising) with a `text/plain` fallback.
 * Observable Plot needs a DOM to draw into; `plotDocument()` gives it one from
 * linkedom without touching globals.
 */
import { parseHTML } from "linkedom";
import { Resvg, type ResvgRenderOptions } from "@resvg/resvg-js";
import { fileURLToPath } from "node:url";
import { existsSync } from "node:fs";

/** A Jupyter mime bundle: mime type → content (base64 for binary types). */
export type MimeBundle = Record<string, string>;

/** The symbol Deno's kernel looks for to display a value richly (`Deno.jupyter.$display`). */
export const jupyterDisplay: unique symbol = Symbol.for("Jupyter.display");

/** Anything the Deno kernel can show richly. */
export interface Displayable {
  /** Returns the mime bundle Jupyter shows for this value. */
  [jupyterDisplay](): MimeBundle;
}

/** Pixels per SVG unit of a chart's PNG: 2 keeps it sharp on high-density (2x) screens. */
export const pngScale = 2;

/** A finished chart: one standalone SVG, shown inline when it ends a notebook cell. */
export class Chart implements Displayable {
  #png?: Uint8Array;

  /**
   * @param svg standalone SVG markup (root `<svg>` with `xmlns`)
   * @param description one line of text for `text/plain` (what the chart shows)
   */
  constructor(readonly svg: string, readonly description: string) {
    if (!/^<svg\b[^>]*\bxmlns="http:\/\/www\.w3\.org\/2000\/svg"/.test(svg)) {
      throw new Error(
        `Chart "${description}" needs standalone SVG markup starting with <svg xmlns="http://www.w3.org/2000/svg" ...>; got "${
          svg.slice(0, 60)
        }...". Build charts with the functions in lib/plots/.`,
      );
    }
  }

  /** The chart's size in CSS pixels: the root `<svg>`'s `width` and `height` attributes. */
  get size(): { width: number; height: number } {
    const root = this.svg.slice(0, this.svg.indexOf(">"));
    const attribute = (name: string) =>
      Number(new RegExp(`\\s${name}="([\\d.]+)"`).exec(root)?.[1]);
    return { width: attribute("width"), height: attribute("height") };
  }

  /** The chart as PNG bytes at `pngScale` px per SVG unit (rendered once, then cached). */
  png(): Uint8Array {
    this.#png ??= svgToPng(this.svg, pngScale);
    return this.#png;
  }

  /** The mime bundle: `image/svg+xml` (standalone SVG), `image/png` (base64) and `text/plain`. */
  [jupyterDisplay](): MimeBundle {
    return {
      "image/svg+xml": this.svg,
      "image/png": bytesToBase64(this.png()),
      "text/plain": `[chart] ${this.description}`,
    };
  }
}

/** The standalone SVG markup of a chart (write it to a `.svg` file or embed it in HTML). */
export function chartToSvg(chart: Chart): string {
  return chart.svg;
}

/** The chart rendered to PNG bytes (write them to a `.png` file). */
export function chartToPng(chart: Chart): Uint8Array {
  return chart.png();
}

/** The Jupyter mime bundle of anything displayable (a chart or a table). */
export function mimeBundle(item: Displayable): MimeBundle {
  return item[jupyterDisplay]();
}

/** True when running inside the Deno Jupyter kernel (where `Deno.jupyter` exists). */
export function inJupyter(): boolean {
  try {
    return typeof (Deno as unknown as { jupyter?: unknown }).jupyter === "object";
  } catch {
    return false;
  }
}

/** The part of `Deno.jupyter` that `displayChart` uses. */
interface JupyterBroadcast {
  broadcast(
    messageType: "display_data",
    content: { data: MimeBundle; metadata: Record<string, unknown>; transient: object },
  ): Promise<void>;
}

/**
 * Shows a chart or table in the notebook now, from anywhere in a cell (not
 * only as its last expression). A chart's PNG is sent with its CSS size in the
 * output's metadata, so front ends draw the 2x image at the chart's size.
 * Outside the kernel (scripts, tests) it does nothing, so library code can
 * call it unconditionally.
 */
export async function displayChart(item: Displayable): Promise<void> {
  if (!inJupyter()) return;
  const jupyter = (Deno as unknown as { jupyter: JupyterBroadcast }).jupyter;
  await jupyter.broadcast("display_data", {
    data: mimeBundle(item),
    metadata: displayMetadata(item),
    transient: {},
  });
}

/** The output metadata of a displayed item: a chart's PNG size in CSS pixels; nothing for tables. */
export function displayMetadata(item: Displayable): Record<string, unknown> {
  return item instanceof Chart ? { "image/png": item.size } : {};
}

/** The part of a DOM element this module uses (Deno has no DOM types; linkedom provides the DOM). */
export interface MarkupElement {
  readonly tagName: string;
  readonly outerHTML: string;
  getAttribute(name: string): string | null;
  setAttribute(name: string, value: string): void;
}

let sharedDocument: unknown;

/**
 * A DOM document for Observable Plot's `document` option (Plot draws into a
 * DOM; Deno has none). One linkedom document is made and reused, so no global
 * is touched.
 */
export function plotDocument(): unknown {
  if (sharedDocument === undefined) {
    const window = parseHTML("<!DOCTYPE html><html><head></head><body></body></html>") as unknown;
    sharedDocument = (window as { document: unknown }).document;
  }
  return sharedDocument;
}

/**
 * Serialises an SVG element Plot made into standalone markup: adds the
 * `xmlns` Plot leaves out (without it the markup is not an SVG file).
 */
export function svgElementToMarkup(element: MarkupElement): string {
  if (element.tagName.toLowerCase() !== "svg") {
    throw new Error(
      `Expected an <svg> element but got <${element.tagName.toLowerCase()}>: Plot returns a <figure> when given a title, legend or caption; draw those in SVG instead (see lib/charts/figure.ts).`,
    );
  }
  if (!element.getAttribute("xmlns")) element.setAttribute("xmlns", "http://www.w3.org/2000/svg");
  return element.outerHTML;
}

/** The DejaVu Sans font shipped by the `dejavu-fonts-ttf` package, or undefined when not installed. */
function bundledFontFile(): string | undefined {
  try {
    const url = import.meta.resolve("dejavu-fonts-ttf/ttf/DejaVuSans.ttf");
    if (!url.startsWith("file:")) return undefined;
    const path = fileURLToPath(url);
    return existsSync(path) ? path : undefined;
  } catch {
    return undefined;
  }
}

let fontOptions: ResvgRenderOptions["font"] | undefined;

/**
 * resvg's font options: text uses the DejaVu Sans shipped with the project (so
 * PNGs have text on machines without fonts); system fonts only as a fallback.
 */
function pngFontOptions(): ResvgRenderOptions["font"] {
  if (fontOptions) return fontOptions;
  const fontFile = bundledFontFile();
  const bold = fontFile?.replace(/DejaVuSans\.ttf$/, "DejaVuSans-Bold.ttf");
  fontOptions = fontFile
    ? {
      loadSystemFonts: false,
      fontFiles: bold && existsSync(bold) ? [fontFile, bold] : [fontFile],
      defaultFontFamily: "DejaVu Sans",
      sansSerifFamily: "DejaVu Sans",
    }
    : { loadSystemFonts: true };
  return fontOptions;
}

/**
 * Renders standalone SVG markup to PNG bytes with resvg (text in DejaVu Sans,
 * white background), `scale` pixels per SVG unit.
 *
 * @example
 * ```ts
 * import { svgToPng } from "./display.ts";
 * const png = svgToPng('<svg xmlns="http://www.w3.org/2000/svg" width="3" height="2"/>', 2);
 * const view = new DataView(png.buffer, png.byteOffset);
 * if (view.getUint32(16) !== 6 || view.getUint32(20) !== 4) throw new Error("not 6x4 px");
 * ```
 */
export function svgToPng(svg: string, scale = 1): Uint8Array {
  if (!(scale > 0)) {
    throw new Error(
      `svgToPng: scale must be a positive number of pixels per SVG unit, got ${scale}.`,
    );
  }
  const png = new Resvg(svg, {
    fitTo: scale === 1 ? { mode: "original" } : { mode: "zoom", value: scale },
    background: "white",
    font: pngFontOptions(),
    logLevel: "off",
  }).render().asPng();
  return new Uint8Array(png.buffer, png.byteOffset, png.byteLength);
}

/** Base64 of bytes, as Jupyter mime bundles and data URLs want binary data. */
export function bytesToBase64(bytes: Uint8Array): string {
  let binary = "";
  const chunk = 0x8000;
  for (let start = 0; start < bytes.length; start += chunk) {
    binary += String.fromCharCode(...bytes.subarray(start, start + chunk));
  }
  return btoa(binary);
}

/** Escapes text for use inside HTML/SVG markup (element text or quoted attributes). */
export function escapeMarkup(text: string): string {
  return text.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;")
    .replaceAll('"', "&quot;");
}

/** Options of `table`. */
export interface TableOptions<Row extends Record<string, unknown>> {
  /** Columns to show, in order (default: the keys of the first row, then any new key of later rows). */
  columns?: (keyof Row & string)[];
  /** Per-column formatting of values (default: numbers to 4 significant digits, others with `String`). */
  format?: Partial<Record<keyof Row & string, (value: unknown) => string>>;
  /** Caption shown above the HTML table. */
  caption?: string;
}

/** A table of records, shown as an HTML table in notebooks (aligned text elsewhere). */
export class Table implements Displayable {
  /**
   * @param columns column names, in order
   * @param cells formatted cells, one array per row, one string per column
   * @param caption optional caption
   */
  constructor(
    readonly columns: readonly string[],
    readonly cells: readonly (readonly string[])[],
    readonly caption?: string,
  ) {}

  /** The table as aligned plain text (numbers right-aligned), e.g. for `console.log`. */
  toString(): string {
    const widths = this.columns.map((column, index) =>
      Math.max(column.length, ...this.cells.map((row) => row[index].length))
    );
    const numeric = this.columns.map((_, index) =>
      this.cells.length > 0 && this.cells.every((row) => isNumericText(row[index]))
    );
    const line = (values: readonly string[]) =>
      values.map((value, index) =>
        numeric[index] ? value.padStart(widths[index]) : value.padEnd(widths[index])
      ).join("  ").trimEnd();
    const lines = [line(this.columns), widths.map((width) => "-".repeat(width)).join("  ")];
    for (const row of this.cells) lines.push(line(row));
    return (this.caption ? `${this.caption}\n` : "") + lines.join("\n");
  }

  /**
   * The table as an HTML `<table>` (numeric columns right-aligned). When every
   * column is numeric the cells inherit the alignment from the `<table>`
   * rather than each carrying it, which keeps long tables small in stored
   * notebooks.
   */
  toHtml(): string {
    const numeric = this.columns.map((_, index) =>
      this.cells.length > 0 && this.cells.every((row) => isNumericText(row[index]))
    );
    const right = ' style="text-align:right"';
    const allNumeric = numeric.length > 0 && numeric.every(Boolean);
    const align = (index: number) => numeric[index] ? right : "";
    const cellAlign = allNumeric ? () => "" : align;
    const head = this.columns.map((column, index) =>
      `<th${align(index)}>${escapeMarkup(column)}</th>`
    )
      .join("");
    const body = this.cells.map((row) =>
      `<tr>${
        row.map((cell, index) => `<td${cellAlign(index)}>${escapeMarkup(cell)}</td>`).join("")
      }</tr>`
    ).join("\n");
    const caption = this.caption ? `<caption>${escapeMarkup(this.caption)}</caption>` : "";
    return `<table${allNumeric ? right : ""}>${caption}<thead><tr>${head}</tr></thead>\n` +
      `<tbody>\n${body}\n</tbody></table>`;
  }

  /** The mime bundle: `text/html` and a `text/plain` fallback. */
  [jupyterDisplay](): MimeBundle {
    return { "text/html": this.toHtml(), "text/plain": this.toString() };
  }
}

/**
 * A table of records for notebooks, like a printed data frame: `table(rows)`
 * as the last expression of a cell shows an HTML table.
 */
export function table<Row extends Record<string, unknown>>(
  rows: readonly Row[],
  options: TableOptions<Row> = {},
): Table {
  if (!Array.isArray(rows)) {
    throw new Error(
      `table() needs an array of records (objects), got ${typeof rows}: wrap a single record in [ ].`,
    );
  }
  rows.forEach((row, index) => {
    if (row === null || typeof row !== "object") {
      throw new Error(
        `table() row ${index} is ${
          row === null ? "null" : typeof row
        }, not a record: pass objects like {name: "a", value: 1}.`,
      );
    }
  });
  const columns = options.columns ?? [...new Set(rows.flatMap((row) => Object.keys(row)))];
  const cells = rows.map((row) =>
    columns.map((column) => {
      const value = row[column];
      const formatter = options.format?.[column];
      return formatter ? formatter(value) : formatValue(value);
    })
  );
  return new Table(columns, cells, options.caption);
}

/** Default cell text: numbers to 4 significant digits, missing values empty. */
function formatValue(value: unknown): string {
  if (value === undefined || value === null) return "";
  if (typeof value === "number") {
    if (Number.isInteger(value) || !Number.isFinite(value)) return String(value);
    return String(Number(value.toPrecision(4)));
  }
  return String(value);
}

/** True for cells that read as numbers (or are empty), to right-align their column. */
function isNumericText(text: string): boolean {
  return text === "" || /^[-+]?(\d[\d,]*\.?\d*|\.\d+)(e[-+]?\d+)?%?$/i.test(text) ||
    text === "NaN" || /^-?Infinity$/.test(text);
}
