import { assert, assertAlmostEquals, assertEquals, assertRejectsWith } from "../assert.ts";
import {
  brierScore,
  expectedCalibrationError,
  reliabilityBins,
} from "../../lib/metrics/calibration.ts";

Deno.test("brierScore: the mean squared gap between probability and label, by hand", () => {
  // (0.9 − 1)² + (0.2 − 0)² + (0.6 − 0)² + (0.3 − 1)² = 0.01 + 0.04 + 0.36 + 0.49 = 0.9; / 4.
  assertAlmostEquals(brierScore([1, 0, 0, 1], [0.9, 0.2, 0.6, 0.3]), 0.225, 1e-12);
  assertEquals(brierScore([1, 0], [1, 0]), 0);
  assertEquals(brierScore([1, 0, 1], [0.5, 0.5, 0.5]), 0.25);
});

// Four bins of width 0.25; by hand:
//   [0, 0.25):   0.1 (y 0), 0.2 (y 1)           → mean 0.15, observed 0.5, count 2
//   [0.25, 0.5): empty
//   [0.5, 0.75): 0.5 (y 1), 0.6 (y 0), 0.7 (y 1) → mean 0.6,  observed 2/3, count 3
//   [0.75, 1]:   0.9 (y 1), 1 (y 1)              → mean 0.95, observed 1,   count 2
const labels = [0, 1, 1, 0, 1, 1, 1];
const probabilities = [0.1, 0.2, 0.5, 0.6, 0.7, 0.9, 1];

Deno.test("reliabilityBins: equal-width bins, edges in the upper bin, empty bins with count 0", () => {
  const bins = reliabilityBins(labels, probabilities, 4);
  assertEquals(bins.map((bin) => [bin.binLow, bin.binHigh, bin.count]), [
    [0, 0.25, 2],
    [0.25, 0.5, 0],
    [0.5, 0.75, 3],
    [0.75, 1, 2],
  ]);
  const expected = [[0.15, 0.5], [NaN, NaN], [0.6, 2 / 3], [0.95, 1]];
  bins.forEach((bin, index) => {
    const [meanPredicted, observedRate] = expected[index];
    if (Number.isNaN(meanPredicted)) {
      assert(Number.isNaN(bin.meanPredicted) && Number.isNaN(bin.observedRate));
    } else {
      assertAlmostEquals(bin.meanPredicted, meanPredicted, 1e-12);
      assertAlmostEquals(bin.observedRate, observedRate, 1e-12);
    }
  });
  assertEquals(reliabilityBins(labels, probabilities).length, 10);
  // 0.29 · 100 rounds to 28.999…, yet 0.29 is bin 29's lower edge.
  assertEquals(reliabilityBins([1], [0.29], 100)[29].count, 1);
});

Deno.test("expectedCalibrationError: the count-weighted mean gap over the bins, by hand", () => {
  // (2·|0.5 − 0.15| + 3·|2/3 − 0.6| + 2·|1 − 0.95|) / 7 = (0.7 + 0.2 + 0.1) / 7 = 1/7.
  assertAlmostEquals(expectedCalibrationError(labels, probabilities, 4), 1 / 7, 1e-12);
  // Calibrated by construction: in each bin the share of positives equals the prediction.
  assertAlmostEquals(
    expectedCalibrationError([1, 0, 0, 0, 1, 1, 1, 0], [
      0.25,
      0.25,
      0.25,
      0.25,
      0.75,
      0.75,
      0.75,
      0.75,
    ]),
    0,
    1e-12,
  );
  // One bin: the gap between the mean prediction and the base rate.
  assertAlmostEquals(expectedCalibrationError([1, 0, 0, 0], [0.9, 0.1, 0.3, 0.3], 1), 0.15, 1e-12);
});

Deno.test("calibration measures explain bad input", async () => {
  await assertRejectsWith(() => brierScore([1, 0], [0.5]), "2 labels but 1 probabilities");
  await assertRejectsWith(() => brierScore([2], [0.5]), "label 2");
  await assertRejectsWith(() => reliabilityBins([1], [1.2]), "probability 1.2");
  await assertRejectsWith(() => reliabilityBins([1], [0.5], 0), "bins is 0");
  await assertRejectsWith(() => expectedCalibrationError([], []), "no examples");
});

Deno.test("calibration measures name themselves in their errors; a weight of 0 is allowed", async () => {
  await assertRejectsWith(() => brierScore([1, 0], [0.5]), "brierScore: 2 labels but 1");
  await assertRejectsWith(
    () => brierScore([1], [0.5], [1, 2]),
    "brierScore: 2 weights for 1 examples; pass one weight per example.",
  );
  await assertRejectsWith(() => reliabilityBins([1], [1.2]), "reliabilityBins: probability 1.2");
  await assertRejectsWith(
    () => reliabilityBins([1], [0.5], 10, [-1]),
    "reliabilityBins: weights[0] is -1; weights are finite numbers ≥ 0.",
  );
  // The second example weighs nothing: (0.9 − 1)² · 1 / 1.
  assertAlmostEquals(brierScore([1, 0], [0.9, 0.2], [1, 0]), 0.01, 1e-12);
});
