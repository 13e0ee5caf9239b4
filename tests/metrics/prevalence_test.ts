import { assertAlmostEquals, assertEquals, assertRejectsWith } from "../assert.ts";
import {
  precisionAtPrevalence,
  precisionStandardError,
  rescalePrecision,
} from "../../lib/metrics/prevalence.ts";
import { metricsFromCounts } from "../../lib/metrics/metrics.ts";

Deno.test("precisionAtPrevalence: hand-worked recall 0.8, specificity 0.9", () => {
  // Balanced: 0.8·0.5 / (0.8·0.5 + 0.1·0.5) = 0.4 / 0.45 = 8/9.
  assertAlmostEquals(precisionAtPrevalence({ recall: 0.8, specificity: 0.9 }, 0.5), 8 / 9, 1e-12);
  // 100 dogs per 1,000 cats: 0.8·(1/11) / (0.8·(1/11) + 0.1·(10/11)) = 0.8 / 1.8 = 4/9.
  assertAlmostEquals(
    precisionAtPrevalence({ recall: 0.8, specificity: 0.9 }, 100 / 1100),
    4 / 9,
    1e-12,
  );
});

Deno.test("precisionAtPrevalence matches the precision counted on a set of that prevalence", () => {
  // Balanced set, 1,000 + 1,000: tp 800, fn 200, tn 900, fp 100 → precision 800/900.
  const balanced = metricsFromCounts({ tp: 800, fp: 100, tn: 900, fn: 200 });
  assertAlmostEquals(balanced.precision, 8 / 9, 1e-12);
  // The same rates on 100 dogs and 1,000 cats: tp 80, fp 100 → precision 80/180.
  const representative = metricsFromCounts({ tp: 80, fp: 100, tn: 900, fn: 20 });
  assertAlmostEquals(precisionAtPrevalence(balanced, 100 / 1100), representative.precision, 1e-12);
  // And back.
  assertAlmostEquals(precisionAtPrevalence(representative, 0.5), balanced.precision, 1e-12);
});

Deno.test("precisionAtPrevalence: edge cases", () => {
  // Nothing flagged: 0 by the metricsFromCounts convention.
  assertEquals(precisionAtPrevalence({ recall: 0, specificity: 1 }, 0.3), 0);
  // No false positives: precision 1 at every prevalence.
  assertEquals(precisionAtPrevalence({ recall: 0.5, specificity: 1 }, 0.01), 1);
  // Flagging everything: precision equals the prevalence.
  assertAlmostEquals(precisionAtPrevalence({ recall: 1, specificity: 0 }, 0.2), 0.2, 1e-12);
});

Deno.test("rescalePrecision agrees with precisionAtPrevalence and round-trips", () => {
  const rates = { recall: 0.63, specificity: 0.71 };
  for (const [from, to] of [[0.5, 1 / 11], [1 / 11, 0.5], [0.3, 0.8]]) {
    const measured = precisionAtPrevalence(rates, from);
    assertAlmostEquals(
      rescalePrecision(measured, from, to),
      precisionAtPrevalence(rates, to),
      1e-12,
    );
    assertAlmostEquals(
      rescalePrecision(rescalePrecision(measured, from, to), to, from),
      measured,
      1e-12,
    );
  }
  // Odds form by hand: 8/9 has odds 8; odds of 1/11 are 0.1 → odds 0.8 → 0.8 / 1.8.
  assertAlmostEquals(rescalePrecision(8 / 9, 0.5, 1 / 11), 4 / 9, 1e-12);
  assertEquals(rescalePrecision(1, 0.5, 0.1), 1);
  assertEquals(rescalePrecision(0, 0.5, 0.1), 0);
});

Deno.test("precisionStandardError: √(p(1 − p)/flagged)", () => {
  // tp 80, fp 100: p = 4/9, flagged 180 → √((4/9)(5/9)/180) = √(20/14580).
  assertAlmostEquals(
    precisionStandardError({ tp: 80, fp: 100, tn: 900, fn: 20 }),
    Math.sqrt(20 / 14580),
    1e-12,
  );
  assertEquals(precisionStandardError({ tp: 5, fp: 0, tn: 1, fn: 1 }), 0);
  assertEquals(Number.isNaN(precisionStandardError({ tp: 0, fp: 0, tn: 3, fn: 1 })), true);
});

Deno.test("prevalence functions reject bad input with the fix in the message", async () => {
  await assertRejectsWith(
    () => precisionAtPrevalence({ recall: 0.8, specificity: 0.9 }, 0),
    "prevalence is 0",
    "strictly between 0 and 1",
  );
  await assertRejectsWith(
    () => precisionAtPrevalence({ recall: 1.2, specificity: 0.9 }, 0.5),
    "recall is 1.2",
  );
  await assertRejectsWith(
    () => precisionAtPrevalence({ recall: 0.5, specificity: NaN }, 0.5),
    "specificity is NaN",
  );
  await assertRejectsWith(() => rescalePrecision(0.5, 0.5, 1), "to is 1");
  await assertRejectsWith(() => rescalePrecision(1.5, 0.5, 0.1), "precision is 1.5");
  await assertRejectsWith(
    () => precisionStandardError({ tp: -1, fp: 2, tn: 0, fn: 0 }),
    "whole numbers",
  );
});

Deno.test("prevalence functions name the caller, the value and the fix for every bad input", async () => {
  await assertRejectsWith(
    () => precisionAtPrevalence({ recall: 0.8, specificity: 0.9 }, 1),
    "precisionAtPrevalence: prevalence is 1; a prevalence is the share of positives, strictly " +
      "between 0 and 1 (e.g. 100 / 1100 for 100 dogs among 1,000 cats).",
  );
  await assertRejectsWith(
    () => precisionAtPrevalence({ recall: -0.1, specificity: 0.9 }, 0.5),
    "precisionAtPrevalence: recall is -0.1; pass a rate within [0, 1] (e.g. the recall and " +
      "specificity of an Evaluation).",
  );
  await assertRejectsWith(() => rescalePrecision(0.5, 0, 0.5), "rescalePrecision: from is 0;");
  await assertRejectsWith(() => rescalePrecision(0.5, 0.5, 0), "rescalePrecision: to is 0;");
  await assertRejectsWith(
    () => rescalePrecision(-0.1, 0.5, 0.1),
    "rescalePrecision: precision is -0.1; pass a value within [0, 1].",
  );
  for (const [tp, fp] of [[1, 0.5], [1.5, 1], [1, -1]]) {
    await assertRejectsWith(
      () => precisionStandardError({ tp, fp, tn: 0, fn: 0 }),
      `precisionStandardError: tp ${tp} and fp ${fp} must be whole numbers ≥ 0; pass the counts ` +
        "of confusionCounts or an Evaluation.",
    );
  }
});
