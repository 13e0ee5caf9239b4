/** Syntax highlighting of code cells and fenced code with highlight.js (its common languages). */

// @ts-types="./highlight_js.d.ts"
import hljs from "highlight.js/lib/common";
import { escapeHtml } from "./escape.ts";

/**
 * Returns `source` as HTML for a `<pre><code>` element: highlighted when highlight.js
 * knows `language` (e.g. "typescript", "ts", "python"), otherwise escaped as it is.
 */
export function highlightCode(source: string, language: string): string {
  if (language === "" || hljs.getLanguage(language) === undefined) return escapeHtml(source);
  return hljs.highlight(source, { language, ignoreIllegals: true }).value;
}
