/** Rendering of the index page that lists the rendered notebooks. */

import { escapeHtml } from "./escape.ts";
import { htmlDocument } from "./page.ts";

/** One notebook on the index page. */
export interface IndexEntry {
  /** The notebook's first heading (or its file name when it has none). */
  title: string;
  /** The rendered page, relative to the index page. */
  href: string;
  /** The notebook's file name, shown under the title. */
  sourceName: string;
}

/** Renders `index.html`: a list of the notebooks, each titled by its first heading and linked. */
export function renderIndexPage(entries: IndexEntry[], title = "Notebooks"): string {
  const items = entries.map((entry) =>
    `<li><a href="${escapeHtml(entry.href)}">${escapeHtml(entry.title)}</a>` +
    `<span class="file">${escapeHtml(entry.sourceName)}</span></li>`
  ).join("\n");
  return htmlDocument(
    title,
    `<main>\n<h1>${escapeHtml(title)}</h1>\n<ul class="notebook-list">\n${items}\n</ul>\n</main>`,
  );
}
