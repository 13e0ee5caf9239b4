/**
 * A pretrained model used as a frozen base, as in the series' setup post:
 * cut at a layer, its weights frozen, a new head attached. The base always
 * runs in inference mode, also while the head trains: Keras does so for a
 * frozen base's batch normalisation, whereas a tfjs layer merely marked
 * non-trainable would still update its moving statistics and apply dropout.
 */
import * as tf from "@tensorflow/tfjs";
import { buildHead, type HeadOptions } from "./head.ts";

/** Options of {@link featureExtractor}. */
export interface FeatureExtractorOptions {
  /** Name of the layer whose output are the features (default: see {@link defaultCutLayer}). */
  cutAt?: string;
  /**
   * The pixel range the base was trained on (default `[0, 1]`, this project's scaling). Keras'
   * Xception and MobileNet expect `[-1, 1]`; the extractor rescales the project's `[0, 1]` pixels.
   */
  inputRange?: readonly [number, number];
}

/** Options of {@link frozenBaseWithHead}: where to cut, and the head (built, or described). */
export interface FrozenBaseOptions extends FeatureExtractorOptions, HeadOptions {
  /** A head to attach as it is, e.g. one trained on cached features (default: a new one). */
  head?: tf.LayersModel;
}

/** A frozen base with a head, and its parts. */
export interface FrozenBaseModel {
  /** Images in, probability out; only the head's weights are trainable. */
  model: tf.LayersModel;
  /** The base cut at `cutAt`, frozen: images in, features out (see {@link featureExtractor}). */
  extractor: tf.LayersModel;
  /** The head: features in, probability out. */
  head: tf.LayersModel;
  /** The layer the base was cut at. */
  cutAt: string;
}

/** The output shape of a layer used once, or undefined for a layer with several. */
function outputRank(layer: tf.layers.Layer): number | undefined {
  try {
    const shape = layer.outputShape;
    return Array.isArray(shape[0]) ? undefined : shape.length;
  } catch {
    return undefined;
  }
}

/** The one layer feeding `layer`, or undefined when it has none or several. */
function inboundLayer(layer: tf.layers.Layer): tf.layers.Layer | undefined {
  const inbound = layer.inboundNodes.length === 1 ? layer.inboundNodes[0].inboundLayers : [];
  return inbound.length === 1 ? inbound[0] : undefined;
}

function layerNames(model: tf.LayersModel): string {
  return model.layers.map((layer) => layer.name).join(", ");
}

/**
 * The layer a base is cut at by default: the last one before its own
 * classifier head, i.e. the layer feeding the first layer that turns a
 * feature map into a vector (a `Flatten` or a global pooling), stepping back
 * over dropout. A base without a head (Keras' `include_top=False`), whose
 * output is still a feature map, is used whole.
 */
export function defaultCutLayer(model: tf.LayersModel): string {
  for (const layer of model.layers) {
    const source = inboundLayer(layer);
    if (outputRank(layer) !== 2 || source === undefined || (outputRank(source) ?? 0) < 3) {
      continue;
    }
    let cut = source;
    while (cut.getClassName().includes("Dropout") && inboundLayer(cut) !== undefined) {
      cut = inboundLayer(cut)!;
    }
    return cut.name;
  }
  const last = model.layers[model.layers.length - 1];
  if ((outputRank(last) ?? 0) >= 3) return last.name;
  throw new Error(
    `Model "${model.name}" has no layer that turns a feature map into a vector, so the layer ` +
      `to cut at cannot be guessed: name it with cutAt. Its layers: ${layerNames(model)}.`,
  );
}

/**
 * The base cut at `cutAt` (default {@link defaultCutLayer}), frozen: images
 * (pixels in `[0, 1]`) in, the cut layer's output out. It shares its layers
 * and weights with `base`, whose layers up to the cut are frozen too.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as tf from "@tensorflow/tfjs";
 * import { featureExtractor } from "./frozen_base.ts";
 *
 * const base = tf.sequential({
 *   layers: [
 *     tf.layers.conv2d({ inputShape: [8, 8, 3], filters: 4, kernelSize: 3, name: "conv" }),
 *     tf.layers.flatten({ name: "flatten" }),
 *     tf.layers.dense({ units: 10, activation: "softmax", name: "classes" }),
 *   ],
 * });
 * const extractor = featureExtractor(base); // cut at "conv", before the flatten
 * assert.deepEqual(extractor.outputs[0].shape, [null, 6, 6, 4]);
 * ```
 */
export function featureExtractor(
  base: tf.LayersModel,
  options: FeatureExtractorOptions = {},
): tf.LayersModel {
  const cutAt = options.cutAt ?? defaultCutLayer(base);
  if (!base.layers.some((layer) => layer.name === cutAt)) {
    throw new Error(
      `Model "${base.name}" has no layer named "${cutAt}" to cut at; its layers: ` +
        `${layerNames(base)}.`,
    );
  }
  const cut = base.getLayer(cutAt);
  const [low, high] = options.inputRange ?? [0, 1];
  if (!(Number.isFinite(low) && Number.isFinite(high) && low < high)) {
    throw new Error(`inputRange must be [low, high] with low < high, got [${low}, ${high}].`);
  }
  const name = `${base.name}_to_${cutAt}`;
  let extractor: tf.LayersModel;
  if (low === 0 && high === 1) {
    extractor = tf.model({ inputs: base.inputs, outputs: cut.output, name });
  } else {
    const inner = tf.model({ inputs: base.inputs, outputs: cut.output, name: `${name}_inner` });
    const input = tf.input({ shape: base.inputs[0].shape.slice(1) as number[], name: "pixels" });
    const scaled = tf.layers.rescaling({ scale: high - low, offset: low, name: "input_range" })
      .apply(input);
    extractor = tf.model({
      inputs: input,
      outputs: inner.apply(scaled) as tf.SymbolicTensor,
      name,
    });
  }
  extractor.trainable = false;
  return extractor;
}

/** A model run as one layer, always in inference mode, with none of its weights trainable. */
class FrozenModel extends tf.layers.Layer {
  static className = "FrozenModel";

  constructor(private readonly inner: tf.LayersModel) {
    super({ name: "frozen_base", trainable: false });
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape | tf.Shape[] {
    return this.inner.computeOutputShape(inputShape);
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor | tf.Tensor[] {
    return this.inner.apply(inputs, { training: false }) as tf.Tensor | tf.Tensor[];
  }

  override get trainableWeights(): tf.LayerVariable[] {
    return [];
  }

  override get nonTrainableWeights(): tf.LayerVariable[] {
    return this.inner.weights;
  }

  override getConfig(): tf.serialization.ConfigDict {
    throw new Error(
      "A frozen base with its head is not saved as one model: save its head (result.head) and " +
        "keep the base's own model.json; frozenBaseWithHead(base, { head }) joins them again.",
    );
  }
}

/**
 * The series' transfer-learning model: `base` cut at `cutAt` and frozen
 * (see {@link featureExtractor}), its output fed to a head, by default the
 * post's `Flatten → Dense(512, relu) → Dense(1, sigmoid)` ({@link buildHead}).
 * Only the head trains; the base runs in inference mode throughout, so its
 * weights (batch-normalisation statistics included) never change and it
 * computes what `cachedFeatures` stores. Pass `head` to attach a head that
 * was trained on cached features.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as tf from "@tensorflow/tfjs";
 * import { frozenBaseWithHead } from "./frozen_base.ts";
 *
 * const base = tf.sequential({
 *   layers: [
 *     tf.layers.conv2d({ inputShape: [8, 8, 3], filters: 4, kernelSize: 3, name: "conv" }),
 *     tf.layers.flatten({ name: "flatten" }),
 *     tf.layers.dense({ units: 10, activation: "softmax", name: "classes" }),
 *   ],
 * });
 * const { model, cutAt } = frozenBaseWithHead(base, { hiddenUnits: [16], seed: 1 });
 * assert.equal(cutAt, "conv");
 * assert.equal(model.trainableWeights.length, 4); // the two dense layers' kernels and biases
 * ```
 */
export function frozenBaseWithHead(
  base: tf.LayersModel,
  options: FrozenBaseOptions = {},
): FrozenBaseModel {
  const cutAt = options.cutAt ?? defaultCutLayer(base);
  const extractor = featureExtractor(base, { ...options, cutAt });
  const featureShape = extractor.outputs[0].shape.slice(1) as number[];
  const head = options.head ?? buildHead(featureShape, options);
  const headShape = head.inputs[0].shape.slice(1);
  if (headShape.join(",") !== featureShape.join(",")) {
    throw new Error(
      `The head takes inputs of shape [${headShape.join(", ")}] but the base cut at ` +
        `"${cutAt}" gives features of shape [${featureShape.join(", ")}]: build the head for ` +
        "these features (buildHead(featureShape)) or cut at the layer it was trained on.",
    );
  }
  const input = tf.input({ shape: extractor.inputs[0].shape.slice(1) as number[], name: "image" });
  const features = new FrozenModel(extractor).apply(input) as tf.SymbolicTensor;
  const output = head.apply(features) as tf.SymbolicTensor;
  const model = tf.model({ inputs: input, outputs: output, name: `${base.name}_frozen_head` });
  return { model, extractor, head, cutAt };
}
