import * as tf from "@tensorflow/tfjs";
import { countReads } from "../fixtures/count_reads.ts";
import { assert, assertEquals, assertRejectsWith } from "../assert.ts";
import { runEpoch, RunningLoss } from "../../lib/training/running_loss.ts";
import { withClock } from "../fixtures/stubbed_clock.ts";

await tf.setBackend("cpu");

/** Batch losses as float32 values (as the engine holds them) and example counts, last batch short. */
const LOSSES = [0.6931472, 0.51234567, 0.4, 1.25e-3, 0.333333, 2.5];
const EXAMPLES = [32, 32, 32, 32, 32, 7];

/** The mean the training loops computed before: each loss read on its own, summed in float64. */
function oneByOneMean(): number {
  let sum = 0;
  LOSSES.forEach((loss, i) => (sum += Math.fround(loss) * EXAMPLES[i]));
  return sum / EXAMPLES.reduce((a, b) => a + b, 0);
}

Deno.test("RunningLoss read in one group gives exactly the mean of reading each loss alone", async () => {
  const before = tf.memory().numTensors;
  const losses = new RunningLoss(60_000);
  LOSSES.forEach((loss, i) => losses.add(tf.scalar(loss), EXAMPLES[i]));
  assertEquals(await losses.readIfDue(), false, "nothing is due within readEveryMs");
  assertEquals(losses.batchesRead, 0);
  assert(Number.isNaN(losses.mean), "no mean before the first read");
  const { reads } = await countReads(() => losses.read());
  assertEquals(reads, 1, "one read-back for all six losses");
  assertEquals(losses.batchesRead, 6);
  assertEquals(losses.mean, oneByOneMean());
  assertEquals(tf.memory().numTensors, before, "the losses and the stacked copy are disposed");
});

Deno.test("RunningLoss with readEveryMs 0 reads every batch, and the running mean matches at each step", async () => {
  const losses = new RunningLoss(0);
  let sum = 0;
  let examples = 0;
  for (let i = 0; i < LOSSES.length; i++) {
    losses.add(tf.scalar(LOSSES[i]), EXAMPLES[i]);
    assertEquals(await losses.readIfDue(), true);
    sum += Math.fround(LOSSES[i]) * EXAMPLES[i];
    examples += EXAMPLES[i];
    assertEquals(losses.batchesRead, i + 1);
    assertEquals(losses.mean, sum / examples);
  }
  assertEquals(await losses.readIfDue(), false, "nothing pending, nothing read");
});

Deno.test("runEpoch: same mean as one-by-one reads, reads grouped, progress after each read", async () => {
  const before = tf.memory().numTensors;
  const seen: [number, number][] = [];
  let mean = 0;
  const { reads } = await countReads(async () => {
    mean = await runEpoch(
      LOSSES.map((loss, i) => ({ loss, examples: EXAMPLES[i] })),
      ({ loss, examples }) => ({ loss: tf.scalar(loss), examples }),
      (batchesRead, meanLoss) => {
        seen.push([batchesRead, meanLoss]);
        return Promise.resolve();
      },
      60_000,
    );
  });
  assertEquals(mean, oneByOneMean());
  assertEquals(reads, 1, "a fast epoch is read once, at its end");
  assertEquals(seen, [[6, oneByOneMean()]]);
  assertEquals(tf.memory().numTensors, before);
});

Deno.test("runEpoch disposes the unread losses when a step throws, and passes the error on", async () => {
  const before = tf.memory().numTensors;
  await assertRejectsWith(
    () =>
      runEpoch(
        [0, 1, 2, 3],
        (i) => {
          if (i === 3) throw new Error("step 3 failed");
          return { loss: tf.scalar(i), examples: 1 };
        },
        () => Promise.resolve(),
        60_000,
      ),
    "step 3 failed",
  );
  assertEquals(tf.memory().numTensors, before, "no loss tensor outlives the failed epoch");
});

Deno.test("RunningLoss refuses a non-scalar loss, a bad example count and a negative interval", async () => {
  const losses = new RunningLoss();
  const vector = tf.tensor1d([1, 2]);
  await assertRejectsWith(
    () => losses.add(vector as unknown as tf.Scalar, 2),
    "must be a scalar, got shape [2]",
  );
  const scalar = tf.scalar(1);
  await assertRejectsWith(() => losses.add(scalar, 0), "whole number > 0, got 0");
  await assertRejectsWith(() => losses.add(scalar, 2.5), "whole number > 0, got 2.5");
  await assertRejectsWith(() => new RunningLoss(-1), "readEveryMs must be a number ≥ 0, got -1");
  tf.dispose([vector, scalar]);
});

Deno.test("RunningLoss.readIfDue reads once readEveryMs has passed since the last read, not before", async () => {
  await withClock(async (clock) => {
    const losses = new RunningLoss(500);
    losses.add(tf.scalar(1), 2);
    clock.now += 499;
    assertEquals(await losses.readIfDue(), false, "499 ms after the start");
    clock.now += 1;
    assertEquals(await losses.readIfDue(), true, "500 ms after the start");
    losses.add(tf.scalar(3), 2);
    clock.now += 100;
    assertEquals(await losses.readIfDue(), false, "100 ms after the last read");
    assertEquals([losses.batchesRead, losses.mean], [1, 1]);
    losses.dispose();
    // readEveryMs 0 reads every batch, even when no time has passed at all.
    const eager = new RunningLoss(0);
    eager.add(tf.scalar(1), 1);
    assertEquals(await eager.readIfDue(), true);
  });
  assert(performance.now() > 0, "the real clock is back");
});

Deno.test("runEpoch with readEveryMs 0 reports the running mean after every batch, then the epoch's", async () => {
  const seen: [number, number][] = [];
  const mean = await runEpoch(
    [2, 4, 6],
    (loss) => ({ loss: tf.scalar(loss), examples: loss }),
    (batchesRead, meanLoss) => {
      seen.push([batchesRead, meanLoss]);
      return Promise.resolve();
    },
    0,
  );
  // Means per example: 2·2 / 2, (4 + 16) / 6, (4 + 16 + 36) / 12.
  assertEquals(seen, [[1, 2], [2, 20 / 6], [3, 56 / 12], [3, 56 / 12]]);
  assertEquals(mean, 56 / 12);
});

Deno.test("RunningLoss.dispose frees the unread losses and forgets them", async () => {
  const before = tf.memory().numTensors;
  const losses = new RunningLoss(60_000);
  losses.add(tf.scalar(1), 1);
  losses.add(tf.scalar(2), 1);
  losses.dispose();
  assertEquals(tf.memory().numTensors, before);
  await losses.read();
  assertEquals(losses.batchesRead, 0, "a read after dispose has nothing to read");
  assert(Number.isNaN(losses.mean));
});
