/**
 * The CoIL Challenge 2000 insurance table (will a customer buy a caravan
 * policy?) as polars DataFrames, for the imbalanced tabular-data tutorial.
 *
 * The UCI files are tab-separated integers without a header, lines ending in
 * CR LF (a few with a space before the end, which is tolerated); when no
 * folder is there, `coil2000Folder` downloads them from the UCI archive. They
 * are validated line by line here, so a damaged file gives an error naming the
 * file, line and column, then built into typed columns.
 */
import pl from "nodejs-polars";
import { unzipSync } from "fflate";
import { createHash } from "node:crypto";
import { basename, dirname, join } from "node:path";
import { downloadOnFirstUse, type DownloadProgress, downloadVerified } from "./download.ts";

/** The data set's page in the UCI archive. */
export const COIL2000_URL =
  "https://archive.ics.uci.edu/dataset/125/insurance+company+benchmark+coil+2000";

/** The UCI archive's download of the data set: a zip holding the text files. */
export const COIL2000_ARCHIVE_URL =
  "https://archive.ics.uci.edu/static/public/125/insurance+company+benchmark+coil+2000.zip";

/**
 * SHA-256 of the three files the loader reads, computed from the UCI files
 * (CR LF lines); a download whose files differ is refused.
 */
export const COIL2000_SHA256: Readonly<Record<string, string>> = {
  "ticdata2000.txt": "f6a7fe083ccedb3776bc30f5e000bdd34bfd25f625d2b4672f84afa6b70cb178",
  "ticeval2000.txt": "880f3b7dbc1174ddd10e7a20ef1e4bc3a8e345400d4b553744c5ef0c71493837",
  "tictgts2000.txt": "42274a9b6d1ced5fcb35e2c103869060118ceaa7e5c5fac1a652e1f1a5806da8",
};

/** The target column: 1 when the customer has a caravan policy. */
export const COIL2000_TARGET = "CARAVAN";

/**
 * The 86 column names of the UCI data dictionary, used when the data folder
 * has no `columns.tsv` (the UCI download has none).
 */
const DICTIONARY_COLUMN_NAMES = [
  ..."MOSTYPE MAANTHUI MGEMOMV MGEMLEEF MOSHOOFD MGODRK MGODPR MGODOV MGODGE MRELGE".split(" "),
  ..."MRELSA MRELOV MFALLEEN MFGEKIND MFWEKIND MOPLHOOG MOPLMIDD MOPLLAAG MBERHOOG".split(" "),
  ..."MBERZELF MBERBOER MBERMIDD MBERARBG MBERARBO MSKA MSKB1 MSKB2 MSKC MSKD MHHUUR".split(" "),
  ..."MHKOOP MAUT1 MAUT2 MAUT0 MZFONDS MZPART MINKM30 MINK3045 MINK4575 MINK7512".split(" "),
  ..."MINK123M MINKGEM MKOOPKLA PWAPART PWABEDR PWALAND PPERSAUT PBESAUT PMOTSCO".split(" "),
  ..."PVRAAUT PAANHANG PTRACTOR PWERKT PBROM PLEVEN PPERSONG PGEZONG PWAOREG PBRAND".split(" "),
  ..."PZEILPL PPLEZIER PFIETS PINBOED PBYSTAND AWAPART AWABEDR AWALAND APERSAUT".split(" "),
  ..."ABESAUT AMOTSCO AVRAAUT AAANHANG ATRACTOR AWERKT ABROM ALEVEN APERSONG AGEZONG".split(" "),
  ..."AWAOREG ABRAND AZEILPL APLEZIER AFIETS AINBOED ABYSTAND CARAVAN".split(" "),
];

/** The two CoIL 2000 tables, each with the 85 features and CARAVAN last. */
export interface Coil2000 {
  /** 5,822 training rows (`ticdata2000.txt`). */
  readonly train: pl.DataFrame;
  /** 4,000 evaluation rows (`ticeval2000.txt`) with CARAVAN from `tictgts2000.txt`. */
  readonly evaluation: pl.DataFrame;
}

/** A table as numbers for a model: features row-major, binary target, feature names. */
export interface FeaturesAndTarget {
  /** `rows × featureNames.length` values, row after row. */
  readonly x: Float32Array;
  /** The target of each row, 0 or 1. */
  readonly y: Uint8Array;
  readonly featureNames: readonly string[];
  readonly rows: number;
}

/** Per-feature mean and scale fitted on training rows, to apply unchanged to other rows. */
export interface Standardizer {
  readonly mean: Float64Array;
  /** Population standard deviation (1 for a constant feature, so it maps to 0). */
  readonly scale: Float64Array;
}

function missingDataHelp(dir: string): string {
  return `Download the CoIL 2000 data from ${COIL2000_URL}, unpack ticdata2000.txt, ` +
    `ticeval2000.txt and tictgts2000.txt into ${dir}, or set COIL2000_DIR to their folder ` +
    "(`await coil2000Folder()` downloads them when it can reach the UCI archive).";
}

/** The project's `data/coil2000` folder, found from this file (not the working directory). */
function defaultCoil2000Dir(): string {
  return decodeURIComponent(new URL("../../data/coil2000", import.meta.url).pathname);
}

/**
 * The CoIL 2000 folder: environment variable `COIL2000_DIR` if set, else
 * `data/coil2000` under the project root. Errors with download instructions
 * when the folder does not exist; `coil2000Folder` downloads it instead.
 */
export function coil2000Dir(): string {
  const fromEnvironment = Deno.env.get("COIL2000_DIR");
  const dir = fromEnvironment ?? defaultCoil2000Dir();
  let isDirectory = false;
  try {
    isDirectory = Deno.statSync(dir).isDirectory;
  } catch {
    // Missing: reported below.
  }
  if (!isDirectory) {
    const source = fromEnvironment ? "COIL2000_DIR points to" : "The default data folder";
    throw new Error(`${source} ${dir}, which is not a folder. ${missingDataHelp(dir)}`);
  }
  return dir;
}

/** Where and how `coil2000Folder` downloads; every field has a default. */
export interface Coil2000DownloadOptions {
  /** The folder to write the files into; default `data/coil2000`. */
  dir?: string;
  /** The zip's address; default `COIL2000_ARCHIVE_URL`. */
  url?: string;
  /** Expected SHA-256 per file; default `COIL2000_SHA256`. */
  sha256?: Readonly<Record<string, string>>;
  /** Download progress; default a bar (in the notebook, or on stderr). */
  onProgress?: (progress: DownloadProgress) => void;
}

/**
 * The CoIL 2000 folder, downloaded on first use: `$COIL2000_DIR` if set
 * (never downloaded; see `coil2000Dir`), else `data/coil2000`. When that
 * folder does not exist, it downloads the UCI archive's zip, takes out
 * ticdata2000.txt, ticeval2000.txt and tictgts2000.txt, checks each one's
 * SHA-256 and renames the finished folder into place, so an interrupted or
 * corrupt download never passes for the data (the next call starts again,
 * after removing what an interrupted one left). A lock file beside the folder
 * keeps two processes from downloading at once. Without internet the error
 * names the URL it tried and how to point at a copy.
 */
export async function coil2000Folder(options: Coil2000DownloadOptions = {}): Promise<string> {
  if (Deno.env.get("COIL2000_DIR") !== undefined) return coil2000Dir();
  const dir = options.dir ?? defaultCoil2000Dir();
  const url = options.url ?? COIL2000_ARCHIVE_URL;
  await downloadOnFirstUse({
    ready: dir,
    destination: dir,
    what: "CoIL 2000 data",
    barLabel: "coil2000",
    url,
    onProgress: options.onProgress,
    async download(onProgress) {
      const temporary = join(
        dirname(dir),
        `${basename(dir)}.incomplete-${crypto.randomUUID().slice(0, 8)}`,
      );
      const archive = `${temporary}.zip`;
      try {
        await downloadVerified(url, archive, { onProgress });
        await unpackCoil2000(archive, temporary, options.sha256 ?? COIL2000_SHA256);
        await Deno.rename(temporary, dir);
      } finally {
        for (const path of [archive, temporary]) {
          await Deno.remove(path, { recursive: true }).catch(() => {});
        }
      }
      return `Wrote ${dir}: ${Object.keys(COIL2000_SHA256).join(", ")}.`;
    },
    offlineHelp: `set COIL2000_DIR to a folder holding ticdata2000.txt, ticeval2000.txt and ` +
      `tictgts2000.txt (from ${COIL2000_URL}), or put those files in ${dir}.`,
  });
  return dir;
}

/**
 * Writes the loader's three files from the zip at `archive` into `folder`
 * (found by name anywhere in the zip), each checked against `sha256`.
 */
async function unpackCoil2000(
  archive: string,
  folder: string,
  sha256: Readonly<Record<string, string>>,
): Promise<void> {
  const wanted = new Set(Object.keys(COIL2000_SHA256));
  let files: Record<string, Uint8Array>;
  try {
    files = unzipSync(await Deno.readFile(archive), {
      filter: (file) => wanted.has(basename(file.name)),
    });
  } catch (error) {
    throw new Error(
      `the download is not a readable zip archive (${(error as Error).message}); nothing was kept`,
    );
  }
  const byName = new Map(Object.entries(files).map(([path, bytes]) => [basename(path), bytes]));
  const missing = [...wanted].filter((name) => !byName.has(name));
  if (missing.length > 0) {
    throw new Error(
      `the zip lacks ${missing.join(", ")}: it is not the UCI CoIL 2000 archive; nothing was kept`,
    );
  }
  await Deno.mkdir(folder, { recursive: true });
  for (const name of wanted) {
    const bytes = byName.get(name)!;
    const actual = createHash("sha256").update(bytes).digest("hex");
    if (actual !== sha256[name]) {
      throw new Error(
        `${name} in the zip has SHA-256 ${actual}, not the expected ${sha256[name]}: the ` +
          "download is corrupt or not the UCI file; nothing was kept",
      );
    }
    await Deno.writeFile(join(folder, name), bytes);
  }
}

function readText(path: string, dir: string): string {
  try {
    return Deno.readTextFileSync(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) {
      throw new Error(`Missing CoIL 2000 file ${path}. ${missingDataHelp(dir)}`);
    }
    throw new Error(`Cannot read CoIL 2000 file ${path}: ${(error as Error).message}`);
  }
}

/** Lines of a text file without their LF or CR LF ends; one final empty line is dropped. */
function splitLines(text: string): string[] {
  const lines = text.split("\n").map((line) => line.endsWith("\r") ? line.slice(0, -1) : line);
  if (lines.at(-1) === "") lines.pop();
  return lines;
}

function separatorHint(line: string): string {
  if (line.includes(",")) {
    return " The line is comma-separated; the CoIL 2000 files are tab-separated.";
  }
  if (line.includes(";")) {
    return " The line is semicolon-separated; the CoIL 2000 files are tab-separated.";
  }
  if (line.includes(" ")) {
    return " The line is space-separated; the CoIL 2000 files are tab-separated.";
  }
  return "";
}

/** An integer field; the UCI evaluation file has a stray space before some line ends. */
const INTEGER = /^ *-?\d+ *$/;

/**
 * Parses tab-separated integers into one Int32Array per column, checking
 * every line has exactly `columnNames.length` integer fields.
 */
function parseIntegerTable(
  text: string,
  path: string,
  columnNames: readonly string[],
): Int32Array[] {
  const lines = splitLines(text);
  const columns = columnNames.map(() => new Int32Array(lines.length));
  const fix = `Use the original UCI file (${COIL2000_URL}).`;
  lines.forEach((line, row) => {
    const lineNumber = row + 1;
    const fields = line.split("\t");
    if (fields.length !== columnNames.length) {
      if (line.trim() === "") {
        throw new Error(`${path}, line ${lineNumber}: empty line inside the data. ${fix}`);
      }
      const problem = fields.length < columnNames.length
        ? `column ${fields.length + 1} (${columnNames[fields.length]}) and after are missing`
        : `there are values after the last column (${columnNames.at(-1)})`;
      const hint = fields.length === 1 ? separatorHint(line) : "";
      throw new Error(
        `${path}, line ${lineNumber}: found ${fields.length} tab-separated field(s), expected ` +
          `${columnNames.length}: ${problem}.${hint} ${fix}`,
      );
    }
    fields.forEach((field, column) => {
      if (!INTEGER.test(field)) {
        throw new Error(
          `${path}, line ${lineNumber}, column ${column + 1} (${columnNames[column]}): ` +
            `${JSON.stringify(field)} is not an integer. ${fix}`,
        );
      }
      columns[column][row] = Number(field);
    });
  });
  return columns;
}

/** Column names from `columns.tsv` (header `index name description`), else the dictionary's. */
function readColumnNames(dir: string): string[] {
  const path = join(dir, "columns.tsv");
  let text: string;
  try {
    text = Deno.readTextFileSync(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return DICTIONARY_COLUMN_NAMES;
    throw error;
  }
  const [header, ...rows] = splitLines(text);
  if (!header.startsWith("index\tname")) {
    throw new Error(
      `${path}, line 1: expected the header "index<TAB>name<TAB>description", found ` +
        `${
          JSON.stringify(header)
        }. Fix the header or delete the file to use the UCI dictionary's names.`,
    );
  }
  return rows.map((row, position) => {
    const [index, name] = row.split("\t");
    if (Number(index) !== position + 1 || !name) {
      throw new Error(
        `${path}, line ${position + 2}: expected column ${position + 1} as ` +
          `"${position + 1}<TAB>NAME<TAB>description", found ${JSON.stringify(row)}.`,
      );
    }
    return name;
  });
}

function dataFrame(names: readonly string[], columns: Int32Array[]): pl.DataFrame {
  return pl.DataFrame(columns.map((values, index) => pl.Series(names[index], values)));
}

/**
 * Loads CoIL 2000 from `dir` (see `coil2000Dir`): the training table and the
 * evaluation table with its CARAVAN targets joined, both with 86 Int32
 * columns named from `columns.tsv` (or the UCI dictionary when it is absent).
 */
export function loadCoil2000(dir: string): Coil2000 {
  const names = readColumnNames(dir);
  if (names.length !== 86 || names.at(-1) !== COIL2000_TARGET) {
    throw new Error(
      `${join(dir, "columns.tsv")}: ${names.length} columns ending in "${names.at(-1)}", ` +
        `expected 86 ending in "${COIL2000_TARGET}". Fix or delete the file.`,
    );
  }
  const features = names.slice(0, -1);
  const trainPath = join(dir, "ticdata2000.txt");
  const evaluationPath = join(dir, "ticeval2000.txt");
  const targetsPath = join(dir, "tictgts2000.txt");
  const train = parseIntegerTable(readText(trainPath, dir), trainPath, names);
  const evaluation = parseIntegerTable(readText(evaluationPath, dir), evaluationPath, features);
  const [targets] = parseIntegerTable(readText(targetsPath, dir), targetsPath, [COIL2000_TARGET]);
  if (targets.length !== evaluation[0].length) {
    throw new Error(
      `${targetsPath} has ${targets.length} targets but ${evaluationPath} has ` +
        `${evaluation[0].length} rows; they must match line for line. ${missingDataHelp(dir)}`,
    );
  }
  return {
    train: dataFrame(names, train),
    evaluation: dataFrame(names, [...evaluation, targets]),
  };
}

/**
 * Splits a table into a row-major Float32 feature matrix (every column but
 * `target`) and the 0/1 target, the form the models train on.
 */
export function featuresAndTarget(
  df: pl.DataFrame,
  target: string = COIL2000_TARGET,
): FeaturesAndTarget {
  if (!df.columns.includes(target)) {
    throw new Error(
      `featuresAndTarget: no column "${target}" in [${
        df.columns.join(", ")
      }]; pass the target's name.`,
    );
  }
  const targetValues = df.getColumn(target).cast(pl.Float64).toTypedArray() as Float64Array;
  const y = new Uint8Array(targetValues.length);
  targetValues.forEach((value, row) => {
    if (value !== 0 && value !== 1) {
      throw new Error(
        `featuresAndTarget: "${target}" is ${value} in row ${row}; the target must be 0 or 1.`,
      );
    }
    y[row] = value;
  });
  const featureNames = df.columns.filter((name) => name !== target);
  const rows = df.height;
  const x = new Float32Array(rows * featureNames.length);
  featureNames.forEach((name, feature) => {
    const values = df.getColumn(name).cast(pl.Float64).toTypedArray() as Float64Array;
    for (let row = 0; row < rows; row++) x[row * featureNames.length + feature] = values[row];
  });
  return { x, y, featureNames, rows };
}

/** Fits per-feature mean and population standard deviation on row-major training features. */
export function fitStandardizer(x: Float32Array, featureCount: number): Standardizer {
  if (!(featureCount > 0) || x.length % featureCount !== 0) {
    throw new Error(
      `fitStandardizer: ${x.length} values do not make rows of ${featureCount} features; ` +
        `pass the row-major matrix and its number of columns.`,
    );
  }
  const rows = x.length / featureCount;
  if (rows === 0) throw new Error("fitStandardizer: no rows; fit on the training features.");
  const mean = new Float64Array(featureCount);
  const scale = new Float64Array(featureCount);
  for (let index = 0; index < x.length; index++) mean[index % featureCount] += x[index];
  for (let feature = 0; feature < featureCount; feature++) mean[feature] /= rows;
  for (let index = 0; index < x.length; index++) {
    scale[index % featureCount] += (x[index] - mean[index % featureCount]) ** 2;
  }
  for (let feature = 0; feature < featureCount; feature++) {
    scale[feature] = Math.sqrt(scale[feature] / rows) || 1;
  }
  return { mean, scale };
}

/** `(x − mean) / scale` per feature, with a standardizer fitted on the training rows. */
export function standardize(x: Float32Array, standardizer: Standardizer): Float32Array {
  const featureCount = standardizer.mean.length;
  if (x.length % featureCount !== 0) {
    throw new Error(
      `standardize: ${x.length} values do not make rows of ${featureCount} features, ` +
        `the number the standardizer was fitted on.`,
    );
  }
  const scaled = new Float32Array(x.length);
  for (let index = 0; index < x.length; index++) {
    const feature = index % featureCount;
    scaled[index] = (x[index] - standardizer.mean[feature]) / standardizer.scale[feature];
  }
  return scaled;
}
