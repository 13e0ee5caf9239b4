/**
 * A confidence interval for a proportion estimated from a random sample:
 * `successes` of `trials` (a mutation score from a sample of the mutants, say).
 * It is Wilson's score interval, which keeps close to its nominal coverage
 * where the plain p̂ ± z·√(p̂(1 − p̂)/n) falls short: near 0 or 1 and for small
 * samples, and it never leaves [0, 1]. A test sums the binomial probabilities
 * of the outcomes whose interval covers the truth, at the sizes it is used at.
 */
import { studentTQuantile } from "./seed_test_interval.ts";

/** A proportion with the ends of its interval. */
export interface ProportionInterval {
  /** successes / trials. */
  estimate: number;
  /** Lower end of the interval. */
  low: number;
  /** Upper end of the interval. */
  high: number;
}

/**
 * Wilson's score interval for `successes` out of `trials` at coverage
 * `confidence` (default 0.95).
 *
 * @example
 * ```ts
 * import { wilsonInterval } from "./proportion_interval.ts";
 * // 90 of 100: the interval is not symmetric about 0.9, and stays below 1.
 * const { estimate, low, high } = wilsonInterval(90, 100);
 * if (estimate !== 0.9) throw new Error(`estimate ${estimate}`);
 * if (Math.abs(low - 0.82563) > 1e-5 || Math.abs(high - 0.94477) > 1e-5) {
 *   throw new Error(`interval ${low}–${high}`);
 * }
 * ```
 */
export function wilsonInterval(
  successes: number,
  trials: number,
  confidence = 0.95,
): ProportionInterval {
  if (!Number.isInteger(trials) || trials < 1) {
    throw new Error(
      `wilsonInterval: trials is ${trials}; pass the sample size, a whole number ≥ 1.`,
    );
  }
  if (!Number.isInteger(successes) || successes < 0 || successes > trials) {
    throw new Error(
      `wilsonInterval: successes is ${successes} of ${trials} trials; pass a whole number ` +
        `from 0 to ${trials}.`,
    );
  }
  if (!(confidence > 0 && confidence < 1)) {
    throw new Error(
      `wilsonInterval: confidence is ${confidence}; pass a share strictly between 0 and 1, ` +
        "e.g. 0.95.",
    );
  }
  const z = studentTQuantile((1 + confidence) / 2, Infinity);
  const estimate = successes / trials;
  const z2n = z * z / trials;
  const center = (estimate + z2n / 2) / (1 + z2n);
  const half = z / (1 + z2n) * Math.sqrt(estimate * (1 - estimate) / trials + z2n / (4 * trials));
  return {
    estimate,
    low: Math.max(0, center - half),
    high: Math.min(1, center + half),
  };
}
