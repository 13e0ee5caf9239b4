/**
 * `deno task check`'s test that the notebooks are formatted by `deno fmt`.
 *
 * `deno fmt --check` (2.9.6) reports a notebook as unformatted even when
 * `deno fmt` leaves it byte for byte as it is (it passes afterwards only
 * because `deno fmt` caches the files it has seen), so a fresh clone would
 * always fail. This check formats a copy of each notebook with the project's
 * settings and compares bytes instead.
 *
 * Usage: deno run -A scripts/check_notebook_format.ts [NOTEBOOK...]
 * (default: every notebooks/*.ipynb).
 */
import { basename, join } from "node:path";

const projectRoot = new URL("..", import.meta.url).pathname;
const config = JSON.parse(await Deno.readTextFile(join(projectRoot, "deno.json")));

const notebooks = Deno.args.length > 0
  ? Deno.args
  : [...Deno.readDirSync(join(projectRoot, "notebooks"))]
    .filter((entry) => entry.isFile && entry.name.endsWith(".ipynb"))
    .map((entry) => join(projectRoot, "notebooks", entry.name))
    .sort();

const scratch = await Deno.makeTempDir({ prefix: "notebook-format-" });
try {
  await Deno.writeTextFile(
    join(scratch, "deno.json"),
    JSON.stringify({ fmt: { lineWidth: config.fmt?.lineWidth } }),
  );
  const copies = notebooks.map((path) => join(scratch, basename(path)));
  await Promise.all(notebooks.map((path, index) => Deno.copyFile(path, copies[index])));
  const formatter = await new Deno.Command(Deno.execPath(), {
    args: ["fmt", "--config", join(scratch, "deno.json"), ...copies],
    stdout: "null",
    stderr: "piped",
  }).output();
  if (!formatter.success) {
    throw new Error(
      `deno fmt failed on the notebooks:\n${new TextDecoder().decode(formatter.stderr)}`,
    );
  }
  const unformatted = [];
  for (const [index, path] of notebooks.entries()) {
    const [original, formatted] = await Promise.all([
      Deno.readFile(path),
      Deno.readFile(copies[index]),
    ]);
    const same = original.length === formatted.length &&
      original.every((byte, position) => byte === formatted[position]);
    if (!same) unformatted.push(path);
  }
  if (unformatted.length > 0) {
    console.error(
      `Not formatted: ${
        unformatted.join(", ")
      }\nRun \`deno fmt notebooks/\` and commit the result.`,
    );
    Deno.exit(1);
  }
  console.log(`${notebooks.length} notebooks formatted as deno fmt formats them.`);
} finally {
  await Deno.remove(scratch, { recursive: true });
}
