/**
 * Random under- and oversampling of a table with a binary target, the two
 * resampling baselines of the imbalanced tabular-data tutorial (as
 * imbalanced-learn's RandomUnderSampler and RandomOverSampler), done with
 * polars' seeded sampling so the same seed always gives the same rows.
 */
import pl from "nodejs-polars";
import { checkSeed, deriveSeed } from "./random.ts";

/** One class of a binary target: its value and how many rows have it. */
interface ClassCount {
  readonly value: number | string;
  readonly count: number;
}

/**
 * Rows per class of `target`: a DataFrame with the columns `target` (each
 * class once, sorted), `count` and `fraction` (count / rows).
 */
export function classHistogram(df: pl.DataFrame, target: string): pl.DataFrame {
  checkTargetColumn(df, target);
  return df.groupBy(target).len().rename({ len: "count" }).sort(target).withColumn(
    pl.col("count").div(df.height).alias("fraction"),
  );
}

function checkTargetColumn(df: pl.DataFrame, target: string): void {
  if (!df.columns.includes(target)) {
    throw new Error(
      `No target column "${target}" in [${
        df.columns.join(", ")
      }]; pass the name of the class column.`,
    );
  }
  const missing = df.getColumn(target).nullCount();
  if (missing > 0) {
    throw new Error(
      `The target column "${target}" has ${missing} missing values; drop or fill those rows first.`,
    );
  }
}

/** The minority and majority class of a binary target (on a tie, the smaller value is the minority). */
function binaryClasses(
  df: pl.DataFrame,
  target: string,
): { minority: ClassCount; majority: ClassCount } {
  const histogram = classHistogram(df, target);
  const values = [...histogram.getColumn(target)] as (number | string)[];
  const counts = [...histogram.getColumn("count")] as number[];
  if (values.length !== 2) {
    throw new Error(
      `The target column "${target}" has ${values.length} classes [${values.join(", ")}], ` +
        `expected 2: random under- and oversampling here are for binary targets.`,
    );
  }
  const [first, second] = values.map((value, index) => ({ value, count: counts[index] }));
  return second.count < first.count
    ? { minority: second, majority: first }
    : { minority: first, majority: second };
}

function rowsOfClass(df: pl.DataFrame, target: string, value: number | string): pl.DataFrame {
  return df.filter(pl.col(target).eq(pl.lit(value)));
}

/** All rows of `df` in a random order given by `seed`. */
function shuffleRows(df: pl.DataFrame, seed: number): pl.DataFrame {
  return df.sample({ n: df.height, withReplacement: false, shuffle: true, seed });
}

/**
 * Random undersampling: all minority rows plus as many majority rows drawn
 * without replacement, so both classes have the minority's count; rows
 * shuffled. Deterministic for a given `seed`.
 */
export function undersampleMajority(df: pl.DataFrame, target: string, seed: number): pl.DataFrame {
  checkSeed(seed, "undersampleMajority: the seed");
  const { minority, majority } = binaryClasses(df, target);
  const keptMajority = rowsOfClass(df, target, majority.value).sample({
    n: minority.count,
    withReplacement: false,
    seed: deriveSeed(seed, 1),
  });
  return shuffleRows(
    pl.concat([rowsOfClass(df, target, minority.value), keptMajority]),
    deriveSeed(seed, 2),
  );
}

/**
 * Random oversampling, as imbalanced-learn's RandomOverSampler: every
 * original row is kept and minority rows drawn with replacement are added
 * until both classes have the majority's count; rows shuffled.
 * Deterministic for a given `seed`.
 */
export function oversampleMinority(df: pl.DataFrame, target: string, seed: number): pl.DataFrame {
  checkSeed(seed, "oversampleMinority: the seed");
  const { minority, majority } = binaryClasses(df, target);
  const duplicates = rowsOfClass(df, target, minority.value).sample({
    n: majority.count - minority.count,
    withReplacement: true,
    seed: deriveSeed(seed, 1),
  });
  return shuffleRows(pl.concat([df, duplicates]), deriveSeed(seed, 2));
}
