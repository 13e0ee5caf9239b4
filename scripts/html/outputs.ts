/** Rendering of code-cell outputs (streams, rich displays, errors) as HTML. */

import { ansiToHtml, stripAnsi } from "./ansi.ts";
import { escapeHtml } from "./escape.ts";
import { markdownToHtml } from "./markdown.ts";
import { joinText, type MimeBundle, type NotebookOutput } from "./notebook.ts";

/**
 * The MIME types a rich output is shown as, best first: a chart sent as both HTML and SVG shows
 * as HTML, an image as the image rather than its text description.
 */
export const MIME_PRIORITY = [
  "text/html",
  "image/png",
  "image/jpeg",
  "image/gif",
  "image/svg+xml",
  "text/markdown",
  "text/plain",
] as const;

/** Returns the MIME type of `data` that {@link MIME_PRIORITY} picks, or undefined if none. */
export function chooseMimeType(data: MimeBundle): string | undefined {
  return MIME_PRIORITY.find((mime) => data[mime] !== undefined);
}

/**
 * Renders one output as an HTML fragment. `text/html` outputs are inserted as they are (they are
 * the notebook's own charts and tables, as in Jupyter); every other kind of text is escaped.
 */
export function renderOutput(output: NotebookOutput, usedIds?: Set<string>): string {
  switch (output.output_type) {
    case "stream": {
      const stream = output.name === "stderr" ? "stderr" : "stdout";
      return outputRow(
        "",
        `<pre class="stream ${stream}">${ansiToHtml(joinText(output.text))}</pre>`,
      );
    }
    case "error":
      return outputRow("", renderError(output.ename, output.evalue, output.traceback ?? []));
    case "display_data":
    case "execute_result": {
      const body = renderMimeBundle(output.data ?? {}, output.metadata ?? {}, usedIds);
      const prompt = output.output_type === "execute_result"
        ? `Out[${output.execution_count ?? " "}]:`
        : "";
      return outputRow(prompt, `<div class="rich">${body}</div>`);
    }
    default: {
      const kind = JSON.stringify((output as { output_type?: unknown }).output_type);
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

function renderMimeBundle(
  data: MimeBundle,
  metadata: Record<string, unknown>,
  usedIds?: Set<string>,
): string {
  const mime = chooseMimeType(data);
  if (mime === undefined) {
    const types = Object.keys(data).map((type) => escapeHtml(type)).join(", ");
    return `<pre class="unknown">(output in ${types || "no"} format not shown)</pre>`;
  }
  const content = data[mime];
  const text = typeof content === "string" || Array.isArray(content)
    ? joinText(content as string[])
    : JSON.stringify(content);
  switch (mime) {
    case "text/html":
      return text;
    case "text/markdown":
      return markdownToHtml(text, { usedIds });
    case "text/plain":
      return `<pre>${ansiToHtml(text)}</pre>`;
    case "image/svg+xml":
      return imageTag("image/svg+xml", svgToBase64(text), metadata[mime]);
    default:
      return imageTag(mime, text.replace(/\s/g, ""), metadata[mime]);
  }
}

function imageTag(mime: string, base64: string, metadata: unknown): string {
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(base64)) {
    return `<pre class="unknown">(${escapeHtml(mime)} output is not valid base64; not shown)</pre>`;
  }
  const size = (metadata ?? {}) as { width?: unknown; height?: unknown };
  const width = typeof size.width === "number" ? ` width="${size.width}"` : "";
  const height = typeof size.height === "number" ? ` height="${size.height}"` : "";
  return `<img src="data:${mime};base64,${base64}" alt=""${width}${height}>`;
}

/**
 * Encodes SVG text for an `<img>` data URL (where its scripts cannot run), adding the SVG
 * namespace that Observable Plot leaves out and without which browsers refuse the image.
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

function renderError(name: string, value: string, traceback: string[]): string {
  const summary = `${name}: ${value}`;
  const lines = traceback.filter((line) => stripAnsi(line).trim() !== summary.trim());
  const trace = lines.length > 0
    ? `\n<pre class="traceback">${ansiToHtml(lines.join("\n"))}</pre>`
    : "";
  return `<div class="error"><div class="error-summary">${escapeHtml(summary)}</div>${trace}</div>`;
}
