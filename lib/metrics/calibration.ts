/**
 * Calibration: whether a model's probabilities mean what they say (of the
 * examples given 0.8, are 80 % positive?). Class weights and resampling
 * shift a model's probabilities away from the real-world rates; these
 * measures show by how much. Plain arrays, no tfjs. Each takes optional
 * per-example weights, e.g. `prevalenceWeights` to judge a model on a
 * balanced test set as if the positives had their real-world share.
 */
import { checkBinaryInputs } from "./metrics.ts";

/** One equal-width bin of predicted probabilities, from {@link reliabilityBins}. */
export interface ReliabilityBin {
  /** Lower edge, included. */
  binLow: number;
  /** Upper edge, excluded except for the last bin, which includes 1. */
  binHigh: number;
  /** Mean predicted probability of the bin's examples (NaN when the bin is empty). */
  meanPredicted: number;
  /** Share of the bin's examples that are positive (NaN when the bin is empty). */
  observedRate: number;
  /** Number of examples in the bin. */
  count: number;
  /** Total weight of the bin's examples (its count when unweighted). */
  weight: number;
}

/**
 * The Brier score, the mean of (p − y)²: 0 for perfect confident
 * predictions, 0.25 for always answering 0.5, and, unlike accuracy, it
 * rewards probabilities that are right about their own uncertainty.
 */
export function brierScore(
  labels: ArrayLike<number>,
  probabilities: ArrayLike<number>,
  weights?: ArrayLike<number>,
): number {
  checkBinaryInputs(labels, probabilities, "brierScore", true);
  checkWeights(weights, labels.length, "brierScore");
  let total = 0;
  let totalWeight = 0;
  for (let position = 0; position < labels.length; position++) {
    const weight = weights ? weights[position] : 1;
    total += weight * (probabilities[position] - labels[position]) ** 2;
    totalWeight += weight;
  }
  return total / totalWeight;
}

/**
 * The data of a reliability diagram: the probabilities split into `bins`
 * equal-width bins over [0, 1] (bin k holds k/bins ≤ p < (k+1)/bins; 1
 * goes in the last bin), each with its mean predicted probability, the
 * observed share of positives and the count. Every bin is reported, empty
 * ones with count 0 and NaN rates, so the rows line up across models.
 * A calibrated model's bins lie on the diagonal observedRate = meanPredicted.
 * With `weights`, the means and rates are weighted means.
 */
export function reliabilityBins(
  labels: ArrayLike<number>,
  probabilities: ArrayLike<number>,
  bins = 10,
  weights?: ArrayLike<number>,
): ReliabilityBin[] {
  checkBinaryInputs(labels, probabilities, "reliabilityBins", true);
  checkWeights(weights, labels.length, "reliabilityBins");
  if (!Number.isInteger(bins) || bins < 1) {
    throw new Error(`reliabilityBins: bins is ${bins}; pass a whole number ≥ 1, e.g. 10.`);
  }
  const predictedSum = new Float64Array(bins);
  const positives = new Float64Array(bins);
  const counts = new Float64Array(bins);
  const binWeights = new Float64Array(bins);
  for (let position = 0; position < labels.length; position++) {
    const bin = binOf(probabilities[position], bins);
    const weight = weights ? weights[position] : 1;
    predictedSum[bin] += weight * probabilities[position];
    positives[bin] += weight * labels[position];
    counts[bin]++;
    binWeights[bin] += weight;
  }
  return Array.from({ length: bins }, (_, bin) => ({
    binLow: bin / bins,
    binHigh: (bin + 1) / bins,
    meanPredicted: binWeights[bin] === 0 ? NaN : predictedSum[bin] / binWeights[bin],
    observedRate: binWeights[bin] === 0 ? NaN : positives[bin] / binWeights[bin],
    count: counts[bin],
    weight: binWeights[bin],
  }));
}

/**
 * The expected calibration error: the mean over the bins of
 * {@link reliabilityBins} of |observedRate − meanPredicted|, each bin
 * weighted by its share of the examples (of their total weight, with
 * `weights`; empty bins weigh 0). 0 for a calibrated model; it depends on
 * the number of bins, so compare models at the same `bins`.
 */
export function expectedCalibrationError(
  labels: ArrayLike<number>,
  probabilities: ArrayLike<number>,
  bins = 10,
  weights?: ArrayLike<number>,
): number {
  const filled = reliabilityBins(labels, probabilities, bins, weights).filter((bin) =>
    bin.weight > 0
  );
  const totalWeight = filled.reduce((total, bin) => total + bin.weight, 0);
  return filled.reduce(
    (total, bin) =>
      total + bin.weight / totalWeight * Math.abs(bin.observedRate - bin.meanPredicted),
    0,
  );
}

function checkWeights(weights: ArrayLike<number> | undefined, count: number, caller: string): void {
  if (weights === undefined) return;
  if (weights.length !== count) {
    throw new Error(
      `${caller}: ${weights.length} weights for ${count} examples; pass one weight per example.`,
    );
  }
  for (let position = 0; position < weights.length; position++) {
    if (!(weights[position] >= 0 && Number.isFinite(weights[position]))) {
      throw new Error(
        `${caller}: weights[${position}] is ${weights[position]}; weights are finite numbers ≥ 0.`,
      );
    }
  }
}

/** The bin of `probability`, consistent with the edges k / bins (p · bins can round below an edge). */
function binOf(probability: number, bins: number): number {
  let bin = Math.floor(probability * bins);
  if (bin < bins - 1 && probability >= (bin + 1) / bins) bin++;
  return Math.min(bin, bins - 1);
}
