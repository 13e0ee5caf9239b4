/**
 * The part of highlight.js that `highlight.ts` uses. highlight.js's own declarations start with
 * `/// <reference lib="dom" />`, which loads TypeScript's DOM library into every type check that
 * includes them and breaks Deno's own stream types elsewhere in the project.
 */
declare const hljs: {
  /** The language registered under `name` or an alias, undefined when there is none. */
  getLanguage(name: string): object | undefined;
  /** Highlights `code`; `value` is escaped HTML with `hljs-*` spans. */
  highlight(code: string, options: { language: string; ignoreIllegals?: boolean }): {
    value: string;
  };
};
export default hljs;
