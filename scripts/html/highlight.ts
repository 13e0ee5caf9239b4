/** A small syntax highlighter for the TypeScript/JavaScript source of code cells. */

import { escapeHtml } from "./escape.ts";

const KEYWORDS = new Set(
  ("abstract as async await break case catch class const continue debugger default delete do " +
    "else enum export extends false finally for from function if implements import in " +
    "instanceof interface let new null of private protected public readonly return satisfies " +
    "static super switch this throw true try type typeof undefined var void while yield")
    .split(" "),
);

const TOKEN = new RegExp(
  [
    String.raw`(?<comment>\/\/[^\n]*|\/\*[\s\S]*?(?:\*\/|$))`,
    String
      .raw`(?<string>"(?:[^"\\\n]|\\.)*"?|'(?:[^'\\\n]|\\.)*'?|\x60(?:[^\x60\\]|\\[\s\S])*\x60?)`,
    String
      .raw`(?<number>\b(?:0[xX][0-9a-fA-F_]+|0[bB][01_]+|\d[\d_]*(?:\.\d[\d_]*)?(?:[eE][+-]?\d+)?n?)\b|\.\d[\d_]*(?:[eE][+-]?\d+)?)`,
    String.raw`(?<word>[A-Za-z_$][\w$]*)`,
  ].join("|"),
  "g",
);

/**
 * Returns `source` as escaped HTML with comments, strings, numbers and keywords wrapped in
 * `<span class="tok-…">`, so code cells read like an editor's view. Everything else is escaped
 * verbatim; the result is safe to insert into a `<pre><code>` element.
 */
export function highlightTypeScript(source: string): string {
  let html = "";
  let last = 0;
  for (const match of source.matchAll(TOKEN)) {
    const groups = match.groups!;
    const kind = groups.comment !== undefined
      ? "comment"
      : groups.string !== undefined
      ? "string"
      : groups.number !== undefined
      ? "number"
      : KEYWORDS.has(match[0])
      ? "keyword"
      : undefined;
    if (kind === undefined) continue;
    html += escapeHtml(source.slice(last, match.index));
    html += `<span class="tok-${kind}">${escapeHtml(match[0])}</span>`;
    last = match.index + match[0].length;
  }
  return html + escapeHtml(source.slice(last));
}
