/** Rendering of code-cell outputs (streams, rich displays, errors) as HTML. */

import { AnsiUp } from "ansi_up";
import { escapeHtml } from "./escape.ts";
import type { MarkdownRenderer } from "./markdown.ts";
import { joinText, type MimeBundle, type NotebookOutput } from "./notebook.ts";
import { sanitizeOutputHtml } from "./sanitize.ts";

/**
 * The MIME types a rich output is shown as, best first: a chart (SVG and PNG of the same figure)
 * as its vector image, an image rather than its text description, HTML (sanitised) before
 * markdown before plain text.
 */
export const MIME_PRIORITY = [
  "image/svg+xml",
  "image/png",
  "image/jpeg",
  "image/gif",
  "image/webp",
  "text/html",
  "text/markdown",
  "text/plain",
] as const;

/** A `text/html` output that is one whole SVG document: a chart, as notebooks once stored them. */
const SVG_DOCUMENT = /^\s*(?:<\?xml[^>]*\?>\s*)?<svg\b[\s\S]*<\/svg>\s*$/i;

/**
 * Returns the MIME type of `data` that {@link MIME_PRIORITY} picks, or undefined if none. A
 * `text/html` entry holding a whole SVG document counts as `image/svg+xml`.
 */
export function chooseMimeType(data: MimeBundle): string | undefined {
  if (data["text/html"] !== undefined && SVG_DOCUMENT.test(bundleText(data["text/html"]))) {
    return "image/svg+xml";
  }
  return MIME_PRIORITY.find((type) => data[type] !== undefined);
}

/** What rendering an output needs from its page. */
export interface OutputContext {
  /** The page's markdown renderer, for `text/markdown` outputs. */
  renderMarkdown: MarkdownRenderer;
  /** Reports a problem with the output (something not shown, or removed as unsafe). */
  warn: (message: string) => void;
}

/**
 * Renders one output as an HTML fragment. Images (charts included) become `<img>` elements, where
 * an SVG's scripts cannot run; `text/html` is sanitised; every other kind of text is escaped.
 */
export function renderOutput(output: NotebookOutput, context: OutputContext): string {
  switch (output.output_type) {
    case "stream": {
      const stream = output.name === "stderr" ? "stderr" : "stdout";
      return outputRow(
        "",
        `<pre class="stream ${stream}">${terminalToHtml(joinText(output.text))}</pre>`,
      );
    }
    case "error":
      return outputRow("", renderError(output.ename, output.evalue, output.traceback ?? []));
    case "display_data":
    case "execute_result": {
      const body = renderMimeBundle(output.data ?? {}, output.metadata ?? {}, context);
      const prompt = output.output_type === "execute_result"
        ? `Out[${output.execution_count ?? " "}]:`
        : "";
      return outputRow(prompt, `<div class="rich">${body}</div>`);
    }
    default: {
      const kind = JSON.stringify((output as { output_type?: unknown }).output_type);
      context.warn(`an output of type ${kind} is not shown`);
      return outputRow(
        "",
        `<pre class="unknown">(output of type ${escapeHtml(kind)} not shown)</pre>`,
      );
    }
  }
}

function outputRow(prompt: string, body: string): string {
  return `<div class="output-row"><div class="prompt">${prompt}</div><div class="output">${body}</div></div>`;
}

/** An nbformat MIME-bundle entry as text: joined lines, or JSON for structured data. */
function bundleText(content: unknown): string {
  return typeof content === "string" || Array.isArray(content)
    ? joinText(content as string[])
    : JSON.stringify(content);
}

function renderMimeBundle(
  data: MimeBundle,
  metadata: Record<string, unknown>,
  context: OutputContext,
): string {
  const mime = chooseMimeType(data);
  if (mime === undefined) {
    const types = Object.keys(data).join(", ") || "no";
    context.warn(`an output in ${types} format is not shown`);
    return `<pre class="unknown">(output in ${escapeHtml(types)} format not shown)</pre>`;
  }
  const description = data["text/plain"] === undefined ? "" : bundleText(data["text/plain"]);
  switch (mime) {
    case "image/svg+xml": {
      const svg = bundleText(data["image/svg+xml"] ?? data["text/html"]);
      return imageTag(mime, svgToBase64(svg), description, metadata[mime], context);
    }
    case "text/html":
      return sanitizeOutputHtml(bundleText(data[mime]), context.warn);
    case "text/markdown":
      return context.renderMarkdown(bundleText(data[mime]));
    case "text/plain":
      return `<pre>${terminalToHtml(description)}</pre>`;
    default:
      return imageTag(
        mime,
        bundleText(data[mime]).replace(/\s/g, ""),
        description,
        metadata[mime],
        context,
      );
  }
}

function imageTag(
  mime: string,
  base64: string,
  description: string,
  metadata: unknown,
  context: OutputContext,
): string {
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(base64)) {
    context.warn(`an ${mime} output is not valid base64 and is not shown`);
    return `<pre class="unknown">(${escapeHtml(mime)} output is not valid base64; not shown)</pre>`;
  }
  const size = (metadata ?? {}) as { width?: unknown; height?: unknown };
  const width = typeof size.width === "number" ? ` width="${size.width}"` : "";
  const height = typeof size.height === "number" ? ` height="${size.height}"` : "";
  return `<img class="output-image" src="data:${mime};base64,${base64}" ` +
    `alt="${escapeHtml(description)}"${width}${height}>`;
}

/**
 * Encodes SVG text for an `<img>` data URL (where its scripts cannot run), adding the SVG
 * namespace when it is missing, without which browsers refuse the image.
 */
function svgToBase64(svg: string): string {
  const withNamespace = /<svg\b[^>]*\bxmlns\s*=/.test(svg)
    ? svg
    : svg.replace(/<svg\b/, '<svg xmlns="http://www.w3.org/2000/svg"');
  const bytes = new TextEncoder().encode(withNamespace);
  let binary = "";
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(binary);
}

/** Terminal text as HTML: escaped, with its ANSI colours and bold as inline styles (ansi_up). */
function terminalToHtml(text: string): string {
  return new AnsiUp().ansi_to_html(text);
}

function renderError(name: string, value: string, traceback: string[]): string {
  const summary = escapeHtml(`${name}: ${value}`);
  // The kernel's traceback usually repeats the summary as its first line, in colour.
  const lines = traceback.map(terminalToHtml)
    .filter((line) => line.replace(/<[^>]*>/g, "").trim() !== summary.trim());
  const trace = lines.length > 0 ? `\n<pre class="traceback">${lines.join("\n")}</pre>` : "";
  return `<div class="error"><div class="error-summary">${summary}</div>${trace}</div>`;
}
