/** Rendering of one notebook as a complete, self-contained HTML page. */

import { escapeHtml } from "./escape.ts";
import { highlightTypeScript } from "./highlight.ts";
import { markdownToHtml } from "./markdown.ts";
import { firstHeading, joinText, type Notebook, type NotebookCell } from "./notebook.ts";
import { renderOutput } from "./outputs.ts";
import { PAGE_CSS } from "./styles.ts";

/** Options for {@link renderNotebookPage}. */
export interface NotebookPageOptions {
  /** The notebook's file name, shown in the footer and used as title when it has no heading. */
  sourceName: string;
  /** Where the header's "all notebooks" link points; no header link when undefined. */
  indexHref?: string;
}

const SCRIPT_LANGUAGES = /^(typescript|javascript|ts|js)$/i;

/** Renders a notebook (markdown, code with execution counts, and outputs) as one HTML page. */
export function renderNotebookPage(notebook: Notebook, options: NotebookPageOptions): string {
  const title = firstHeading(notebook) ?? options.sourceName.replace(/\.ipynb$/, "");
  const language = notebook.metadata.language_info?.name ??
    notebook.metadata.kernelspec?.language ?? "typescript";
  const usedIds = new Set<string>();
  const cells = notebook.cells.map((cell) => renderCell(cell, language, usedIds)).join("\n");
  const header = options.indexHref === undefined
    ? ""
    : `<header class="site-header"><a href="${
      escapeHtml(options.indexHref)
    }">← All notebooks</a></header>\n`;
  const footer = `<footer class="site-footer">Rendered from <code>${
    escapeHtml(options.sourceName)
  }</code> with its stored outputs.</footer>`;
  return htmlDocument(title, `${header}<main class="notebook">\n${cells}\n</main>\n${footer}`);
}

/** Wraps a body in a complete HTML document with the page CSS inlined. */
export function htmlDocument(title: string, body: string): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>${PAGE_CSS}</style>
</head>
<body>
${body}
</body>
</html>
`;
}

function renderCell(cell: NotebookCell, language: string, usedIds: Set<string>): string {
  const source = joinText(cell.source);
  switch (cell.cell_type) {
    case "markdown":
      return `<div class="cell markdown">\n${
        markdownToHtml(source, { attachments: cell.attachments, usedIds })
      }\n</div>`;
    case "raw":
      return `<div class="cell raw"><pre>${escapeHtml(source)}</pre></div>`;
    case "code": {
      const code = SCRIPT_LANGUAGES.test(language)
        ? highlightTypeScript(source)
        : escapeHtml(source);
      const prompt = `In [${cell.execution_count ?? " "}]:`;
      const input = `<div class="input-row"><div class="prompt">${prompt}</div>` +
        `<pre class="source"><code>${code}</code></pre></div>`;
      const outputs = cell.outputs.map((output) => renderOutput(output, usedIds)).join("\n");
      return `<div class="cell code">\n${input}\n${outputs}\n</div>`;
    }
  }
}
