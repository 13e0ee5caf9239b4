import * as tf from "@tensorflow/tfjs";
import { assert, assertAlmostEquals, assertRejectsWith } from "../assert.ts";
import { selectEngine } from "../../lib/engine/select_engine.ts";
import { binaryFocalLoss, focalLoss } from "../../lib/training/focal_loss.ts";
import { weightedBinaryCrossEntropy } from "../../lib/training/weighted_loss.ts";

await selectEngine({ backend: "wasm", log: () => {} });

function lossOf(loss: tf.Scalar): number {
  const value = loss.dataSync()[0];
  loss.dispose();
  return value;
}

const labels = tf.tensor1d([1, 0, 1, 0]);
const probabilities = tf.tensor1d([0.9, 0.9, 0.2, 0.1]);

Deno.test("binaryFocalLoss with γ = 2, α = 0.25, worked by hand", () => {
  // positive, p 0.9: 0.25 · 0.1² · −ln 0.9 = 0.000263401
  // negative, p 0.9: 0.75 · 0.9² · −ln 0.1 = 1.398820452
  // positive, p 0.2: 0.25 · 0.8² · −ln 0.2 = 0.257510066
  // negative, p 0.1: 0.75 · 0.1² · −ln 0.9 = 0.000790204
  // mean: 1.657384123 / 4 = 0.414346031
  assertAlmostEquals(lossOf(binaryFocalLoss(labels, probabilities)), 0.414346031, 1e-6);
  assertAlmostEquals(
    lossOf(binaryFocalLoss(labels, probabilities, { alpha: 0.25, gamma: 2 })),
    0.414346031,
    1e-6,
  );
  // The same through the factory, as a training loop would call it.
  assertAlmostEquals(lossOf(focalLoss()(labels, probabilities)), 0.414346031, 1e-6);
});

Deno.test("binaryFocalLoss with γ = 0 and α = 0.5 is half the binary cross-entropy", () => {
  const focal = lossOf(binaryFocalLoss(labels, probabilities, { alpha: 0.5, gamma: 0 }));
  const crossEntropy = lossOf(weightedBinaryCrossEntropy(labels, probabilities));
  assertAlmostEquals(focal, crossEntropy / 2, 1e-6);
});

Deno.test("binaryFocalLoss clips like weightedBinaryCrossEntropy: a sure mistake costs (1 − α)·BCE", () => {
  const label = tf.tensor1d([0]);
  const sure = tf.tensor1d([1]);
  const focal = lossOf(binaryFocalLoss(label, sure, { alpha: 0.25 }));
  // p clips to 1 − 1e-7 (0.99999988 in float32): p^γ ≈ 1, so the focal loss is 0.75 · the BCE,
  // about 0.75 · 15.94 = 11.96 (15.94 rather than −ln 1e-7 = 16.12 because of float32).
  assert(Number.isFinite(focal));
  assertAlmostEquals(focal, 0.75 * lossOf(weightedBinaryCrossEntropy(label, sure)), 1e-4);
  assertAlmostEquals(focal, 11.96, 0.01);
});

Deno.test("binaryFocalLoss's gradient for a positive at p = 0.5, worked by hand", () => {
  // d/dp [−α(1 − p)^γ ln p] = α[γ(1 − p)^(γ−1) ln p − (1 − p)^γ / p]
  //   = 0.25 · [2 · 0.5 · ln 0.5 − 0.25 / 0.5] = 0.25 · (−0.693147 − 0.5) = −0.298287
  const gradient = tf.grad((p: tf.Tensor) => binaryFocalLoss(tf.tensor1d([1]), p))(
    tf.tensor1d([0.5]),
  );
  assertAlmostEquals(gradient.dataSync()[0], -0.298287, 1e-5);
  gradient.dispose();
});

Deno.test("focal loss explains bad parameters", async () => {
  await assertRejectsWith(() => focalLoss({ alpha: 1.5 }), "alpha is 1.5", "[0, 1]");
  await assertRejectsWith(() => focalLoss({ gamma: -1 }), "gamma is -1", "≥ 0");
  await assertRejectsWith(
    () => binaryFocalLoss(labels, probabilities, { gamma: NaN }),
    "gamma is NaN",
  );
});

Deno.test("α may be 0 or 1: all the weight on one class, and α < 0 is refused", async () => {
  // γ = 0, α = 1: only the positives count, −(ln 0.9 + ln 0.2) / 4 = 0.428700; α = 0: only the
  // negatives, −(ln 0.1 + ln 0.9) / 4 = 0.601986.
  assertAlmostEquals(
    lossOf(binaryFocalLoss(labels, probabilities, { alpha: 1, gamma: 0 })),
    -(Math.log(0.9) + Math.log(0.2)) / 4,
    1e-6,
  );
  assertAlmostEquals(
    lossOf(focalLoss({ alpha: 0, gamma: 0 })(labels, probabilities)),
    -(Math.log(0.1) + Math.log(0.9)) / 4,
    1e-6,
  );
  await assertRejectsWith(
    () => focalLoss({ alpha: -0.1 }),
    "focal loss: alpha is -0.1; pass the positives' weight in [0, 1] (e.g. 0.25).",
  );
});
