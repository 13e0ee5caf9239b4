import * as tf from "@tensorflow/tfjs";
import { countReads } from "../fixtures/count_reads.ts";
import { assertEquals, assertRejectsWith } from "../assert.ts";
import { readAllAndDispose, readOutputs } from "../../lib/engine/read_back.ts";

await tf.setBackend("cpu");

Deno.test("readAllAndDispose concatenates tensors of any shape in order, with one read, and frees them", async () => {
  const before = tf.memory().numTensors;
  const tensors = [tf.scalar(1.5), tf.tensor2d([[2, 3], [4, 5]]), tf.tensor1d([6])];
  const { result, reads } = await countReads(() => readAllAndDispose(tensors));
  assertEquals(result, Float32Array.from([1.5, 2, 3, 4, 5, 6]));
  assertEquals(reads, 1);
  assertEquals(tf.memory().numTensors, before);
  assertEquals(await readAllAndDispose([]), new Float32Array(0));
});

Deno.test("readOutputs frees the outputs already made when a later one fails", async () => {
  const before = tf.memory().numTensors;
  await assertRejectsWith(
    () =>
      readOutputs([1, 2, 3], (i) => {
        if (i === 3) throw new Error("item 3 failed");
        return tf.fill([4], i);
      }),
    "item 3 failed",
  );
  assertEquals(tf.memory().numTensors, before);
});
