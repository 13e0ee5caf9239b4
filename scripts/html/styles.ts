/**
 * The CSS inlined into rendered pages, so pages work offline and need no other file: the page's
 * own layout, highlight.js's GitHub theme for code, and (on pages with math) KaTeX's stylesheet
 * with its fonts as data URLs.
 */

/** The page layout and typography, shared by notebook pages and the index page. */
export const PAGE_CSS = `
:root {
  --text: #1f2328; --muted: #59636e; --border: #d1d9e0; --code-bg: #f6f8fa;
  --link: #0969da; --error-bg: #fff0f0; --error: #b31d28; --accent: #8250df;
}
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; }
body {
  margin: 0; color: var(--text); background: #fff;
  font: 17px/1.6 Charter, "Bitstream Charter", "Sitka Text", Cambria, Georgia, serif;
}
main, .site-header, .site-footer { max-width: 980px; margin: 0 auto; padding: 0 24px; }
.site-header { padding-top: 16px; font: 14px/1.4 system-ui, sans-serif; }
.site-footer {
  padding-top: 24px; padding-bottom: 32px; color: var(--muted); font: 13px/1.4 system-ui, sans-serif;
}
a { color: var(--link); text-decoration: none; }
a:hover { text-decoration: underline; }
h1, h2, h3, h4, h5, h6 {
  font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; line-height: 1.25;
  margin: 1.4em 0 0.5em;
}
h1 { font-size: 2em; } h2 { font-size: 1.5em; border-bottom: 1px solid var(--border); padding-bottom: 0.2em; }
h3 { font-size: 1.25em; }
.anchor { visibility: hidden; margin-left: 0.3em; color: var(--muted); font-weight: normal; }
h1:hover .anchor, h2:hover .anchor, h3:hover .anchor, h4:hover .anchor { visibility: visible; }
code, pre, .prompt { font-family: ui-monospace, "DejaVu Sans Mono", Menlo, Consolas, monospace; }
code { font-size: 0.85em; background: var(--code-bg); padding: 0.1em 0.35em; border-radius: 4px; }
pre {
  font-size: 13.5px; line-height: 1.45; margin: 0; padding: 10px 14px; overflow-x: auto;
  white-space: pre; tab-size: 2;
}
pre code { background: none; padding: 0; font-size: inherit; }
.markdown pre { background: var(--code-bg); border-radius: 6px; margin: 1em 0; }
blockquote { margin: 1em 0; padding: 0 1em; color: var(--muted); border-left: 4px solid var(--border); }
table { border-collapse: collapse; margin: 1em 0; font-size: 0.9em; display: block; overflow-x: auto; }
th, td { border: 1px solid var(--border); padding: 5px 12px; }
th { background: var(--code-bg); }
tr:nth-child(even) td { background: #fafbfc; }
img, svg { max-width: 100%; height: auto; }
.katex-display { overflow-x: auto; overflow-y: hidden; }
code.katex-error { color: var(--error); }
hr { border: 0; border-top: 1px solid var(--border); margin: 2em 0; }
.cell { margin: 14px 0; }
.cell.markdown { padding-left: 88px; }
.input-row, .output-row { display: flex; align-items: flex-start; }
.prompt {
  flex: 0 0 88px; padding: 10px 8px 0 0; text-align: right; font-size: 12px; color: var(--muted);
  white-space: nowrap;
}
.input-row .prompt { color: var(--accent); }
.input-row .source {
  flex: 1; min-width: 0; background: var(--code-bg); border: 1px solid var(--border);
  border-radius: 6px;
}
.output { flex: 1; min-width: 0; padding: 4px 0; }
.output pre { padding: 6px 14px; }
.output .rich > table, .output .rich > div > table { font-family: system-ui, sans-serif; }
.output .rich { padding: 6px 14px; overflow-x: auto; }
.stream.stderr { background: #fff8e5; }
.error { background: var(--error-bg); border-left: 4px solid var(--error); border-radius: 4px; }
.error-summary { font: bold 14px/1.4 system-ui, sans-serif; color: var(--error); padding: 8px 14px 0; }
.error .traceback { padding-bottom: 10px; }
.unknown { color: var(--muted); font-style: italic; }
.notebook-list { list-style: none; padding: 0; }
.notebook-list li { padding: 14px 0; border-bottom: 1px solid var(--border); }
.notebook-list a { font: 600 1.15em/1.3 system-ui, sans-serif; }
.notebook-list .file { display: block; color: var(--muted); font: 13px/1.4 ui-monospace, monospace; }
@media (max-width: 700px) {
  main, .site-header, .site-footer { padding: 0 12px; }
  .cell.markdown { padding-left: 0; }
  .input-row, .output-row { display: block; }
  .prompt { padding: 0 0 2px; text-align: left; }
}
@media print {
  .anchor, .site-header { display: none; }
  pre { white-space: pre-wrap; }
}
`;

/** A file of an npm package in the import map (e.g. "katex/dist/katex.min.css"), read as bytes. */
function packageFile(specifier: string): Uint8Array {
  const url = import.meta.resolve(specifier);
  if (!url.startsWith("file:")) {
    throw new Error(
      `${specifier} resolves to ${url}, not a file: run \`deno install\` in the project ` +
        '(deno.json sets "nodeModulesDir": "auto") and try again.',
    );
  }
  return Deno.readFileSync(new URL(url));
}

/** highlight.js's GitHub theme: colours for the `hljs-*` token classes in code. */
export const CODE_CSS = new TextDecoder().decode(
  packageFile("highlight.js/styles/github.min.css"),
);

let mathCss: string | undefined;

/**
 * KaTeX's stylesheet with each font as a woff2 data URL, so typeset math renders offline from a
 * single page (about 350 kB; only pages with math carry it).
 */
export function katexCss(): string {
  if (mathCss !== undefined) return mathCss;
  const css = new TextDecoder().decode(packageFile("katex/dist/katex.min.css"));
  const withFonts = css.replace(
    /src:url\((fonts\/[\w-]+\.woff2)\) format\("woff2"\)[^;}]*/g,
    (_, path: string) => {
      const base64 = btoa(
        Array.from(packageFile(`katex/dist/${path}`), (byte) => String.fromCharCode(byte)).join(""),
      );
      return `src:url(data:font/woff2;base64,${base64}) format("woff2")`;
    },
  );
  if (withFonts.includes("url(fonts/")) {
    throw new Error(
      "KaTeX's stylesheet names a font that is not a woff2 file next to it; the katex package's " +
        "layout changed: pin the version in deno.json that scripts/html/styles.ts was written for.",
    );
  }
  return mathCss = withFonts;
}
