import pl from "nodejs-polars";
import { assert, assertAlmostEquals, assertEquals, assertRejectsWith } from "../assert.ts";
import {
  compareConditions,
  comparisonRows,
  formatInterval,
  intervalTable,
  summarizeRuns,
} from "../../lib/statistics/run_intervals.ts";

const runs = pl.DataFrame({
  condition: ["a", "a", "a", "b", "b", "b"],
  ratio: [10, 10, 10, 10, 10, 10],
  seed: [1, 2, 3, 1, 2, 3],
  f1: [0.5, 0.6, 0.7, 0.4, 0.45, 0.65],
  auc: [0.8, 0.8, 0.8, 0.7, NaN, 0.9],
});

Deno.test("summarizeRuns: mean, sample sd, a bootstrap interval around the mean, per group and metric", () => {
  const summary = summarizeRuns(runs, { by: ["condition", "ratio"], metrics: ["f1", "auc"] });
  const rows = summary.toRecords() as Record<string, number | string>[];
  assertEquals(rows.map((row) => `${row.condition} ${row.metric}`), [
    "a f1",
    "a auc",
    "b f1",
    "b auc",
  ]);
  const aF1 = rows[0] as Record<string, number>;
  assertAlmostEquals(aF1.mean, 0.6, 1e-12);
  assertAlmostEquals(aF1.sd, 0.1, 1e-12); // sqrt((0.01 + 0 + 0.01) / 2)
  assert(aF1.low >= 0.5 && aF1.low <= 0.6 && aF1.high >= 0.6 && aF1.high <= 0.7, "interval");
  assertEquals(aF1.runs, 3);
  // A constant metric has a zero-width interval.
  for (const key of ["mean", "low", "high"]) assertAlmostEquals(rows[1][key] as number, 0.8, 1e-12);
  assertAlmostEquals(rows[1].sd as number, 0, 1e-12);
  // The NaN run is left out: auc of b averages 0.7 and 0.9 over 2 runs.
  assertAlmostEquals(rows[3].mean as number, 0.8, 1e-12);
  assertEquals(rows[3].runs, 2);
  // Reproducible per seed.
  assertEquals(
    summarizeRuns(runs, { by: ["condition"], metrics: ["f1"], seed: 4 }).toRecords(),
    summarizeRuns(runs, { by: ["condition"], metrics: ["f1"], seed: 4 }).toRecords(),
  );
});

Deno.test("compareConditions: paired differences over the shared seeds", () => {
  const [row] = compareConditions(runs, { a: "a", b: "b", metrics: ["f1"] }).toRecords() as Record<
    string,
    number
  >[];
  // Per seed: 0.1, 0.15, 0.05.
  assertAlmostEquals(row.difference, 0.1, 1e-12);
  assertAlmostEquals(row.meanA, 0.6, 1e-12);
  assertAlmostEquals(row.meanB, 0.5, 1e-12);
  assert(row.low >= 0.05 - 1e-12 && row.high <= 0.15 + 1e-12 && row.low <= row.high, "interval");
  assertEquals(row.aWins, 1);
  assertEquals(row.pairs, 3);
  // Only the seeds both ran are paired.
  const partial =
    compareConditions(runs.filter(pl.col("seed").neq(3).or(pl.col("condition").eq(pl.lit("b")))), {
      a: "a",
      b: "b",
      metrics: ["f1"],
    }).toRecords()[0];
  assertEquals(partial.pairs, 2);
});

Deno.test("intervalTable and formatInterval lay out 'mean [low, high]'", () => {
  assertEquals(formatInterval(0.41234, 0.4, 0.43), "0.412 [0.400, 0.430]");
  assertEquals(formatInterval(NaN, 0, 1), "n/a");
  const summary = pl.DataFrame({
    ratio: [1, 1, 10, 10],
    strategy: ["nothing", "oversampling", "nothing", "oversampling"],
    metric: ["f1", "f1", "f1", "f1"],
    mean: [0.7, 0.71, 0.2, 0.4],
    low: [0.69, 0.7, 0.1, 0.35],
    high: [0.71, 0.72, 0.3, 0.45],
  });
  assertEquals(
    intervalTable(summary, {
      rows: "ratio",
      columns: "strategy",
      metric: "f1",
      rowLabel: (r) => `1:${r}`,
      digits: 2,
    }),
    [
      { ratio: "1:1", nothing: "0.70 [0.69, 0.71]", oversampling: "0.71 [0.70, 0.72]" },
      { ratio: "1:10", nothing: "0.20 [0.10, 0.30]", oversampling: "0.40 [0.35, 0.45]" },
    ],
  );
});

Deno.test("the interval helpers name missing columns, conditions and metrics", async () => {
  await assertRejectsWith(
    () => summarizeRuns(runs, { by: ["strategy"], metrics: ["f1"] }),
    'no column "strategy"',
  );
  await assertRejectsWith(
    () => compareConditions(runs, { a: "a", b: "c", metrics: ["f1"] }),
    'condition is "c"',
  );
  await assertRejectsWith(
    () =>
      intervalTable(summarizeRuns(runs, { by: ["condition"], metrics: ["f1"] }), {
        rows: "condition",
        columns: "condition",
        metric: "auc",
      }),
    'no metric "auc"',
  );
});

Deno.test("comparisonRows lays out a paired comparison for a table", () => {
  const rows = comparisonRows(compareConditions(runs, { a: "a", b: "b", metrics: ["f1"] }));
  assertEquals(rows.length, 1);
  assertEquals(rows[0].comparison, "a − b");
  assertEquals(rows[0]["mean of a"], "0.600");
  assertEquals(rows[0]["mean of b"], "0.500");
  assert(rows[0]["difference [95 % interval]"].startsWith("0.100 ["), "the difference comes first");
  assertEquals(rows[0]["seeds where a > b"], "3 of 3");
});
