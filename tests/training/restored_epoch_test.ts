import assert from "node:assert/strict";
import { restoredEpoch } from "../../lib/training/restored_epoch.ts";
import type { History } from "../../lib/training/history.ts";

const run = (losses: number[], rates: number[]): History =>
  losses.map((valLoss, i) => ({ epoch: i + 1, loss: 0.4, lr: rates[i], valLoss, seconds: 1 }));

Deno.test("restoredEpoch keeps the first lowest loss and counts gains below min delta", () => {
  const history = run(
    [0.70, 0.60, 0.60, 0.59995, 0.59990, 0.59990, 0.61],
    [1e-3, 1e-3, 1e-3, 1e-4, 1e-5, 1e-5, 1e-6],
  );
  const restored = restoredEpoch(history);
  assert.equal(restored.epoch, 5); // the tie at epoch 6 does not count
  assert.equal(restored.learningRate, 1e-5);
  assert.ok(Math.abs(restored.gain! - 5e-5) < 1e-12);
  assert.equal(restored.smallGains, 2);
  assert.equal(restoredEpoch(history, { minDelta: 1e-5 }).smallGains, 0);
  assert.equal(restoredEpoch(run([0.5, 0.6], [1e-3, 1e-3])).gain, undefined);
  // Small gains are those below minDelta: a gain of exactly minDelta is not one.
  const exact = restoredEpoch(run([1, 0.75, 0.5], [1, 1, 1]), { minDelta: 0.25 });
  assert.deepEqual(exact, { epoch: 3, learningRate: 1, gain: 0.25, smallGains: 0 });
});

Deno.test("restoredEpoch names a history without validation loss", () => {
  assert.throws(
    () => restoredEpoch([{ epoch: 1, loss: 0.5, lr: 1e-3, seconds: 1 }]),
    /epoch 1 has no validation loss/,
  );
  assert.throws(() => restoredEpoch([]), /empty/);
});
