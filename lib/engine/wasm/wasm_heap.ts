/**
 * Direct access to the tfjs `wasm` backend's heap, for kernels whose work is
 * a simple pass over memory that wasm's own kernels do in several slower
 * steps (gathering patches, scanning pooling windows, summing rows).
 */
import * as tf from "@tensorflow/tfjs";

/** The part of the wasm backend these kernels use: outputs and views of tensors on its heap. */
interface WasmHeapBackend {
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  typedArrayFromHeap(info: tf.TensorInfo): Float32Array;
  dataIdMap: {
    has(dataId: tf.DataId): boolean;
    get(dataId: tf.DataId): { memoryOffset: number } | undefined;
  };
}

/**
 * A new float32 kernel output of shape `shape` on the wasm heap, whose values
 * `write` sets, given views of the output and of `inputs` (taken after
 * allocating: allocation may grow and move the heap).
 */
export function writeHeapOutput(
  backend: tf.KernelBackend,
  shape: number[],
  inputs: tf.TensorInfo[],
  write: (output: Float32Array, ...inputs: Float32Array[]) => void,
): tf.TensorInfo {
  const output = makeHeapOutput(backend, shape);
  write(heapView(backend, output), ...inputs.map((info) => heapView(backend, info)));
  return output;
}

/** A new float32 kernel output of shape `shape` on the wasm heap, its values not yet set. */
export function makeHeapOutput(backend: tf.KernelBackend, shape: number[]): tf.TensorInfo {
  return (backend as unknown as WasmHeapBackend).makeOutput(shape, "float32");
}

/** {@link writeHeapOutput} as a Tensor owned by the current tidy scope, for composite kernels. */
export function writeHeapTensor(
  backend: tf.KernelBackend,
  shape: number[],
  inputs: tf.TensorInfo[],
  write: (output: Float32Array, ...inputs: Float32Array[]) => void,
): tf.Tensor {
  return tf.engine().makeTensorFromTensorInfo(
    writeHeapOutput(backend, shape, inputs, write),
    backend,
  );
}

/** A float32 view of `info`'s data on the wasm heap (valid until the heap next grows). */
export function heapView(backend: tf.KernelBackend, info: tf.TensorInfo): Float32Array {
  return (backend as unknown as WasmHeapBackend).typedArrayFromHeap(info);
}

/** Where `info`'s data starts on the wasm heap, in bytes (for the loops of heap_loops.wat). */
export function heapAddress(backend: tf.KernelBackend, info: tf.TensorInfo): number {
  const { dataIdMap } = backend as unknown as WasmHeapBackend;
  // Asked first: get() on an unknown tensor fails inside tfjs with a message that names nothing.
  const data = dataIdMap.has(info.dataId) ? dataIdMap.get(info.dataId) : undefined;
  if (data === undefined) {
    throw new Error(
      "The tensor is not on the wasm backend's heap: make it (or move it) on the wasm backend " +
        "before handing it to a wasm kernel.",
    );
  }
  return data.memoryOffset;
}
