/**
 * One trained model scored on several test sets: the model stays the same,
 * so whatever moves between the sets is the sets' doing (their share of
 * positives), not the model's.
 */
import type * as tf from "@tensorflow/tfjs";
import { type Evaluation, scorePredictions } from "../metrics/evaluate.ts";
import { type LabeledExamples, labelsOf, predictProbabilities } from "../models/predict.ts";

/** A model's score on one named test set, with what precision-recall curves need. */
export interface SetScore {
  /** The test set's name, e.g. "balanced". */
  set: string;
  /** Metrics at the threshold. */
  evaluation: Evaluation;
  /** The 0/1 labels, in the set's order. */
  labels: Uint8Array;
  /** The model's probability of the positive class per example, in the same order. */
  probabilities: Float32Array;
}

/**
 * Predicts every set and scores it at `threshold` (default 0.5), one
 * {@link SetScore} per set in the order given: `scoreOnSets(model, {
 * balanced, representative })`.
 */
export async function scoreOnSets(
  model: tf.LayersModel,
  sets: Record<string, LabeledExamples>,
  threshold = 0.5,
): Promise<SetScore[]> {
  const entries = Object.entries(sets);
  if (entries.length === 0) {
    throw new Error("scoreOnSets: no test sets; pass e.g. { balanced, representative }.");
  }
  const scores: SetScore[] = [];
  for (const [set, examples] of entries) {
    if (examples.indices.length === 0) {
      throw new Error(`scoreOnSets: test set "${set}" is empty; pass a non-empty subset.`);
    }
    const labels = labelsOf(examples);
    const probabilities = await predictProbabilities(model, examples);
    scores.push({
      set,
      evaluation: scorePredictions(labels, probabilities, threshold),
      labels,
      probabilities,
    });
  }
  return scores;
}
