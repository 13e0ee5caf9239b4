/**
 * The wasm backend's heap seen from JavaScript (lib/engine/wasm/wasm_heap.ts):
 * outputs made on it, views of tensors where they lie, and their byte
 * addresses for the loops of heap_loops.wat.
 */
import * as tf from "@tensorflow/tfjs";
import { assert, assertEquals } from "../../assert.ts";
import { withWasm } from "../../fixtures/wasm_against_cpu.ts";
import {
  heapAddress,
  heapView,
  makeHeapOutput,
  writeHeapOutput,
  writeHeapTensor,
} from "../../../lib/engine/wasm/wasm_heap.ts";

Deno.test("heapView is a tensor's data where it lies, starting at heapAddress", async () => {
  await withWasm(() => {
    const backend = tf.backend();
    const x = tf.tensor2d([1, 2, 3, 4, 5, 6], [2, 3]);
    const view = heapView(backend, x);
    assertEquals(Array.from(view), [1, 2, 3, 4, 5, 6]);
    assertEquals(view.byteOffset, heapAddress(backend, x));
    // A view, not a copy: writing to it changes the tensor.
    view[0] = 7;
    assertEquals(Array.from(x.dataSync()), [7, 2, 3, 4, 5, 6]);
    x.dispose();
  });
});

Deno.test("makeHeapOutput reserves a float32 output of the shape asked, apart from other tensors", async () => {
  await withWasm(() => {
    const backend = tf.backend();
    const x = tf.tensor1d([1, 2, 3]);
    const info = makeHeapOutput(backend, [2, 5]);
    assertEquals([info.shape, info.dtype], [[2, 5], "float32"]);
    assertEquals(heapView(backend, info).length, 10);
    const [start, end] = [heapAddress(backend, info), heapAddress(backend, info) + 40];
    const xStart = heapAddress(backend, x);
    assert(end <= xStart || xStart + 12 <= start, "the output overlaps an existing tensor");
    tf.dispose([x, tf.engine().makeTensorFromTensorInfo(info, backend)]);
  });
});

Deno.test("writeHeapOutput and writeHeapTensor hand the writer views of the output and the inputs, in order", async () => {
  await withWasm(async () => {
    const backend = tf.backend();
    const a = tf.tensor1d([1, 2, 3]);
    const b = tf.tensor1d([10, 20, 30]);
    const subtract = (output: Float32Array, first: Float32Array, second: Float32Array) =>
      output.forEach((_, i) => output[i] = second[i] - first[i]);
    const info = writeHeapOutput(backend, [3], [a, b], subtract);
    const output = tf.engine().makeTensorFromTensorInfo(info, backend);
    assertEquals(Array.from(await output.data()), [9, 18, 27]);
    const tensor = writeHeapTensor(backend, [1, 3], [b, a], subtract);
    assertEquals(tensor.shape, [1, 3]);
    assertEquals(Array.from(await tensor.data()), [-9, -18, -27]);
    // The inputs are unchanged.
    assertEquals([Array.from(await a.data()), Array.from(await b.data())], [[1, 2, 3], [
      10,
      20,
      30,
    ]]);
    tf.dispose([a, b, output, tensor]);
  });
});

Deno.test("writeHeapTensor belongs to the tidy scope it is made in", async () => {
  await withWasm(() => {
    const backend = tf.backend();
    const a = tf.tensor1d([1, 2]);
    const before = tf.memory().numTensors;
    tf.tidy(() => {
      writeHeapTensor(backend, [2], [a], (output, input) => output.set(input));
    });
    assertEquals(tf.memory().numTensors, before);
    a.dispose();
  });
});
