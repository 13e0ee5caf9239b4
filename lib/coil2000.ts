/**
 * The CoIL Challenge 2000 insurance table (will a customer buy a caravan
 * policy?) as polars DataFrames, for the imbalanced tabular-data tutorial.
 *
 * The UCI files are tab-separated integers without a header, lines ending in
 * CR LF (a few with a space before the end, which is tolerated). They are validated line by line here, so a damaged file gives an
 * error naming the file, line and column, then built into typed columns.
 */
import pl from "nodejs-polars";
import { join } from "node:path";

/** Where users download the data. */
export const COIL2000_URL =
  "https://archive.ics.uci.edu/dataset/125/insurance+company+benchmark+coil+2000";

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
    `ticeval2000.txt and tictgts2000.txt into ${dir}, or set COIL2000_DIR to their folder.`;
}

/**
 * The CoIL 2000 folder: environment variable `COIL2000_DIR` if set, else
 * `data/coil2000` under the project root. Errors with download instructions
 * when the folder does not exist.
 */
export function coil2000Dir(): string {
  const fromEnvironment = Deno.env.get("COIL2000_DIR");
  const dir = fromEnvironment ?? decodeURIComponent(
    new URL("../data/coil2000", import.meta.url).pathname,
  );
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
