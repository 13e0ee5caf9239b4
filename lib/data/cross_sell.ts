/**
 * Kaggle's Health Insurance Cross Sell table (`train.csv`: will a health
 * insurance customer also want vehicle insurance? `Response` 1 for yes,
 * about 12 % of 381,109 rows): the data of the imbalanced-table article that
 * notebook 06 re-creates. Kaggle requires a login, so the file is never
 * downloaded here: a reader who has it points `CROSS_SELL_CSV` at it.
 *
 * The text columns are coded as numbers so every column can feed a model:
 * `Gender` (Female 0, Male 1), `Vehicle_Age` (< 1 Year 0, 1-2 Year 1,
 * > 2 Years 2), `Vehicle_Damage` (No 0, Yes 1); `id` is dropped.
 */
import pl from "nodejs-polars";
import { checkSeed } from "./random.ts";

/** The table's 0/1 target column. */
export const CROSS_SELL_TARGET = "Response";

/** The coding of each text column: its values, in code order (the first is 0). */
export const CROSS_SELL_CODES: Readonly<Record<string, readonly string[]>> = {
  Gender: ["Female", "Male"],
  Vehicle_Age: ["< 1 Year", "1-2 Year", "> 2 Years"],
  Vehicle_Damage: ["No", "Yes"],
};

/** The columns `train.csv` has besides `id`, in its order, the target last. */
export const CROSS_SELL_COLUMNS: readonly string[] = [
  "Gender",
  "Age",
  "Driving_License",
  "Region_Code",
  "Previously_Insured",
  "Vehicle_Age",
  "Vehicle_Damage",
  "Annual_Premium",
  "Policy_Sales_Channel",
  "Vintage",
  CROSS_SELL_TARGET,
];

/** The path `CROSS_SELL_CSV` names, or null when it is not set. */
export function crossSellPath(): string | null {
  return Deno.env.get("CROSS_SELL_CSV") || null;
}

/** Options of {@link loadCrossSell}. */
export interface CrossSellOptions {
  /** Share of the rows held out for evaluation, stratified by `Response` (default 0.2). */
  evaluationShare?: number;
  /** Seed of the split (default 1). */
  seed?: number;
}

/** The table split into training and evaluation rows, every column numeric, `Response` last. */
export interface CrossSell {
  readonly train: pl.DataFrame;
  readonly evaluation: pl.DataFrame;
}

/**
 * Reads Kaggle's cross-sell `train.csv`, codes its text columns, drops `id`,
 * and splits the rows into training and evaluation parts with the same share
 * of `Response` = 1 in each (seeded, so a seed always gives the same split).
 *
 * ```ts
 * import assert from "node:assert/strict";
 * import { join } from "node:path";
 * import { loadCrossSell } from "./cross_sell.ts";
 *
 * const path = join(Deno.makeTempDirSync(), "train.csv");
 * const header = "id,Gender,Age,Driving_License,Region_Code,Previously_Insured,Vehicle_Age," +
 *   "Vehicle_Damage,Annual_Premium,Policy_Sales_Channel,Vintage,Response";
 * const rows = Array.from({ length: 10 }, (_, i) =>
 *   `${i + 1},${i % 2 ? "Male" : "Female"},${20 + i},1,28.0,0,1-2 Year,Yes,40454.0,26.0,217,${i < 2 ? 1 : 0}`);
 * Deno.writeTextFileSync(path, [header, ...rows].join("\n") + "\n");
 * const { train, evaluation } = loadCrossSell(path, { evaluationShare: 0.5 });
 * assert.equal(train.height + evaluation.height, 10);
 * assert.deepEqual(train.getColumn("Response").sum(), 1); // one of the two positives in each part
 * assert.equal(train.columns.includes("id"), false);
 * ```
 */
export function loadCrossSell(path: string, options: CrossSellOptions = {}): CrossSell {
  const evaluationShare = options.evaluationShare ?? 0.2;
  if (!(evaluationShare > 0 && evaluationShare < 1)) {
    throw new Error(
      `loadCrossSell: evaluationShare is ${evaluationShare}; give a share between 0 and 1, e.g. 0.2.`,
    );
  }
  const seed = options.seed ?? 1;
  checkSeed(seed, "loadCrossSell: the seed");
  let text: string;
  try {
    text = Deno.readTextFileSync(path);
  } catch (error) {
    throw new Error(
      `loadCrossSell: cannot read ${path} (${(error as Error).message}). Download train.csv from ` +
        "Kaggle's Health Insurance Cross Sell Prediction data set and set CROSS_SELL_CSV to its path.",
    );
  }
  const raw = pl.readCSV(text, { inferSchemaLength: 0 }); // every column as text, converted below
  const missing = ["id", ...CROSS_SELL_COLUMNS].filter((name) => !raw.columns.includes(name));
  if (missing.length > 0) {
    throw new Error(
      `loadCrossSell: ${path} has no column ${missing.join(", ")}; its columns are ` +
        `${raw.columns.join(", ")}. Use Kaggle's train.csv (test.csv has no Response).`,
    );
  }
  const columns = CROSS_SELL_COLUMNS.map((name) => {
    const values = raw.getColumn(name).toArray() as (string | null)[];
    const codes = CROSS_SELL_CODES[name];
    const numbers = Float64Array.from(values, (value, row) => {
      const number = codes ? codes.indexOf(value ?? "") : Number(value);
      if (value === null || value === "" || number < 0 || !Number.isFinite(number)) {
        throw new Error(
          `loadCrossSell: ${path}, row ${row + 2}, column ${name} is ${JSON.stringify(value)}; ` +
            (codes
              ? `expected one of ${codes.map((code) => `"${code}"`).join(", ")}.`
              : "expected a number."),
        );
      }
      return number;
    });
    return pl.Series(name, numbers, pl.Float64);
  });
  const table = pl.DataFrame(columns).withColumns(pl.col(CROSS_SELL_TARGET).cast(pl.Int32));
  const badTarget = (table.getColumn(CROSS_SELL_TARGET).toArray() as number[])
    .findIndex((value) => value !== 0 && value !== 1);
  if (badTarget >= 0) {
    throw new Error(
      `loadCrossSell: ${path}, row ${badTarget + 2}: Response must be 0 or 1.`,
    );
  }
  const parts = [0, 1].map((label) => {
    const rows = table.filter(pl.col(CROSS_SELL_TARGET).eq(label));
    const shuffled = rows.sample({ n: rows.height, withReplacement: false, shuffle: true, seed });
    const held = Math.round(rows.height * evaluationShare);
    return { evaluation: shuffled.head(held), train: shuffled.tail(rows.height - held) };
  });
  return {
    train: pl.concat(parts.map((part) => part.train)),
    evaluation: pl.concat(parts.map((part) => part.evaluation)),
  };
}
