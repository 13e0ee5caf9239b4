/**
 * Tables read back from a stored notebook's outputs, so one notebook can set
 * its results beside another's without copying numbers by hand: the aligned
 * text a `table()` output carries (`text/plain`: a header line, a line of
 * dashes per column, then the rows) is cut into records along the dashes.
 */

/** One table found in a notebook's outputs: its column names and rows of cell texts. */
export interface StoredTable {
  /** Index of the notebook cell whose output holds the table. */
  cell: number;
  /** The caption line above the header, if any. */
  caption?: string;
  columns: string[];
  rows: Record<string, string>[];
}

/** The text of every output of a notebook cell (plain-text data and streams). */
function outputTexts(cell: { outputs?: unknown[] }): string[] {
  const texts: string[] = [];
  for (const output of (cell.outputs ?? []) as Record<string, unknown>[]) {
    const data = output.data as Record<string, string | string[]> | undefined;
    const plain = data?.["text/plain"] ?? output.text;
    if (plain !== undefined) texts.push(Array.isArray(plain) ? plain.join("") : String(plain));
  }
  return texts;
}

/** The tables of one aligned text: a line of dashes under a header, rows below until a blank line. */
function tablesInText(text: string, cell: number): StoredTable[] {
  const lines = text.split("\n");
  const tables: StoredTable[] = [];
  lines.forEach((line, index) => {
    if (index === 0 || !/^-+( +-+)*\s*$/.test(line)) return;
    // Each column starts where its run of dashes does and runs to the next one's start (the
    // last one to the end of the row: past the last start, `starts[column + 1]` is undefined).
    const starts = [...line.matchAll(/-+/g)].map((match) => match.index!);
    const cut = (row: string) =>
      starts.map((start, column) => row.slice(start, starts[column + 1]).trim());
    const columns = cut(lines[index - 1]);
    const rows: Record<string, string>[] = [];
    for (let next = index + 1; next < lines.length && lines[next].trim() !== ""; next++) {
      const cells = cut(lines[next]);
      rows.push(Object.fromEntries(columns.map((column, i) => [column, cells[i]])));
    }
    const caption = index >= 2 && lines[index - 2].trim() !== "" ? lines[index - 2] : undefined;
    tables.push({ cell, caption, columns, rows });
  });
  return tables;
}

/** Every aligned-text table in the stored outputs of the notebook at `path`, in cell order. */
export async function storedTables(path: string): Promise<StoredTable[]> {
  let notebook: { cells?: { outputs?: unknown[] }[] };
  try {
    notebook = JSON.parse(await Deno.readTextFile(path));
  } catch (error) {
    throw new Error(
      `Cannot read the stored notebook "${path}" (${(error as Error).message}): give the path ` +
        "of an .ipynb file, relative to the working directory.",
    );
  }
  return (notebook.cells ?? []).flatMap((cell, index) =>
    outputTexts(cell).flatMap((text) => tablesInText(text, index))
  );
}

/**
 * The last table in the stored outputs of the notebook at `path` that has
 * all of `columns` (the last, as a notebook's summary table comes after its
 * per-run tables), or undefined when none has them.
 */
export async function findStoredTable(
  path: string,
  columns: readonly string[],
): Promise<StoredTable | undefined> {
  const tables = await storedTables(path);
  return tables.filter((table) => columns.every((column) => table.columns.includes(column)))
    .at(-1);
}
