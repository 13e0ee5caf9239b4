import { assertEquals, assertRejectsWith } from "../assert.ts";
import { perClassRecall } from "../../lib/charts/per_class_recall.ts";
import { mimeBundle } from "../../lib/charts/display.ts";

Deno.test("perClassRecall draws one bar per condition and class, with shaded rare classes", async () => {
  const rows = [0, 1, 2].flatMap((digit) =>
    ["plain", "weighted"].map((condition) => ({
      condition,
      class: digit,
      recall: 0.5 + digit / 10,
    }))
  );
  const chart = perClassRecall(rows, { highlight: [2], title: "Recall" });
  const bars = chart.svg.match(/<rect[^>]*fill="#(4269d0|efb118)"/g) ?? [];
  assertEquals(bars.length, 6 + 2, "six bars plus two legend swatches");
  assertEquals((chart.svg.match(/fill="#e4e4e4"/g) ?? []).length, 2, "one band, one swatch");
  assertEquals(Object.keys(mimeBundle(chart)).sort(), ["image/png", "image/svg+xml", "text/plain"]);
  await assertRejectsWith(() => perClassRecall(rows, { highlight: [7] }), "[7]", "no row");
  await assertRejectsWith(
    () => perClassRecall([{ condition: "a", class: 0, recall: 1.5 }]),
    "recall is 1.5",
  );
  await assertRejectsWith(() => perClassRecall([...rows, rows[0]]), 'repeats condition "plain"');
});
