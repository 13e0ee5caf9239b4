/**
 * Lets a kernel written with tfjs ops use its inputs as Tensors: the kernels in
 * this folder compose fast wasm kernels instead of looping in JavaScript.
 */
import * as tf from "@tensorflow/tfjs";

/**
 * Wraps a kernel input as a Tensor of the current tidy scope that holds its own
 * reference to the data, so disposing it leaves the caller's tensor intact.
 */
export function borrowTensor(info: tf.TensorInfo, backend: tf.KernelBackend): tf.Tensor {
  const tensor = tf.engine().makeTensorFromTensorInfo(info, backend);
  backend.incRef(info.dataId);
  return tensor;
}

/** {@link borrowTensor} for a 4-D input. */
export function borrowTensor4D(info: tf.TensorInfo, backend: tf.KernelBackend): tf.Tensor4D {
  return borrowTensor(info, backend) as tf.Tensor4D;
}
