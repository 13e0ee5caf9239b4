/** Conversion of ANSI terminal colour codes (as in Deno's error tracebacks) to HTML. */

import { escapeHtml } from "./escape.ts";

const COLOUR_NAMES = ["black", "red", "green", "yellow", "blue", "magenta", "cyan", "white"];

const ESCAPE = "\u001b";
/** Matches every CSI escape sequence; only SGR ones (ending in "m") change the style. */
const CSI_SEQUENCE = new RegExp(`${ESCAPE}\\[([0-9;?]*)([A-Za-z])`, "g");
/** Matches a stray escape character and the one character after it (other escape kinds). */
const OTHER_ESCAPE = new RegExp(`${ESCAPE}.?`, "g");

interface AnsiStyle {
  bold: boolean;
  italic: boolean;
  underline: boolean;
  foreground?: string;
  background?: string;
}

/** Removes every ANSI escape sequence from `text`. */
export function stripAnsi(text: string): string {
  return text.replace(CSI_SEQUENCE, "").replace(OTHER_ESCAPE, "");
}

/**
 * Escapes `text` for HTML and turns its ANSI colour/bold codes into `<span class="ansi-…">`
 * elements (styled by the page's CSS); other escape sequences are dropped.
 */
export function ansiToHtml(text: string): string {
  let style: AnsiStyle = { bold: false, italic: false, underline: false };
  let html = "";
  let last = 0;
  for (const match of text.matchAll(CSI_SEQUENCE)) {
    html += styledText(text.slice(last, match.index), style);
    last = match.index + match[0].length;
    if (match[2] === "m") style = applySgr(style, match[1]);
  }
  return html + styledText(text.slice(last), style);
}

function styledText(text: string, style: AnsiStyle): string {
  const clean = escapeHtml(text.replace(OTHER_ESCAPE, ""));
  const classes = [
    style.bold ? "ansi-bold" : "",
    style.italic ? "ansi-italic" : "",
    style.underline ? "ansi-underline" : "",
    style.foreground ? `ansi-fg-${style.foreground}` : "",
    style.background ? `ansi-bg-${style.background}` : "",
  ].filter((name) => name !== "");
  if (clean === "" || classes.length === 0) return clean;
  return `<span class="${classes.join(" ")}">${clean}</span>`;
}

function applySgr(style: AnsiStyle, parameters: string): AnsiStyle {
  const codes = parameters === "" ? [0] : parameters.split(";").map(Number);
  let next = { ...style };
  for (let i = 0; i < codes.length; i++) {
    const code = codes[i];
    if (code === 0) next = { bold: false, italic: false, underline: false };
    else if (code === 1) next.bold = true;
    else if (code === 3) next.italic = true;
    else if (code === 4) next.underline = true;
    else if (code === 22) next.bold = false;
    else if (code === 23) next.italic = false;
    else if (code === 24) next.underline = false;
    else if (code >= 30 && code <= 37) next.foreground = COLOUR_NAMES[code - 30];
    else if (code >= 90 && code <= 97) next.foreground = `bright-${COLOUR_NAMES[code - 90]}`;
    else if (code === 39) next.foreground = undefined;
    else if (code >= 40 && code <= 47) next.background = COLOUR_NAMES[code - 40];
    else if (code >= 100 && code <= 107) next.background = `bright-${COLOUR_NAMES[code - 100]}`;
    else if (code === 49) next.background = undefined;
    else if (code === 38 || code === 48) i += codes[i + 1] === 5 ? 2 : 4; // 256/true colour: skipped
  }
  return next;
}
