/** Text escaping and URL checks shared by every HTML renderer in this folder. */

const HTML_ESCAPES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
};

/** Escapes text for use in HTML element content or a quoted attribute, so no markup gets through. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => HTML_ESCAPES[char]);
}

const SAFE_SCHEMES = new Set(["http", "https", "mailto"]);
const SAFE_IMAGE_DATA_URL = /^data:image\/(png|jpeg|gif|webp|svg\+xml);base64,[A-Za-z0-9+/=\s]*$/i;

/**
 * Returns `url` when it is safe as a link or image target (http, https, mailto, a relative path or
 * an in-page anchor; for images also a base64 data URL), otherwise "#", so a `javascript:` link
 * written in a markdown cell cannot run code in the reader's browser.
 */
export function safeUrl(url: string, kind: "link" | "image"): string {
  const trimmed = url.trim();
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(trimmed)?.[1]?.toLowerCase();
  if (scheme === undefined || SAFE_SCHEMES.has(scheme)) return trimmed;
  if (kind === "image" && SAFE_IMAGE_DATA_URL.test(trimmed)) return trimmed;
  return "#";
}
