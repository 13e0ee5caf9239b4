/** The Identity wrapper on wasm (lib/engine/wasm/identity.ts) shares memory instead of copying. */
import * as tf from "@tensorflow/tfjs";
import assert from "node:assert/strict";
import { withWasm } from "../../fixtures/wasm_against_cpu.ts";

Deno.test("Identity on wasm shares the tensor's memory, counted, instead of copying it", async () => {
  await withWasm(() => {
    const backend = tf.backend();
    const x = tf.tensor2d([[1, 2], [3, -4]]);
    const before = tf.memory().numBytes;
    const copy = tf.clone(x);
    assert.equal(copy.dataId, x.dataId, "the clone has its own data: Identity copied it");
    assert.equal(backend.refCount(x.dataId), 2);
    assert.equal(tf.memory().numBytes, before + 16, "tfjs counts the clone's bytes as usual");
    x.dispose();
    assert.deepEqual(
      Array.from(copy.dataSync()),
      [1, 2, 3, -4],
      "disposing x freed the clone's data",
    );
    assert.equal(backend.refCount(copy.dataId), 1);
    copy.dispose();
    assert.equal(backend.refCount(copy.dataId), 0, "the shared memory outlived both tensors");
    const words = tf.tensor1d(["cat", "dog"], "string");
    const wordsCopy = tf.clone(words);
    assert.deepEqual(wordsCopy.arraySync(), ["cat", "dog"], "strings go to wasm's own kernel");
    tf.dispose([words, wordsCopy]);
  });
});
