/**
 * The kernels added to the wasm backend give the cpu backend's results (to
 * 1e-4), on the shapes and settings the project's models use and beyond.
 */
import * as tf from "@tensorflow/tfjs";
import assert from "node:assert/strict";
import { selectEngine } from "../../../lib/engine/select_engine.ts";
import { registerWasmTrainingKernels } from "../../../lib/engine/wasm/kernels.ts";
import { sumLeadingRowsInto } from "../../../lib/engine/wasm/sum.ts";
import { randomValues } from "../../fixtures/random_values.ts";

const tolerance = 1e-4;

/** Runs `compute` with `backend` active and returns its results as plain arrays. */
async function runOn(backend: string, compute: () => tf.Tensor[]): Promise<Float32Array[]> {
  await tf.setBackend(backend);
  const tensors = compute();
  const values = await Promise.all(tensors.map((tensor) => tensor.data() as Promise<Float32Array>));
  tf.dispose(tensors);
  return values;
}

function maxAbsDifference(a: Float32Array, b: Float32Array): number {
  assert.equal(a.length, b.length, "result sizes differ between backends");
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i] - b[i]));
  return max;
}

/** Runs a test body with wasm initialised, then gives the process back its previous backend. */
async function withWasm(body: () => void | Promise<void>): Promise<void> {
  const previous = tf.getBackend();
  await selectEngine({ backend: "wasm", log: () => {} });
  try {
    await body();
  } finally {
    if (previous !== undefined) await tf.setBackend(previous);
  }
}

interface ConvCase {
  batch: number;
  height: number;
  width: number;
  inChannels: number;
  filterHeight: number;
  filterWidth: number;
  outChannels: number;
  strides: number | [number, number];
  pad: "same" | "valid" | number | [[0, 0], [number, number], [number, number], [0, 0]];
}

const convCases: ConvCase[] = [];
for (const strides of [1, 2] as const) {
  for (const pad of ["same", "valid"] as const) {
    convCases.push(
      {
        batch: 1,
        height: 5,
        width: 5,
        inChannels: 1,
        filterHeight: 3,
        filterWidth: 3,
        outChannels: 1,
        strides,
        pad,
      },
      {
        batch: 3,
        height: 7,
        width: 9,
        inChannels: 3,
        filterHeight: 3,
        filterWidth: 2,
        outChannels: 4,
        strides,
        pad,
      },
      {
        batch: 2,
        height: 10,
        width: 6,
        inChannels: 5,
        filterHeight: 5,
        filterWidth: 3,
        outChannels: 8,
        strides,
        pad,
      },
      {
        batch: 4,
        height: 8,
        width: 8,
        inChannels: 16,
        filterHeight: 3,
        filterWidth: 3,
        outChannels: 32,
        strides,
        pad,
      },
    );
  }
}
convCases.push(
  {
    batch: 2,
    height: 9,
    width: 7,
    inChannels: 2,
    filterHeight: 3,
    filterWidth: 3,
    outChannels: 3,
    strides: [2, 1],
    pad: "same",
  },
  // A numeric pad only with a square filter: tfjs-core derives the output width from the
  // filter height then, and wasm's own kernels overrun memory on the mismatch.
  {
    batch: 2,
    height: 9,
    width: 7,
    inChannels: 3,
    filterHeight: 3,
    filterWidth: 3,
    outChannels: 2,
    strides: 2,
    pad: 1,
  },
  {
    batch: 1,
    height: 6,
    width: 7,
    inChannels: 2,
    filterHeight: 2,
    filterWidth: 3,
    outChannels: 3,
    strides: 1,
    pad: [[0, 0], [1, 2], [0, 1], [0, 0]],
  },
);

function describe(c: ConvCase): string {
  return `x ${c.batch}x${c.height}x${c.width}x${c.inChannels}, filter ${c.filterHeight}x${c.filterWidth}x${c.inChannels}x${c.outChannels}, ` +
    `strides ${c.strides}, pad ${JSON.stringify(c.pad)}`;
}

/** Gradients of sum(conv2d(x, filter) * weights) for x and filter: Conv2DBackpropInput/Filter with dy = weights. */
function convGradients(c: ConvCase): tf.Tensor[] {
  const x = tf.tensor4d(randomValues(c.batch * c.height * c.width * c.inChannels, 1), [
    c.batch,
    c.height,
    c.width,
    c.inChannels,
  ]);
  const filterShape: [number, number, number, number] = [
    c.filterHeight,
    c.filterWidth,
    c.inChannels,
    c.outChannels,
  ];
  const filter = tf.tensor4d(randomValues(filterShape.reduce((a, b) => a * b), 2), filterShape);
  const convolve = (input: tf.Tensor4D, kernel: tf.Tensor4D) =>
    tf.conv2d(input, kernel, c.strides, c.pad);
  const outShape = tf.tidy(() => convolve(x, filter).shape);
  const dy = tf.tensor4d(randomValues(outShape.reduce((a, b) => a * b), 3), outShape);
  const gradients = tf.grads((input, kernel) =>
    tf.sum(tf.mul(convolve(input as tf.Tensor4D, kernel as tf.Tensor4D), dy))
  )([x, filter]);
  tf.dispose([x, filter, dy]);
  return gradients;
}

Deno.test("Conv2DBackpropFilter and Conv2DBackpropInput on wasm match cpu across strides, paddings and shapes", async () => {
  await withWasm(async () => {
    for (const c of convCases) {
      const [cpuInput, cpuFilter] = await runOn("cpu", () => convGradients(c));
      const [wasmInput, wasmFilter] = await runOn("wasm", () => convGradients(c));
      const filterError = maxAbsDifference(wasmFilter, cpuFilter);
      assert.ok(
        filterError <= tolerance,
        `filter gradient differs by ${filterError} for ${describe(c)}`,
      );
      const inputError = maxAbsDifference(wasmInput, cpuInput);
      assert.ok(
        inputError <= tolerance,
        `input gradient differs by ${inputError} for ${describe(c)}`,
      );
    }
  });
});

Deno.test("the conv gradient kernels on wasm leave their inputs alive and leak no tensor", async () => {
  await withWasm(() => {
    const x = tf.tensor4d(randomValues(2 * 6 * 6 * 3, 4), [2, 6, 6, 3]);
    const filter = tf.tensor4d(randomValues(3 * 3 * 3 * 4, 5), [3, 3, 3, 4]);
    const bias = tf.zeros([4]);
    const before = tf.memory().numTensors;
    // The output gradient is used again (for the bias) after the filter gradient: it must survive.
    const gradients = tf.grads((input, kernel, offset) =>
      tf.sum(
        tf.tanh(tf.add(tf.conv2d(input as tf.Tensor4D, kernel as tf.Tensor4D, 1, "valid"), offset)),
      )
    )([x, filter, bias]);
    assert.deepEqual(gradients.map((g) => g.shape), [[2, 6, 6, 3], [3, 3, 3, 4], [4]]);
    assert.ok(gradients.every((g) => Array.from(g.dataSync()).every(Number.isFinite)));
    tf.dispose(gradients);
    assert.equal(tf.memory().numTensors, before);
    assert.equal(x.dataSync().length, 2 * 6 * 6 * 3, "the input tensor was freed by the kernel");
    tf.dispose([x, filter, bias]);
  });
});

Deno.test("registerWasmTrainingKernels is idempotent", () => {
  registerWasmTrainingKernels();
  registerWasmTrainingKernels();
  assert.ok(tf.getKernel(tf.Conv2DBackpropFilter, "wasm") !== undefined);
});

Deno.test("registerWasmTrainingKernels replaces wasm's own Conv2DBackpropInput", async () => {
  await withWasm(async () => {
    const dy = tf.ones([1, 3, 3, 1]) as tf.Tensor4D;
    const filter = tf.ones([3, 3, 1, 1]) as tf.Tensor4D;
    const info = await tf.profile(() => tf.conv2dTranspose(dy, filter, [1, 3, 3, 1], 1, "same"));
    tf.dispose([dy, filter, info.result as tf.Tensor]);
    const kernelsRun = info.kernels.map((kernel) => kernel.name);
    // The replacement runs as a Conv2D on the turned filter, not as wasm's scalar loop.
    assert.ok(kernelsRun.includes("Conv2DBackpropInput"), kernelsRun.join(", "));
    assert.ok(kernelsRun.includes("Conv2D"), kernelsRun.join(", "));
  });
});

interface PoolCase {
  shape: [number, number, number, number];
  filterSize: number | [number, number];
  strides: number | [number, number];
  pad: "same" | "valid";
}

const poolCases: PoolCase[] = [];
for (const pad of ["same", "valid"] as const) {
  poolCases.push(
    { shape: [2, 8, 8, 3], filterSize: 2, strides: 2, pad },
    { shape: [3, 7, 9, 4], filterSize: 2, strides: 2, pad },
    { shape: [2, 9, 6, 2], filterSize: [3, 2], strides: [2, 1], pad },
    { shape: [1, 7, 7, 5], filterSize: 3, strides: 1, pad },
    { shape: [2, 10, 7, 3], filterSize: 3, strides: 2, pad },
    // The series' pooling, which runs in WebAssembly: 2x2 at stride 2, channels a multiple of 4.
    { shape: [2, 8, 6, 8], filterSize: 2, strides: 2, pad },
    { shape: [3, 9, 7, 12], filterSize: 2, strides: 2, pad },
  );
}

/** Input gradients of sum(maxPool(x) * weights); x is ReLU'd so windows of zeros test ties. */
function maxPoolGradient(c: PoolCase): tf.Tensor[] {
  const size = c.shape.reduce((a, b) => a * b);
  const x = tf.tensor4d(randomValues(size, 21).map((v) => Math.max(0, v)), c.shape);
  const pool = (input: tf.Tensor4D) => tf.maxPool(input, c.filterSize, c.strides, c.pad);
  const outShape = tf.tidy(() => pool(x).shape);
  const dy = tf.tensor4d(randomValues(outShape.reduce((a, b) => a * b), 22), outShape);
  const [gradient] = tf.grads((input) => tf.sum(tf.mul(pool(input as tf.Tensor4D), dy)))([x]);
  tf.dispose([x, dy]);
  return [gradient];
}

Deno.test("MaxPoolGrad on wasm matches cpu across window sizes, strides, paddings and ties", async () => {
  await withWasm(async () => {
    for (const c of poolCases) {
      const [onCpu] = await runOn("cpu", () => maxPoolGradient(c));
      const [onWasm] = await runOn("wasm", () => maxPoolGradient(c));
      const error = maxAbsDifference(onWasm, onCpu);
      assert.ok(
        error <= tolerance,
        `max-pool gradient differs by ${error} for ${JSON.stringify(c)}`,
      );
    }
  });
});

/** Products of every transposition, for single matrices, batch-of-one and real batches. */
function matrixProducts(): tf.Tensor[] {
  const a2 = tf.tensor2d(randomValues(5 * 7, 31), [5, 7]);
  const b2 = tf.tensor2d(randomValues(7 * 4, 32), [7, 4]);
  const a3 = tf.tensor3d(randomValues(3 * 5 * 7, 33), [3, 5, 7]);
  const b3 = tf.tensor3d(randomValues(3 * 7 * 4, 34), [3, 7, 4]);
  const results: tf.Tensor[] = [];
  for (const transposeA of [false, true]) {
    for (const transposeB of [false, true]) {
      const a = transposeA ? a2.transpose() : a2;
      const b = transposeB ? b2.transpose() : b2;
      results.push(tf.matMul(a, b, transposeA, transposeB));
      results.push(tf.matMul(a.expandDims(0), b.expandDims(0), transposeA, transposeB));
      const a3t = transposeA ? a3.transpose([0, 2, 1]) : a3;
      const b3t = transposeB ? b3.transpose([0, 2, 1]) : b3;
      results.push(tf.matMul(a3t, b3t, transposeA, transposeB));
    }
  }
  const gradients = tf.grads((a, b) => tf.sum(tf.tanh(tf.matMul(a, b))))([a2, b2]);
  tf.dispose([a2, b2, a3, b3]);
  return [...results, ...gradients];
}

Deno.test("BatchMatMul on wasm matches cpu with and without transposed operands", async () => {
  await withWasm(async () => {
    const onCpu = await runOn("cpu", matrixProducts);
    const onWasm = await runOn("wasm", matrixProducts);
    onCpu.forEach((expected, index) => {
      const error = maxAbsDifference(onWasm[index], expected);
      assert.ok(error <= tolerance, `product ${index} differs by ${error}`);
    });
  });
});

Deno.test("the matrix-product wrapper leaks no tensor and frees its transposed copies", async () => {
  await withWasm(() => {
    const a = tf.tensor2d(randomValues(6 * 4, 41), [6, 4]);
    const b = tf.tensor2d(randomValues(6 * 3, 42), [6, 3]);
    const before = tf.memory().numTensors;
    const product = tf.matMul(a, b, true, false);
    assert.deepEqual(product.shape, [4, 3]);
    product.dispose();
    assert.equal(tf.memory().numTensors, before);
    assert.equal(a.dataSync().length, 24, "the input was freed by the kernel");
    tf.dispose([a, b]);
  });
});

/** Sums over leading, inner, mixed, negative and all axes, with and without keepDims. */
function sums(): tf.Tensor[] {
  const x = tf.tensor4d(randomValues(3 * 5 * 4 * 6, 51), [3, 5, 4, 6]);
  // Rows of 32 and 48 are summed in WebAssembly (a multiple of 16 columns), 6 in JavaScript.
  const wide = tf.tensor4d(randomValues(3 * 5 * 4 * 32, 52), [3, 5, 4, 32]);
  const wider = tf.tensor2d(randomValues(7 * 48, 53), [7, 48]);
  const wideSums = [tf.sum(wide, [0, 1, 2]), tf.sum(wide, [0, 1], true), tf.sum(wider, 0)];
  tf.dispose([wide, wider]);
  const axesList: Array<number | number[]> = [0, [0, 1], [1, 0, 2], [0, 1, 2, 3], 3, [1, 2], -1, [
    0,
    2,
  ]];
  const results = axesList.flatMap((axes) => [tf.sum(x, axes), tf.sum(x, axes, true)]);
  // The bias gradient of a conv layer: the sum of dy over batch, rows and columns.
  const bias = tf.zeros([6]);
  const [biasGradient] = tf.grads((b) => tf.sum(tf.square(tf.add(x, b))))([bias]);
  tf.dispose([x, bias]);
  return [...results, biasGradient, ...wideSums];
}

Deno.test("Sum on wasm matches cpu over leading and other axes, with and without keepDims", async () => {
  await withWasm(async () => {
    const onCpu = await runOn("cpu", sums);
    const onWasm = await runOn("wasm", sums);
    const shapes = await runOn("wasm", () => sums().map((t) => tf.tensor1d(t.shape)));
    const cpuShapes = await runOn("cpu", () => sums().map((t) => tf.tensor1d(t.shape)));
    shapes.forEach((shape, index) => assert.deepEqual(shape, cpuShapes[index], `shape ${index}`));
    onCpu.forEach((expected, index) => {
      const error = maxAbsDifference(onWasm[index], expected);
      assert.ok(error <= tolerance, `sum ${index} differs by ${error}`);
    });
  });
});

/** The series' CNN (smallest input its three conv+pool stages accept), dropout seeded for repeatability. */
function seriesCnn(size: number): tf.Sequential {
  const model = tf.sequential();
  for (const [index, filters] of [32, 64, 128].entries()) {
    model.add(tf.layers.conv2d({
      ...(index === 0 ? { inputShape: [size, size, 3] } : {}),
      filters,
      kernelSize: 3,
      activation: "relu",
      kernelInitializer: tf.initializers.heUniform({ seed: index + 1 }),
    }));
    model.add(tf.layers.maxPooling2d({ poolSize: 2 }));
  }
  model.add(tf.layers.dropout({ rate: 0.15, seed: 7 }));
  model.add(tf.layers.flatten());
  model.add(
    tf.layers.dense({
      units: 64,
      activation: "relu",
      kernelInitializer: tf.initializers.glorotUniform({ seed: 8 }),
    }),
  );
  model.add(tf.layers.dropout({ rate: 0.4, seed: 9 }));
  model.add(
    tf.layers.dense({
      units: 1,
      activation: "sigmoid",
      kernelInitializer: tf.initializers.glorotUniform({ seed: 10 }),
    }),
  );
  return model;
}

/**
 * The class-weighted loss of the series' CNN on a small batch and its
 * gradient with respect to every weight: [loss, ...gradients]. Gradients are
 * compared directly because an Adam step (about rate × sign of the gradient
 * at the first step) would hide gradients off by any positive factor.
 */
function seriesCnnGradients(): tf.Tensor[] {
  const size = 22;
  const batch = 3;
  const model = seriesCnn(size);
  const x = tf.tensor4d(randomValues(batch * size * size * 3, 11).map((v) => (v + 1) / 2), [
    batch,
    size,
    size,
    3,
  ]);
  const labels = tf.tensor2d([[1], [0], [1]]);
  const exampleWeights = tf.tensor2d([[10], [1], [10]]);
  const weights = model.trainableWeights.map((weight) => weight.read() as tf.Variable);
  const { value, grads } = tf.variableGrads(() => {
    const probabilities = tf.clipByValue(
      model.apply(x, { training: true }) as tf.Tensor,
      1e-7,
      1 - 1e-7,
    );
    const crossEntropy = tf.neg(
      tf.add(
        tf.mul(labels, tf.log(probabilities)),
        tf.mul(tf.sub(1, labels), tf.log(tf.sub(1, probabilities))),
      ),
    );
    return tf.mean(tf.mul(crossEntropy, exampleWeights)) as tf.Scalar;
  }, weights);
  const gradients = weights.map((weight) => grads[weight.name]);
  tf.dispose([x, labels, exampleWeights]);
  model.dispose();
  return [value, ...gradients];
}

Deno.test("the series' CNN's loss and gradient of every weight on wasm match cpu", async () => {
  await withWasm(async () => {
    const onCpu = await runOn("cpu", seriesCnnGradients);
    const onWasm = await runOn("wasm", seriesCnnGradients);
    assert.equal(onWasm.length, onCpu.length);
    assert.equal(onCpu.length, 1 + 10, "the loss and the 10 weight tensors' gradients");
    assert.ok(onCpu[0][0] > 0, `the loss should be positive, got ${onCpu[0][0]}`);
    onCpu.forEach((expected, index) => {
      // Within 1e-3 of the tensor's largest value: a gradient off by any factor fails.
      const scale = expected.reduce((max, value) => Math.max(max, Math.abs(value)), 0);
      assert.ok(scale > 0, `${index === 0 ? "loss" : `gradient ${index - 1}`} is all zeros`);
      const error = maxAbsDifference(onWasm[index], expected);
      assert.ok(
        error <= 1e-3 * scale,
        `${index === 0 ? "loss" : `gradient ${index - 1}`} differs by ${error} (largest ${scale})`,
      );
    });
  });
});

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

Deno.test("the WebAssembly max-pool gradient matches cpu exactly, with ties, -Infinity and NaN windows", async () => {
  await withWasm(async () => {
    const shape: [number, number, number, number] = [2, 6, 4, 8];
    const size = shape.reduce((a, b) => a * b);
    const values = randomValues(size, 61).map((v) => Math.max(0, v));
    // Whole windows of -Infinity (no pixel beats it: no gradient) and a NaN in others.
    for (let c = 0; c < 8; c += 2) {
      values[c] =
        values[8 + c] =
        values[32 + c] =
        values[40 + c] =
          -Infinity;
    }
    values[16 + 1] = NaN;
    values[48 + 3] = NaN;
    const compute = () => {
      const x = tf.tensor4d(values, shape);
      const dy = tf.tensor4d(randomValues(size / 4, 62), [2, 3, 2, 8]);
      const [dx] = tf.grads((input) =>
        tf.sum(tf.mul(tf.maxPool(input as tf.Tensor4D, 2, 2, "valid"), dy))
      )([x]);
      tf.dispose([x, dy]);
      return [dx];
    };
    const [onCpu] = await runOn("cpu", compute);
    const [onWasm] = await runOn("wasm", compute);
    assert.deepEqual(Array.from(onWasm), Array.from(onCpu));
  });
});

Deno.test("the WebAssembly leading-axis sums equal the JavaScript loop's to the bit", async () => {
  await withWasm(() => {
    for (const [rows, inner] of [[2048, 32], [300, 64], [7, 48]]) {
      const x = tf.tensor2d(randomValues(rows * inner, 71).map((v) => 100 * v), [rows, inner]);
      const sums = tf.sum(x, 0);
      const expected = new Float32Array(inner);
      sumLeadingRowsInto(expected, x.dataSync() as Float32Array, inner);
      assert.deepEqual(Array.from(sums.dataSync()), Array.from(expected), `${rows}x${inner}`);
      tf.dispose([x, sums]);
    }
  });
});
