/**
 * Prior shift: a model trained where positives make up π_train of the data
 * (e.g. a balanced set, 0.5) predicts probabilities calibrated to that base
 * rate, not to the deployment rate π_target. Bayes' rule moves them there
 * by adding the change in log prior odds to the logit, the same odds
 * scaling that `rescalePrecision` applies to precision. And the reverse
 * trick: starting the output bias at the log odds of the training base rate,
 * so that the untrained model already predicts it (TensorFlow's
 * imbalanced-data tutorial).
 */
import { EPSILON } from "./metrics.ts";

/** The two base rates of {@link correctForPrior}. */
export interface PriorShift {
  /** Share of positives in the data the model was trained on (0.5 for a balanced set). */
  trainPrevalence: number;
  /** Share of positives where the model is used, e.g. 100 / 1100. */
  targetPrevalence: number;
}

/**
 * Each probability moved from the training base rate to the target base
 * rate: logit(p′) = logit(p) + log(π_target / (1 − π_target)) −
 * log(π_train / (1 − π_train)). E.g. p = 0.5 from a balanced training set
 * becomes 1/11 at π_target = 1/11. Probabilities are clipped to
 * [1e-7, 1 − 1e-7] first (as the losses do), so 0 and 1 stay finite on the
 * logit scale and come out close to, not exactly, 0 and 1. It assumes only
 * the base rate changed, not what a positive looks like. Class weights
 * shift probabilities the same way: at the weighted loss's optimum, a weight
 * w on positives multiplies the predicted odds by w, as if the prior odds
 * were w times larger.
 */
export function correctForPrior(
  probabilities: ArrayLike<number>,
  shift: PriorShift,
): number[] {
  const offset = logOdds(checkPrevalence(shift.targetPrevalence, "targetPrevalence")) -
    logOdds(checkPrevalence(shift.trainPrevalence, "trainPrevalence"));
  return Array.from(probabilities, (probability, position) => {
    if (!(probability >= 0 && probability <= 1)) {
      throw new Error(
        `correctForPrior: probability ${probability} at position ${position} is not in [0, 1]: ` +
          "pass the model's sigmoid outputs.",
      );
    }
    const clipped = Math.min(Math.max(probability, EPSILON), 1 - EPSILON);
    return 1 / (1 + Math.exp(-(logOdds(clipped) + offset)));
  });
}

/**
 * The output layer's starting bias for a sigmoid classifier with this many
 * positive and negative training examples: log(positives / negatives), so
 * that the untrained model predicts the base rate (sigmoid of the bias =
 * positives / (positives + negatives)) instead of 0.5 and the first epochs
 * are not spent learning it.
 */
export function initialOutputBias(positives: number, negatives: number): number {
  for (const [name, count] of [["positives", positives], ["negatives", negatives]] as const) {
    if (!Number.isInteger(count) || count < 1) {
      throw new Error(
        `initialOutputBias: ${name} is ${count}; pass the training set's count of each class, ` +
          "whole numbers ≥ 1 (with a class absent there is no base rate to start from).",
      );
    }
  }
  return Math.log(positives / negatives);
}

function logOdds(probability: number): number {
  return Math.log(probability / (1 - probability));
}

function checkPrevalence(value: number, name: string): number {
  if (!(value > 0 && value < 1)) {
    throw new Error(
      `correctForPrior: ${name} is ${value}; a prevalence is the share of positives, strictly ` +
        "between 0 and 1 (e.g. 0.5 for a balanced set, 100 / 1100 for 100 dogs among 1,000 cats).",
    );
  }
  return value;
}
