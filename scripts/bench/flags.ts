/** Command-line flags of the benchmark scripts: `--name value` pairs read from an argument list. */

/** The argument after `flag` in `args`, or undefined when `flag` is absent. */
export function flagValue(args: readonly string[], flag: string): string | undefined {
  const at = args.indexOf(flag);
  if (at < 0) return undefined;
  if (at + 1 >= args.length) throw new Error(`${flag} needs a value, e.g. "${flag} 10".`);
  return args[at + 1];
}

/** The positive number after `flag` in `args`, or `fallback` when `flag` is absent. */
export function positiveNumber(args: readonly string[], flag: string, fallback: number): number {
  const raw = flagValue(args, flag);
  const number = raw === undefined ? fallback : Number(raw);
  if (!(number > 0)) throw new Error(`${flag} needs a positive number, got "${raw}".`);
  return number;
}
