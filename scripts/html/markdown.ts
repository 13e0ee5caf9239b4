/**
 * Markdown cells rendered with markdown-it (CommonMark plus GFM tables, strikethrough and bare
 * links), math typeset with KaTeX (`$…$` and `$$…$$`, as Jupyter's MathJax reads them), heading
 * anchors from markdown-it-anchor and fenced code highlighted with highlight.js. Raw HTML in a
 * cell is shown as text and only the URLs {@link isSafeUrl} accepts become links or images, so a
 * cell cannot inject script into the page.
 */

import katexPluginModule from "@vscode/markdown-it-katex";
import katex from "katex";
import MarkdownIt from "markdown-it";
import anchor from "markdown-it-anchor";
import { escapeHtml, isSafeUrl } from "./escape.ts";
import { highlightCode } from "./highlight.ts";

/** The math plugin: a CommonJS module with `exports.default`, which Deno's default import wraps. */
const markdownItKatex = katexPluginModule.default;

/** A markdown cell's `attachments`: name → MIME type → base64 data. */
export type Attachments = Record<string, Record<string, string>>;

/** Renders the markdown of one page; heading ids stay unique across all its calls. */
export type MarkdownRenderer = (markdown: string, attachments?: Attachments) => string;

/**
 * Makes the markdown renderer of one page. Problems that would otherwise render wrong without a
 * word (a formula KaTeX cannot typeset, a missing attachment) are reported through `warn`.
 */
export function markdownRenderer(warn: (message: string) => void): MarkdownRenderer {
  const md = new MarkdownIt({
    html: false,
    linkify: true,
    highlight: (code, language) => highlightCode(code, language),
  });
  md.validateLink = isSafeUrl;
  const normalizeLink = md.normalizeLink.bind(md);
  md.normalizeLink = (url) => normalizeLink(notebookLinkToPage(url));
  md.use(markdownItKatex, { katex: reportingKatex(warn), throwOnError: false });
  md.use(anchor, {
    slugify,
    tabIndex: false,
    permalink: anchor.permalink.linkInsideHeader({
      symbol: "¶",
      class: "anchor",
      ariaHidden: false,
      renderAttrs: () => ({ "aria-label": "Link to this section" }),
    }),
  });
  const renderImage = md.renderer.rules.image!;
  md.renderer.rules.image = (tokens, index, options, env, self) => {
    const token = tokens[index];
    const src = String(token.attrGet("src") ?? "");
    if (src.startsWith("attachment:")) {
      const dataUrl = attachmentDataUrl(src, (env as CellEnv).attachments, warn);
      if (dataUrl === undefined) return escapeHtml(`[${token.content}]`);
      token.attrSet("src", dataUrl);
    }
    return renderImage(tokens, index, options, env, self);
  };
  // markdown-it-anchor keeps the ids it has given out in env.markdownItAnchor: one per page.
  const anchorState = {};
  return (markdown, attachments = {}) => {
    const env: CellEnv = { attachments, markdownItAnchor: anchorState };
    return md.render(markdown, env);
  };
}

type CellEnv = {
  attachments: Attachments;
  markdownItAnchor: object;
};

/** KaTeX with its errors and strict-mode remarks reported through `warn` instead of the console. */
function reportingKatex(warn: (message: string) => void): typeof katex {
  const renderToString: typeof katex.renderToString = (tex, options) => {
    const strict = (code: string, message: string) => {
      warn(`KaTeX (${code}) in "${tex}": ${message}`);
      return "ignore" as const;
    };
    try {
      return katex.renderToString(tex, { ...options, strict, throwOnError: true });
    } catch (error) {
      warn(`a formula KaTeX cannot typeset, shown as its source: ${(error as Error).message}`);
      return `<code class="katex-error">${escapeHtml(tex)}</code>`;
    }
  };
  return { ...katex, renderToString };
}

/** Makes an anchor id from a heading's text: lower-case words joined by "-". */
function slugify(text: string): string {
  const slug = text.trim().toLowerCase().replace(/[^\p{L}\p{N}\s_-]/gu, "").replace(/\s+/g, "-");
  return slug === "" ? "section" : slug;
}

/** Points a relative link to another notebook (`setup.ipynb#data`) at its page (`setup.html#data`). */
function notebookLinkToPage(url: string): string {
  if (/^[a-z][a-z0-9+.-]*:/i.test(url) || url.startsWith("/")) return url;
  return url.replace(/\.ipynb(?=$|[#?])/, ".html");
}

/** `attachment:NAME` as a data URL from the cell's attachments; undefined (and a warning) if absent. */
function attachmentDataUrl(
  src: string,
  attachments: Attachments,
  warn: (message: string) => void,
): string | undefined {
  const name = decodeURIComponent(src.slice("attachment:".length));
  const bundle = attachments[name] ?? {};
  const mime = Object.keys(bundle).find((type) => /^image\/(png|jpeg|gif|webp)$/.test(type));
  if (mime === undefined) {
    warn(`the image attachment "${name}" is not in the cell's attachments (PNG, JPEG, GIF, WebP)`);
    return undefined;
  }
  return `data:${mime};base64,${bundle[mime].replace(/\s/g, "")}`;
}
