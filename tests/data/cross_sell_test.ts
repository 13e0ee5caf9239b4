import { join } from "node:path";
import { assert, assertEquals, assertRejectsWith } from "../assert.ts";
import { featuresAndTarget } from "../../lib/data/coil2000.ts";
import {
  CROSS_SELL_COLUMNS,
  CROSS_SELL_TARGET,
  crossSellPath,
  loadCrossSell,
} from "../../lib/data/cross_sell.ts";

const HEADER = "id,Gender,Age,Driving_License,Region_Code,Previously_Insured,Vehicle_Age," +
  "Vehicle_Damage,Annual_Premium,Policy_Sales_Channel,Vintage,Response";

/** A train.csv in Kaggle's layout: 40 rows, rows 0-7 positive (20 %), text columns cycling. */
function writeCsv(rows = 40, edit: (line: string, row: number) => string = (line) => line): string {
  const genders = ["Male", "Female"];
  const ages = ["< 1 Year", "1-2 Year", "> 2 Years"];
  const lines = Array.from({ length: rows }, (_, row) =>
    edit(
      [
        row + 1,
        genders[row % 2],
        20 + row,
        1,
        "28.0",
        row % 2,
        ages[row % 3],
        row % 4 === 0 ? "Yes" : "No",
        `${30000 + 10 * row}.0`,
        "152.0",
        100 + row,
        row < 8 ? 1 : 0,
      ].join(","),
      row,
    ));
  const path = join(Deno.makeTempDirSync(), "train.csv");
  Deno.writeTextFileSync(path, [HEADER, ...lines].join("\n") + "\n");
  return path;
}

Deno.test("loadCrossSell codes the text columns, drops id, keeps Response last", () => {
  const { train, evaluation } = loadCrossSell(writeCsv());
  assertEquals(train.columns, [...CROSS_SELL_COLUMNS]);
  assertEquals(train.columns.at(-1), CROSS_SELL_TARGET);
  const all = [...train.rows(), ...evaluation.rows()];
  assertEquals(all.length, 40);
  // Row 5 (id 6): Female (row % 2 = 1 → "Female") is 0, "> 2 Years" (5 % 3 = 2) is 2, "No" is 0.
  const row5 = [...train.rows(), ...evaluation.rows()].find((row) => row[1] === 25)!;
  assertEquals([row5[0], row5[5], row5[6], row5[7]], [0, 2, 0, 30050]);
  // Row 0 (id 1): Male 1, "< 1 Year" 0, "Yes" 1, a positive.
  const row0 = all.find((row) => row[1] === 20)!;
  assertEquals([row0[0], row0[5], row0[6], row0.at(-1)], [1, 0, 1, 1]);
  // The model's view: 10 features, the 0/1 target.
  const { featureNames, y } = featuresAndTarget(train, CROSS_SELL_TARGET);
  assertEquals(featureNames.length, 10);
  assert(y.every((label) => label === 0 || label === 1));
});

Deno.test("loadCrossSell's split is stratified and repeatable for a seed", () => {
  const path = writeCsv();
  const positives = (frame: ReturnType<typeof loadCrossSell>["train"]) =>
    frame.getColumn(CROSS_SELL_TARGET).sum();
  const { train, evaluation } = loadCrossSell(path, { evaluationShare: 0.25, seed: 3 });
  assertEquals([train.height, evaluation.height], [30, 10]);
  assertEquals([positives(train), positives(evaluation)], [6, 2]); // 20 % in each part
  const again = loadCrossSell(path, { evaluationShare: 0.25, seed: 3 });
  assertEquals([...again.evaluation.getColumn("Age")], [...evaluation.getColumn("Age")]);
  const other = loadCrossSell(path, { evaluationShare: 0.25, seed: 4 });
  assert(
    [...other.evaluation.getColumn("Age")].join() !== [...evaluation.getColumn("Age")].join(),
    "another seed, another split",
  );
});

Deno.test("loadCrossSell names what is wrong with a file and how to fix it", async () => {
  await assertRejectsWith(() => loadCrossSell("/nonexistent/train.csv"), "CROSS_SELL_CSV");
  const noResponse = join(Deno.makeTempDirSync(), "test.csv");
  Deno.writeTextFileSync(
    noResponse,
    HEADER.replace(",Response", "") + "\n1,Male,20,1,1,0,1-2 Year,No,1,1,1\n",
  );
  await assertRejectsWith(() => loadCrossSell(noResponse), "no column Response", "train.csv");
  const badVehicleAge = writeCsv(
    40,
    (line, row) => row === 3 ? line.replace("< 1 Year", "new") : line,
  );
  await assertRejectsWith(() => loadCrossSell(badVehicleAge), "row 5", "Vehicle_Age", '"< 1 Year"');
  for (const evaluationShare of [0, 1]) {
    await assertRejectsWith(
      () => loadCrossSell(writeCsv(), { evaluationShare }),
      `loadCrossSell: evaluationShare is ${evaluationShare}; give a share between 0 and 1`,
    );
  }
});

Deno.test("crossSellPath reads CROSS_SELL_CSV", () => {
  const before = Deno.env.get("CROSS_SELL_CSV");
  try {
    Deno.env.delete("CROSS_SELL_CSV");
    assertEquals(crossSellPath(), null);
    Deno.env.set("CROSS_SELL_CSV", "/data/train.csv");
    assertEquals(crossSellPath(), "/data/train.csv");
  } finally {
    if (before === undefined) Deno.env.delete("CROSS_SELL_CSV");
    else Deno.env.set("CROSS_SELL_CSV", before);
  }
});
