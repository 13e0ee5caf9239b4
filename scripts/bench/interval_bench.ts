/**
 * `deno task bench:interval`: how fast `seedTestSetInterval` bootstraps a study of the notebooks'
 * size (1,000 cats and 100 dogs, 10 seeds, 200 resamples) with `thresholdMetric`, against the
 * same interval with a plain tally (a branch on the label and one on the prediction per example,
 * as `thresholdMetric` was written before). The two take turns over `--rounds` rounds (default 5)
 * and the medians are compared, so load from other processes hits both. Both give the same
 * interval to the bit; the last line is `ratio_threshold_metric_vs_plain_tally=R` (R > 1: faster).
 */
import {
  seedTestSetInterval,
  thresholdMetric,
  type WeightedMetric,
} from "../../lib/statistics/seed_test_interval.ts";
import { metricsFromCounts } from "../../lib/metrics/metrics.ts";
import { createRandom } from "../../lib/data/random.ts";
import { positiveNumber } from "./flags.ts";

/** F1 by a branch per cell, the reference the ratio is taken against. */
const plainTally: WeightedMetric = (labels, scores, weights) => {
  const counts = { tp: 0, fp: 0, tn: 0, fn: 0 };
  for (let i = 0; i < labels.length; i++) {
    const weight = weights[i];
    if (weight === 0) continue;
    const predicted = scores[i] > 0;
    if (labels[i] === 1) predicted ? (counts.tp += weight) : (counts.fn += weight);
    else predicted ? (counts.fp += weight) : (counts.tn += weight);
  }
  return metricsFromCounts(counts).f1;
};

/** Labels (dogs first, as test sets are stored by class) and 10 seeds' scores, about 80 % right. */
function study(): { labels: number[]; scoresBySeed: Float64Array[] } {
  const random = createRandom(1);
  const labels = Array.from({ length: 1100 }, (_, i) => (i < 100 ? 1 : 0));
  const scoresBySeed = Array.from(
    { length: 10 },
    () => Float64Array.from(labels, (label) => 1.2 * (2 * label - 1) + 3 * (2 * random.next() - 1)),
  );
  return { labels, scoresBySeed };
}

/** Milliseconds for `intervals` intervals with `metric`, and the last interval's low end. */
function time(metric: WeightedMetric, intervals: number): { ms: number; low: number } {
  const { labels, scoresBySeed } = study();
  const started = performance.now();
  let low = 0;
  for (let k = 0; k < intervals; k++) {
    low = seedTestSetInterval(labels, scoresBySeed, metric, { seed: k, resamples: 200 }).low;
  }
  return { ms: performance.now() - started, low };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

if (import.meta.main) {
  const rounds = positiveNumber(Deno.args, "--rounds", 5);
  const fast = thresholdMetric("f1", { threshold: 0 });
  time(fast, 20); // warm-up of both paths before the timed rounds
  time(plainTally, 20);
  const fastMs: number[] = [];
  const plainMs: number[] = [];
  for (let round = 0; round < rounds; round++) {
    const a = time(fast, 100);
    const b = time(plainTally, 100);
    if (!Object.is(a.low, b.low)) {
      throw new Error(`the two metrics gave different intervals (low ${a.low} vs ${b.low})`);
    }
    fastMs.push(a.ms);
    plainMs.push(b.ms);
    console.log(
      `round ${round + 1}: thresholdMetric ${a.ms.toFixed(0)} ms, plain tally ${
        b.ms.toFixed(0)
      } ms per 100 intervals`,
    );
  }
  console.log(
    `ratio_threshold_metric_vs_plain_tally=${(median(plainMs) / median(fastMs)).toFixed(2)}`,
  );
}
