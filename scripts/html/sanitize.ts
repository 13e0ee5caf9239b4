/**
 * Sanitising of `text/html` outputs with sanitize-html: tables, progress bars and text markup
 * stay; scripts, event handlers, frames, forms and unsafe URLs are removed, so an output cannot
 * run code in the reader's browser.
 */

import sanitizeHtml from "sanitize-html";

const ALLOWED_TAGS = [
  ...sanitizeHtml.defaults.allowedTags,
  "img",
  "progress",
  "details",
  "summary",
];

const LENGTH = /^-?[\d.]+(px|em|rem|ch|ex|%)?$/;
const COLOUR = /^(#[0-9a-f]{3,8}|[a-z]+|rgba?\([\d\s.,%]+\)|hsla?\([\d\s.,%deg]+\))$/i;

const POLICY: sanitizeHtml.IOptions = {
  allowedTags: ALLOWED_TAGS,
  allowedAttributes: {
    "*": ["style", "class", "title", "align", "valign"],
    a: ["href", "name"],
    img: ["src", "alt", "width", "height"],
    progress: ["value", "max"],
    td: ["colspan", "rowspan"],
    th: ["colspan", "rowspan", "scope"],
    ol: ["start"],
    col: ["span"],
    colgroup: ["span"],
  },
  allowedSchemes: ["http", "https", "mailto"],
  allowedSchemesByTag: { img: ["data"] },
  allowedStyles: {
    "*": {
      "text-align": [/^(left|right|center|justify|start|end)$/],
      "vertical-align": [/^[a-z-]+$/],
      "white-space": [/^[a-z-]+$/],
      "font-family": [/^[\w\s,"'-]+$/],
      "font-weight": [/^(normal|bold|bolder|lighter|\d{3})$/],
      "font-style": [/^(normal|italic|oblique)$/],
      "font-size": [LENGTH],
      width: [LENGTH],
      "max-width": [LENGTH],
      height: [LENGTH],
      padding: [/^[\d.\s\w%]+$/],
      margin: [/^[\d.\s\w%-]+$/],
      color: [COLOUR],
      "background-color": [COLOUR],
      border: [/^[\w\s.#%(),]+$/],
    },
  },
};

/**
 * Returns `html` with everything outside the allow-list removed; each element kind removed is
 * reported once through `warn`, so a reader's copy never silently differs from the notebook.
 */
export function sanitizeOutputHtml(html: string, warn: (message: string) => void): string {
  const removed = new Set<string>();
  const clean = sanitizeHtml(html, {
    ...POLICY,
    onOpenTag: (name) => {
      if (!ALLOWED_TAGS.includes(name)) removed.add(name);
    },
  });
  if (removed.size > 0) {
    const tags = [...removed].map((name) => `<${name}>`).join(", ");
    warn(`an HTML output had ${tags} removed (not allowed in a static page)`);
  }
  return clean;
}
