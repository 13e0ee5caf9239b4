/**
 * ROC AUC and average precision (PR AUC) with a weight per example, as
 * `WeightedMetric`s for `seedTestSetInterval`: a bootstrap resample of a test
 * set is the set with each example weighted by how often it was drawn. An
 * integer weight w counts the example as w copies, so the result equals
 * `rocAuc` / `averagePrecision` on the expanded lists (ties included). Each
 * score list is sorted once and the order reused for every resample.
 */
import type { WeightedMetric } from "../statistics/seed_test_interval.ts";

/** Score lists already sorted, highest score first (sorting is the costly part of a resample). */
const sortedOrders = new WeakMap<ArrayLike<number>, Int32Array>();

function descendingOrder(scores: ArrayLike<number>): Int32Array {
  let order = sortedOrders.get(scores);
  if (order === undefined) {
    order = Int32Array.from({ length: scores.length }, (_, i) => i)
      .sort((a, b) => scores[b] - scores[a]);
    if (typeof scores === "object") sortedOrders.set(scores, order);
  }
  return order;
}

/** Weighted cumulative (tp, fp) at each distinct score, highest first. */
function weightedSteps(
  labels: ArrayLike<number>,
  scores: ArrayLike<number>,
  weights: ArrayLike<number>,
): { positives: number; negatives: number; tp: number[]; fp: number[] } {
  if (labels.length !== scores.length || labels.length !== weights.length) {
    throw new Error(
      `Weighted rank metric: ${labels.length} labels, ${scores.length} scores and ` +
        `${weights.length} weights; give one of each per example.`,
    );
  }
  const order = descendingOrder(scores);
  const tp: number[] = [];
  const fp: number[] = [];
  let positives = 0;
  let negatives = 0;
  for (let rank = 0; rank < order.length; rank++) {
    const i = order[rank];
    if (labels[i] === 1) positives += weights[i];
    else negatives += weights[i];
    const next = order[rank + 1];
    if (next === undefined || scores[next] !== scores[i]) {
      tp.push(positives);
      fp.push(negatives);
    }
  }
  return { positives, negatives, tp, fp };
}

/**
 * Weighted ROC AUC: the weighted share of (positive, negative) pairs the
 * positive wins, ties counting one half; `NaN` when a class has no weight.
 *
 * @example
 * ```ts
 * import { weightedRocAuc } from "./weighted_rank_metrics.ts";
 * const auc = weightedRocAuc([1, 0, 1, 0], [0.9, 0.8, 0.3, 0.1], [1, 1, 1, 1]);
 * if (auc !== 0.75) throw new Error(`auc ${auc}`);
 * ```
 */
export const weightedRocAuc: WeightedMetric = (labels, scores, weights) => {
  const { positives, negatives, tp, fp } = weightedSteps(labels, scores, weights);
  if (positives === 0 || negatives === 0) return NaN;
  let won = 0;
  let previousTp = 0;
  let previousFp = 0;
  tp.forEach((cumulativeTp, step) => {
    const tiedPositives = cumulativeTp - previousTp;
    won += (fp[step] - previousFp) * (previousTp + tiedPositives / 2);
    previousTp = cumulativeTp;
    previousFp = fp[step];
  });
  return won / (positives * negatives);
};

/**
 * Weighted average precision (scikit-learn's `average_precision_score` with
 * `sample_weight`): Σ (Rₖ − Rₖ₋₁)·Pₖ over distinct scores, highest first;
 * `NaN` when the positives have no weight.
 *
 * @example
 * ```ts
 * import { weightedAveragePrecision } from "./weighted_rank_metrics.ts";
 * const ap = weightedAveragePrecision([1, 0, 1, 0], [0.9, 0.8, 0.3, 0.1], [1, 1, 1, 1]);
 * if (Math.abs(ap - (0.5 * 1 + 0.5 * 2 / 3)) > 1e-12) throw new Error(`ap ${ap}`);
 * ```
 */
export const weightedAveragePrecision: WeightedMetric = (labels, scores, weights) => {
  const { positives, tp, fp } = weightedSteps(labels, scores, weights);
  if (positives === 0) return NaN;
  let area = 0;
  let previousTp = 0;
  tp.forEach((cumulativeTp, step) => {
    if (cumulativeTp > previousTp) {
      area += ((cumulativeTp - previousTp) / positives) *
        (cumulativeTp / (cumulativeTp + fp[step]));
    }
    previousTp = cumulativeTp;
  });
  return area;
};
