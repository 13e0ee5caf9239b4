/** Rendering of one notebook as a complete, self-contained HTML page. */

import { escapeHtml } from "./escape.ts";
import { highlightCode } from "./highlight.ts";
import { markdownRenderer } from "./markdown.ts";
import { firstHeading, joinText, type Notebook, type NotebookCell } from "./notebook.ts";
import { type OutputContext, renderOutput } from "./outputs.ts";
import { CODE_CSS, katexCss, PAGE_CSS } from "./styles.ts";

/** Options for {@link renderNotebookPage}. */
export interface NotebookPageOptions {
  /** The notebook's file name, shown in the footer and used as title when it has no heading. */
  sourceName: string;
  /** Where the header's "all notebooks" link points; no header link when undefined. */
  indexHref?: string;
}

/** A rendered notebook page and what could not be shown faithfully on it. */
export interface RenderedPage {
  /** The complete HTML document. */
  html: string;
  /** One line per problem, naming the cell (e.g. "cell 4: an HTML output had <script> removed"). */
  warnings: string[];
}

/** Renders a notebook (markdown, code with execution counts, and outputs) as one HTML page. */
export function renderNotebookPage(notebook: Notebook, options: NotebookPageOptions): RenderedPage {
  const title = firstHeading(notebook) ?? options.sourceName.replace(/\.ipynb$/, "");
  const language = notebook.metadata.language_info?.name ??
    notebook.metadata.kernelspec?.language ?? "typescript";
  const warnings: string[] = [];
  let where = "";
  const warn = (message: string) => warnings.push(`${where}: ${message}`);
  const context: OutputContext = { renderMarkdown: markdownRenderer(warn), warn };
  const cells = notebook.cells.map((cell, index) => {
    where = `cell ${index + 1}`;
    return renderCell(cell, language, context);
  }).join("\n");
  const header = options.indexHref === undefined
    ? ""
    : `<header class="site-header"><a href="${
      escapeHtml(options.indexHref)
    }">← All notebooks</a></header>\n`;
  const footer = `<footer class="site-footer">Rendered from <code>${
    escapeHtml(options.sourceName)
  }</code> with its stored outputs.</footer>`;
  const body = `${header}<main class="notebook">\n${cells}\n</main>\n${footer}`;
  const hasMath = cells.includes('<span class="katex">');
  return { html: htmlDocument(title, body, hasMath ? katexCss() : ""), warnings };
}

/** Wraps a body in a complete HTML document with the page CSS (and `extraCss`) inlined. */
export function htmlDocument(title: string, body: string, extraCss = ""): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>${PAGE_CSS}\n${CODE_CSS}\n${extraCss}</style>
</head>
<body>
${body}
</body>
</html>
`;
}

function renderCell(cell: NotebookCell, language: string, context: OutputContext): string {
  const source = joinText(cell.source);
  switch (cell.cell_type) {
    case "markdown":
      return `<div class="cell markdown">\n${
        context.renderMarkdown(source, cell.attachments)
      }\n</div>`;
    case "raw":
      return `<div class="cell raw"><pre>${escapeHtml(source)}</pre></div>`;
    case "code": {
      const prompt = `In [${cell.execution_count ?? " "}]:`;
      const input = `<div class="input-row"><div class="prompt">${prompt}</div>` +
        `<pre class="source"><code>${highlightCode(source, language)}</code></pre></div>`;
      const outputs = cell.outputs.map((output) => renderOutput(output, context)).join("\n");
      return `<div class="cell code">\n${input}\n${outputs}\n</div>`;
    }
  }
}
