/**
 * A small, safe markdown renderer for notebook markdown cells: the CommonMark/GFM subset that
 * tutorials use (headings, paragraphs, emphasis, inline code, fenced and indented code, lists,
 * links, images, tables, block quotes, rules). Raw HTML in the markdown is shown as text and
 * unsafe link schemes are replaced, so a cell cannot inject script into the page.
 */

import { escapeHtml, safeUrl } from "./escape.ts";
import { highlightTypeScript } from "./highlight.ts";

/** Options for {@link markdownToHtml}. */
export interface MarkdownOptions {
  /** The cell's `attachments` (name → MIME type → base64), resolving `attachment:NAME` images. */
  attachments?: Record<string, Record<string, string>>;
  /** Heading ids already used on the page; new ids are added so every anchor stays unique. */
  usedIds?: Set<string>;
}

/** Renders markdown text as an HTML fragment (see the module comment for what is supported). */
export function markdownToHtml(markdown: string, options: MarkdownOptions = {}): string {
  const context: RenderContext = {
    attachments: options.attachments ?? {},
    usedIds: options.usedIds ?? new Set(),
  };
  const lines = markdown.replace(/\r\n?/g, "\n").replace(/\t/g, "    ").split("\n");
  return renderBlocks(lines, context, false);
}

interface RenderContext {
  attachments: Record<string, Record<string, string>>;
  usedIds: Set<string>;
}

const FENCE_OPEN = /^( {0,3})(`{3,}|~{3,})\s*([^`\s]*)[^`]*$/;
const ATX_HEADING = /^ {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$/;
const THEMATIC_BREAK = /^ {0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*$/;
const BLOCK_QUOTE = /^ {0,3}> ?/;
const LIST_ITEM = /^( {0,3})([-*+]|\d{1,9}[.)])( +|$)(.*)$/;
const TABLE_DELIMITER = /^ {0,3}\|?\s*:?-+:?\s*(\|\s*:?-+:?\s*)*\|?\s*$/;
const SETEXT_UNDERLINE = /^ {0,3}(=+|-+)[ \t]*$/;
const INDENTED_CODE = /^ {4}/;

function isBlank(line: string): boolean {
  return line.trim() === "";
}

/** Renders a run of lines as block elements; in a tight list item paragraphs lose their `<p>`. */
function renderBlocks(lines: string[], context: RenderContext, tight: boolean): string {
  const html: string[] = [];
  let i = 0;
  while (i < lines.length) {
    const line = lines[i];
    if (isBlank(line)) {
      i++;
      continue;
    }
    const fence = FENCE_OPEN.exec(line);
    if (fence) {
      i = renderFence(lines, i, fence, html);
      continue;
    }
    const heading = ATX_HEADING.exec(line);
    if (heading) {
      html.push(renderHeading(heading[1].length, heading[2] ?? "", context));
      i++;
      continue;
    }
    if (THEMATIC_BREAK.test(line)) {
      html.push("<hr>");
      i++;
      continue;
    }
    if (BLOCK_QUOTE.test(line)) {
      const quoted: string[] = [];
      while (i < lines.length && BLOCK_QUOTE.test(lines[i])) {
        quoted.push(lines[i].replace(BLOCK_QUOTE, ""));
        i++;
      }
      html.push(`<blockquote>\n${renderBlocks(quoted, context, false)}\n</blockquote>`);
      continue;
    }
    if (LIST_ITEM.test(line)) {
      i = renderList(lines, i, context, html);
      continue;
    }
    if (line.includes("|") && i + 1 < lines.length && TABLE_DELIMITER.test(lines[i + 1])) {
      i = renderTable(lines, i, context, html);
      continue;
    }
    if (INDENTED_CODE.test(line)) {
      const code: string[] = [];
      while (i < lines.length && (INDENTED_CODE.test(lines[i]) || isBlank(lines[i]))) {
        code.push(lines[i].slice(4));
        i++;
      }
      while (code.length > 0 && isBlank(code[code.length - 1])) code.pop();
      html.push(`<pre><code>${escapeHtml(code.join("\n"))}</code></pre>`);
      continue;
    }
    i = renderParagraph(lines, i, context, tight, html);
  }
  return html.join("\n");
}

function renderFence(lines: string[], start: number, fence: RegExpExecArray, html: string[]) {
  const [, indent, marker, language] = fence;
  const closing = new RegExp(`^ {0,3}${marker[0] === "`" ? "`" : "~"}{${marker.length},}\\s*$`);
  const code: string[] = [];
  let i = start + 1;
  while (i < lines.length && !closing.test(lines[i])) {
    code.push(lines[i].startsWith(indent) ? lines[i].slice(indent.length) : lines[i].trimStart());
    i++;
  }
  const source = code.join("\n");
  const isScript = /^(ts|typescript|js|javascript|tsx|jsx)$/i.test(language);
  const body = isScript ? highlightTypeScript(source) : escapeHtml(source);
  const languageClass = language ? ` class="language-${escapeHtml(language)}"` : "";
  html.push(`<pre><code${languageClass}>${body}</code></pre>`);
  return i + 1;
}

function renderHeading(level: number, text: string, context: RenderContext): string {
  const inner = renderInline(text.trim(), context);
  const id = uniqueId(slugify(inner), context.usedIds);
  return `<h${level} id="${id}">${inner}<a class="anchor" href="#${id}" aria-label="Link to this section">¶</a></h${level}>`;
}

/** Makes an anchor id from rendered heading HTML, the way Jupyter does: words joined by "-". */
function slugify(headingHtml: string): string {
  const text = headingHtml.replace(/<[^>]*>/g, "").replace(/&[a-z0-9#]+;/gi, "");
  const slug = text.trim().toLowerCase().replace(/[^\p{L}\p{N}\s_-]/gu, "").replace(/\s+/g, "-");
  return slug === "" ? "section" : slug;
}

function uniqueId(base: string, used: Set<string>): string {
  let id = base;
  for (let n = 1; used.has(id); n++) id = `${base}-${n}`;
  used.add(id);
  return id;
}

/** True when `line` starts a block that ends a paragraph without a blank line in between. */
function interruptsParagraph(line: string): boolean {
  if (FENCE_OPEN.test(line) || ATX_HEADING.test(line) || THEMATIC_BREAK.test(line)) return true;
  if (BLOCK_QUOTE.test(line)) return true;
  const item = LIST_ITEM.exec(line);
  return item !== null && item[4].trim() !== "" && /^([-*+]|1[.)])$/.test(item[2]);
}

function renderParagraph(
  lines: string[],
  start: number,
  context: RenderContext,
  tight: boolean,
  html: string[],
): number {
  const text: string[] = [lines[start]];
  let i = start + 1;
  while (i < lines.length && !isBlank(lines[i])) {
    const setext = SETEXT_UNDERLINE.exec(lines[i]);
    if (setext) {
      const level = setext[1][0] === "=" ? 1 : 2;
      html.push(renderHeading(level, text.map((line) => line.trim()).join(" "), context));
      return i + 1;
    }
    if (interruptsParagraph(lines[i])) break;
    if (lines[i].includes("|") && i + 1 < lines.length && TABLE_DELIMITER.test(lines[i + 1])) {
      break;
    }
    text.push(lines[i]);
    i++;
  }
  const inner = renderInline(
    text.map((line) => line.replace(/^ +/, "")).join("\n").trimEnd(),
    context,
  );
  html.push(tight ? inner : `<p>${inner}</p>`);
  return i;
}

interface ListMarker {
  ordered: boolean;
  /** The bullet character, or the delimiter ("." or ")") after an ordered item's number. */
  symbol: string;
  start: number;
  /** Columns from the line start to the item's content. */
  contentIndent: number;
}

function parseListMarker(line: string): ListMarker | undefined {
  const match = LIST_ITEM.exec(line);
  if (!match) return undefined;
  const [, indent, marker, spacing] = match;
  const ordered = /\d/.test(marker);
  const padding = spacing.length === 0 || spacing.length > 4 ? 1 : spacing.length;
  return {
    ordered,
    symbol: ordered ? marker[marker.length - 1] : marker,
    start: ordered ? Number(marker.slice(0, -1)) : 1,
    contentIndent: indent.length + marker.length + padding,
  };
}

function sameList(a: ListMarker, b: ListMarker): boolean {
  return a.ordered === b.ordered && a.symbol === b.symbol;
}

function renderList(lines: string[], start: number, context: RenderContext, html: string[]) {
  const first = parseListMarker(lines[start])!;
  const items: string[][] = [];
  let loose = false;
  let i = start;
  while (i < lines.length) {
    const marker = parseListMarker(lines[i]);
    if (!marker || !sameList(marker, first)) break;
    const item: string[] = [lines[i].slice(marker.contentIndent)];
    i++;
    let sawBlank = false;
    while (i < lines.length) {
      const line = lines[i];
      if (isBlank(line)) {
        sawBlank = true;
        item.push("");
        i++;
        continue;
      }
      const indent = line.length - line.trimStart().length;
      if (indent >= marker.contentIndent) {
        if (sawBlank) loose = true;
        item.push(line.slice(marker.contentIndent));
      } else if (!sawBlank && !parseListMarker(line) && !interruptsParagraph(line)) {
        item.push(line.trimStart()); // lazy continuation of the item's paragraph
      } else {
        break;
      }
      sawBlank = false;
      i++;
    }
    while (item.length > 0 && isBlank(item[item.length - 1])) item.pop();
    items.push(item);
    const next = i < lines.length ? parseListMarker(lines[i]) : undefined;
    if (sawBlank && next && sameList(next, first)) loose = true;
  }
  const tag = first.ordered ? "ol" : "ul";
  const startAttribute = first.ordered && first.start !== 1 ? ` start="${first.start}"` : "";
  const body = items
    .map((item) => `<li>${renderBlocks(item, context, !loose)}</li>`)
    .join("\n");
  html.push(`<${tag}${startAttribute}>\n${body}\n</${tag}>`);
  return i;
}

function splitTableRow(line: string): string[] {
  let row = line.trim();
  if (row.startsWith("|")) row = row.slice(1);
  if (row.endsWith("|") && !row.endsWith("\\|")) row = row.slice(0, -1);
  const cells: string[] = [];
  let cell = "";
  let inCode = false;
  for (let i = 0; i < row.length; i++) {
    const char = row[i];
    if (char === "\\" && row[i + 1] === "|") {
      cell += "|";
      i++;
    } else if (char === "`") {
      inCode = !inCode;
      cell += char;
    } else if (char === "|" && !inCode) {
      cells.push(cell.trim());
      cell = "";
    } else {
      cell += char;
    }
  }
  cells.push(cell.trim());
  return cells;
}

function renderTable(lines: string[], start: number, context: RenderContext, html: string[]) {
  const header = splitTableRow(lines[start]);
  const alignments = splitTableRow(lines[start + 1]).map((cell) => {
    const left = cell.startsWith(":");
    const right = cell.endsWith(":");
    return left && right ? "center" : right ? "right" : left ? "left" : "";
  });
  const cell = (tag: string, text: string, column: number) => {
    const align = alignments[column] ? ` style="text-align: ${alignments[column]}"` : "";
    return `<${tag}${align}>${renderInline(text, context)}</${tag}>`;
  };
  const rows: string[] = [];
  let i = start + 2;
  while (i < lines.length && !isBlank(lines[i]) && lines[i].includes("|")) {
    const cells = splitTableRow(lines[i]);
    rows.push(
      `<tr>${header.map((_, column) => cell("td", cells[column] ?? "", column)).join("")}</tr>`,
    );
    i++;
  }
  const head = `<tr>${header.map((text, column) => cell("th", text, column)).join("")}</tr>`;
  const body = rows.length > 0 ? `\n<tbody>\n${rows.join("\n")}\n</tbody>` : "";
  html.push(`<table>\n<thead>\n${head}\n</thead>${body}\n</table>`);
  return i;
}

/** Renders inline markdown: code spans, links, images, autolinks, emphasis, line breaks. */
function renderInline(text: string, context: RenderContext): string {
  const pieces: string[] = [];
  const placeholder = (html: string) => `\uE000${pieces.push(html) - 1}\uE000`;
  let plain = "";
  let i = 0;
  while (i < text.length) {
    const rest = text.slice(i);
    const char = text[i];
    if (char === "\\" && /^\\[!-/:-@[-`{-~]/.test(rest)) {
      plain += placeholder(escapeHtml(rest[1]));
      i += 2;
    } else if (char === "\\" && rest[1] === "\n") {
      plain += placeholder("<br>\n");
      i += 2;
    } else if (char === "`") {
      const ticks = /^`+/.exec(rest)![0];
      const end = rest.indexOf(ticks, ticks.length);
      if (end < 0 || rest[end + ticks.length] === "`") {
        plain += ticks;
        i += ticks.length;
        continue;
      }
      let code = rest.slice(ticks.length, end).replace(/\n/g, " ");
      if (/^ .*[^ ].* $/.test(code)) code = code.slice(1, -1);
      plain += placeholder(`<code>${escapeHtml(code)}</code>`);
      i += end + ticks.length;
    } else if (char === "<" && /^<(https?:\/\/|mailto:)[^\s<>]*>/i.test(rest)) {
      const url = /^<([^>]*)>/.exec(rest)![1];
      plain += placeholder(`<a href="${escapeHtml(safeUrl(url, "link"))}">${escapeHtml(url)}</a>`);
      i += url.length + 2;
    } else if ((char === "[" || (char === "!" && rest[1] === "[")) && parseLink(rest)) {
      const link = parseLink(rest)!;
      plain += placeholder(renderLink(link, context));
      i += link.length;
    } else if (
      (char === "h" || char === "H") && /^https?:\/\//i.test(rest) && !/[\w/]$/.test(plain)
    ) {
      const url = bareUrl(rest);
      plain += placeholder(`<a href="${escapeHtml(url)}">${escapeHtml(url)}</a>`);
      i += url.length;
    } else if (char === "\uE000") {
      i++; // a private-use character in the source would be confused with a placeholder
    } else {
      plain += char;
      i++;
    }
  }
  const html = applyEmphasis(escapeHtml(plain)).replace(/ {2,}\n/g, "<br>\n");
  return html.replace(/\uE000(\d+)\uE000/g, (_, index) => pieces[Number(index)]);
}

interface ParsedLink {
  isImage: boolean;
  label: string;
  url: string;
  title?: string;
  /** Characters of the source the link spans. */
  length: number;
}

function parseLink(text: string): ParsedLink | undefined {
  const isImage = text[0] === "!";
  const open = isImage ? 1 : 0;
  let depth = 0;
  let close = -1;
  for (let i = open; i < text.length; i++) {
    if (text[i] === "\\") i++;
    else if (text[i] === "[") depth++;
    else if (text[i] === "]" && --depth === 0) {
      close = i;
      break;
    }
  }
  if (close < 0 || text[close + 1] !== "(") return undefined;
  const target = /^\(\s*(<[^>\n]*>|[^\s()]*(?:\([^\s()]*\)[^\s()]*)*)(?:\s+("[^"]*"|'[^']*'))?\s*\)/
    .exec(text.slice(close + 1));
  if (!target) return undefined;
  const url = target[1].startsWith("<") ? target[1].slice(1, -1) : target[1];
  return {
    isImage,
    label: text.slice(open + 1, close),
    url,
    title: target[2]?.slice(1, -1),
    length: close + 1 + target[0].length,
  };
}

function renderLink(link: ParsedLink, context: RenderContext): string {
  const title = link.title !== undefined ? ` title="${escapeHtml(link.title)}"` : "";
  if (link.isImage) {
    const src = resolveAttachment(link.url, context) ?? safeUrl(link.url, "image");
    const alt = escapeHtml(link.label.replace(/[*_`[\]]/g, ""));
    return `<img src="${escapeHtml(src)}" alt="${alt}"${title}>`;
  }
  const href = escapeHtml(safeUrl(notebookLinkToPage(link.url), "link"));
  return `<a href="${href}"${title}>${renderInline(link.label, context)}</a>`;
}

/** Points a relative link to another notebook (`setup.ipynb#data`) at its page (`setup.html#data`). */
function notebookLinkToPage(url: string): string {
  if (/^[a-z][a-z0-9+.-]*:/i.test(url) || url.startsWith("/")) return url;
  return url.replace(/\.ipynb(?=$|[#?])/, ".html");
}

/** Turns `attachment:NAME` into a data URL from the cell's attachments, if it has that image. */
function resolveAttachment(url: string, context: RenderContext): string | undefined {
  if (!url.startsWith("attachment:")) return undefined;
  const bundle = context.attachments[decodeURIComponent(url.slice("attachment:".length))];
  const mime = bundle && Object.keys(bundle).find((type) => type.startsWith("image/"));
  if (!mime) return undefined;
  const data = bundle[mime].replace(/\s/g, "");
  return safeUrl(`data:${mime};base64,${data}`, "image");
}

/** The URL at the start of `text`, without trailing punctuation or an unbalanced ")". */
function bareUrl(text: string): string {
  let url = /^[^\s<>]+/.exec(text)![0];
  for (;;) {
    const opens = url.split("(").length;
    const closes = url.split(")").length;
    if (/[.,;:!?'"*_]$/.test(url) || (url.endsWith(")") && closes > opens)) url = url.slice(0, -1);
    else return url;
  }
}

/** Applies `**strong**`, `__strong__`, `*em*`, `_em_` and `~~del~~` to escaped text. */
function applyEmphasis(html: string): string {
  return html
    .replace(/\*\*(?=\S)([\s\S]*?\S)\*\*/g, "<strong>$1</strong>")
    .replace(/(?<![\p{L}\p{N}_])__(?=\S)([\s\S]*?\S)__(?![\p{L}\p{N}_])/gu, "<strong>$1</strong>")
    .replace(/\*(?=[^\s*])([\s\S]*?[^\s*])\*/g, "<em>$1</em>")
    .replace(/(?<![\p{L}\p{N}_])_(?=[^\s_])([\s\S]*?[^\s_])_(?![\p{L}\p{N}_])/gu, "<em>$1</em>")
    .replace(/~~(?=\S)([\s\S]*?\S)~~/g, "<del>$1</del>");
}
