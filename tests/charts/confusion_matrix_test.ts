import assert from "node:assert/strict";
import { confusionMatrix } from "../../lib/charts/confusion_matrix.ts";
import { assertDisplayable, parseSvg, texts } from "../fixtures/chart_svg.ts";

Deno.test("confusionMatrix writes the four counts in four cells", () => {
  const chart = confusionMatrix({ tp: 41, fp: 131, tn: 8689, fn: 9 }, {
    classNames: ["cats", "dogs"],
  });
  assertDisplayable(chart);
  assert.equal(parseSvg(chart).querySelectorAll('g[aria-label="cell"] rect').length, 4);
  const lines = texts(chart);
  for (const line of ["41", "131", "8,689", "9", "TP", "FP", "TN", "FN", "98.5% of cats"]) {
    assert.ok(lines.includes(line), `missing the text "${line}" in ${lines.join(" | ")}`);
  }
  for (const label of ["cats", "dogs", "Actual class", "Predicted class"]) {
    assert.ok(lines.some((line) => line.includes(label)), `missing "${label}"`);
  }
});

Deno.test("confusionMatrix rejects negative and fractional counts", () => {
  assert.throws(
    () => confusionMatrix({ tp: 1, fp: -2, tn: 3, fn: 4 }),
    /counts\.fp is -2, but counts must be whole numbers ≥ 0/,
  );
  assert.throws(() => confusionMatrix({ tp: 1.5, fp: 2, tn: 3, fn: 4 }), /counts\.tp is 1\.5/);
});

Deno.test("confusionMatrix shows 0 % for a class with no examples, and refuses one name for both", () => {
  const lines = texts(confusionMatrix({ tp: 0, fp: 3, tn: 7, fn: 0 }, {
    classNames: ["cats", "dogs"],
  }));
  assert.ok(lines.includes("0.0% of dogs"), lines.join(" | "));
  assert.ok(lines.includes("30.0% of cats"), lines.join(" | "));
  assert.throws(
    () => confusionMatrix({ tp: 1, fp: 2, tn: 3, fn: 4 }, { classNames: ["cats", "cats"] }),
    /classNames are both "cats"; pass \[negativeName, positiveName\]/,
  );
});
