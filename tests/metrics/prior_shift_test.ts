import { assert, assertAlmostEquals, assertEquals, assertRejectsWith } from "../assert.ts";
import { correctForPrior, initialOutputBias } from "../../lib/metrics/prior_shift.ts";
import { rescalePrecision } from "../../lib/metrics/prevalence.ts";

const balancedToReal = { trainPrevalence: 0.5, targetPrevalence: 1 / 11 };

Deno.test("correctForPrior, worked by hand", () => {
  // p = 0.5 at π 0.5 has odds 1; times the prior odds (1/11)/(10/11) = 1/10 → odds 0.1 → p 1/11.
  assertAlmostEquals(correctForPrior([0.5], balancedToReal)[0], 1 / 11, 1e-12);
  // p = 0.8 (odds 4) trained at 0.5, used at 0.2 (odds 1/4): odds 1 → 0.5.
  assertAlmostEquals(
    correctForPrior([0.8], { trainPrevalence: 0.5, targetPrevalence: 0.2 })[0],
    0.5,
    1e-12,
  );
  // p = 0.1 (odds 1/9) trained at 0.1 (odds 1/9), used at 0.5: odds 1 → 0.5.
  assertAlmostEquals(
    correctForPrior([0.1], { trainPrevalence: 0.1, targetPrevalence: 0.5 })[0],
    0.5,
    1e-12,
  );
});

Deno.test("correctForPrior: identity at the same prevalence, round trip, same odds scaling as precision", () => {
  const probabilities = Float32Array.from([0.02, 0.3, 0.5, 0.77, 0.999]);
  const same = correctForPrior(probabilities, { trainPrevalence: 0.3, targetPrevalence: 0.3 });
  same.forEach((p, index) => assertAlmostEquals(p, probabilities[index], 1e-12));
  const there = correctForPrior(probabilities, balancedToReal);
  const back = correctForPrior(there, { trainPrevalence: 1 / 11, targetPrevalence: 0.5 });
  back.forEach((p, index) => assertAlmostEquals(p, probabilities[index], 1e-12));
  there.forEach((p, index) =>
    assertAlmostEquals(p, rescalePrecision(probabilities[index], 0.5, 1 / 11), 1e-12)
  );
  assert(there.every((p, index) => p < probabilities[index]), "a lower base rate lowers every p");
});

Deno.test("correctForPrior clips 0 and 1 to 1e-7 and 1 − 1e-7, so they shift but stay finite", () => {
  const [zero, one] = correctForPrior([0, 1], { trainPrevalence: 0.1, targetPrevalence: 0.5 });
  // Odds times 9: 1e-7 → about 9e-7; 1 − 1e-7 (odds 1e7) → odds 9e7 → 1 − 1.1e-8.
  assertAlmostEquals(zero, 9e-7, 1e-12);
  assertAlmostEquals(one, 1 - 1 / 9e7, 1e-12);
  assert(zero > 0 && one < 1);
});

Deno.test("initialOutputBias is log(positives / negatives): its sigmoid is the base rate", () => {
  const bias = initialOutputBias(100, 1000);
  assertAlmostEquals(bias, Math.log(0.1), 1e-12); // −2.302585
  assertAlmostEquals(1 / (1 + Math.exp(-bias)), 100 / 1100, 1e-12);
  assertEquals(initialOutputBias(7, 7), 0);
  // One example of a class is enough for a base rate: 1 positive, 4 negatives → log(1/4).
  assertAlmostEquals(initialOutputBias(1, 4), Math.log(0.25), 1e-12);
});

Deno.test("correctForPrior and initialOutputBias explain bad input", async () => {
  await assertRejectsWith(
    () => correctForPrior([0.5], { trainPrevalence: 0, targetPrevalence: 0.1 }),
    "trainPrevalence is 0",
    "strictly between 0 and 1",
  );
  await assertRejectsWith(
    () => correctForPrior([0.5], { trainPrevalence: 0.5, targetPrevalence: 1 }),
    "targetPrevalence is 1",
  );
  await assertRejectsWith(
    () => correctForPrior([0.5, 1.5], balancedToReal),
    "probability 1.5 at position 1 is not in [0, 1]: pass the model's sigmoid outputs.",
  );
  await assertRejectsWith(
    () => correctForPrior([-0.1], balancedToReal),
    "probability -0.1 at position 0 is not in [0, 1]",
  );
  await assertRejectsWith(
    () => initialOutputBias(0, 10),
    "positives is 0; pass the training set's count of each class, whole numbers ≥ 1 " +
      "(with a class absent there is no base rate to start from).",
  );
  await assertRejectsWith(() => initialOutputBias(10, 2.5), "negatives is 2.5");
});
