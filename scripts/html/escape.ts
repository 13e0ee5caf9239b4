/** Text escaping and the URL policy shared by every HTML renderer in this folder. */

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

/** URL schemes a link or image in a notebook may use; `attachment:` is resolved to a data URL. */
export const SAFE_SCHEMES = ["http", "https", "mailto", "attachment"];
const SAFE_IMAGE_DATA_URL = /^data:image\/(png|jpeg|gif|webp);base64,/i;

/**
 * True when `url` is safe as a link or image target: one of {@link SAFE_SCHEMES}, a relative path
 * or an in-page anchor, or a base64 raster-image data URL. A `javascript:` link written in a
 * markdown cell fails, so it cannot run code in the reader's browser.
 */
export function isSafeUrl(url: string): boolean {
  const trimmed = url.trim();
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(trimmed)?.[1]?.toLowerCase();
  return scheme === undefined || SAFE_SCHEMES.includes(scheme) ||
    SAFE_IMAGE_DATA_URL.test(trimmed);
}
