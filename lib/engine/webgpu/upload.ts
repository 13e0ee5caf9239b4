/**
 * Uploads of CPU data to the GPU through `GPUQueue.writeBuffer`, for the tfjs
 * `webgpu` backend (4.22.0) in Deno.
 *
 * tfjs uploads a tensor's values by creating a new buffer mapped at creation
 * (a staging buffer when it reuses a pooled one), copying the values into the
 * mapping and destroying the staging buffer after the copy. On an NVIDIA H100
 * in Deno 2.9 that cost about 30 ms per MB: uploading one training batch of
 * 128x128 images (6.3 MB) took 229-244 ms, over ten times the GPU's work for
 * the step (about 17 ms); through the queue it takes about 2 ms.
 * Here the values go into a pooled buffer with `queue.writeBuffer`, which
 * copies them through the queue's own staging memory and orders the write
 * before the next submitted commands, as tfjs's uniforms already are written.
 * The data that reaches the GPU is the same.
 */
import type { WebGPUBackend } from "@tensorflow/tfjs-backend-webgpu";
import type * as tf from "@tensorflow/tfjs";

/** The parts of tfjs's `WebGPUBackend` the upload uses (public fields of its class). */
type UploadingBackend = Pick<WebGPUBackend, "bufferManager" | "queue" | "tensorMap"> & {
  uploadToGPU(dataId: tf.DataId): void;
};

/** The dtypes uploaded through the queue: those tfjs holds on the GPU as 4-byte numbers. */
const QUEUED_DTYPES: ReadonlySet<string> = new Set(["float32", "int32", "bool"]);

/** tfjs's own `uploadToGPU` of each backend this module changed, to undo the change. */
const stockUploads = new WeakMap<object, UploadingBackend["uploadToGPU"]>();

/** The values as the typed array the GPU holds for `dtype`: float32, else int32 (bool included). */
function gpuValues(
  values: tf.backend_util.BackendValues,
  dtype: tf.DataType,
): Float32Array | Int32Array {
  if (dtype === "float32") {
    return values instanceof Float32Array ? values : Float32Array.from(values as ArrayLike<number>);
  }
  return values instanceof Int32Array ? values : Int32Array.from(values as ArrayLike<number>);
}

/**
 * Makes `backend` upload tensors' CPU values with `queue.writeBuffer` into
 * buffers from its pool (see the module comment). Only float32, int32 and
 * bool tensors with values take this path; anything else goes to tfjs's own
 * code. Calling it again changes nothing.
 */
export function useQueuedUploads(backend: WebGPUBackend): void {
  const uploading = backend as unknown as UploadingBackend;
  if (stockUploads.has(uploading)) return;
  const stock = uploading.uploadToGPU;
  stockUploads.set(uploading, stock);
  uploading.uploadToGPU = function (this: UploadingBackend, dataId: tf.DataId): void {
    const data = this.tensorMap.get(dataId);
    const queueable = data.resource == null && data.values != null &&
      QUEUED_DTYPES.has(data.dtype) && data.values.length > 0;
    if (!queueable) {
      stock.call(this, dataId);
      return;
    }
    const values = gpuValues(data.values, data.dtype);
    const buffer = this.bufferManager.acquireBuffer(
      values.byteLength,
      GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST,
    );
    this.queue.writeBuffer(
      buffer,
      0,
      values.buffer as ArrayBuffer,
      values.byteOffset,
      values.byteLength,
    );
    data.values = null as unknown as tf.backend_util.BackendValues;
    data.resource = buffer;
  };
}

/** Undoes {@link useQueuedUploads}: tfjs's own uploads again (for the GPU benchmark's comparison). */
export function useStockUploads(backend: WebGPUBackend): void {
  const uploading = backend as unknown as UploadingBackend;
  const stock = stockUploads.get(uploading);
  if (stock === undefined) return;
  delete (uploading as Partial<UploadingBackend>).uploadToGPU;
  stockUploads.delete(uploading);
}

/** Whether `backend` uploads through {@link useQueuedUploads}. */
export function usesQueuedUploads(backend: WebGPUBackend): boolean {
  return stockUploads.has(backend);
}
