/**
 * A TensorFlow.js layers model stored as a folder: `model.json` (topology and
 * weight manifest) beside its binary weight shards, the layout that
 * `tensorflowjs_converter --input_format keras` writes and `model.save`
 * writes through {@link modelFolder}. Reading checks the folder first, so a
 * missing or truncated shard is named instead of surfacing as wrong weights.
 */
import * as tf from "@tensorflow/tfjs";
import { join } from "node:path";
import { writeAtomically } from "../../data/atomic_write.ts";

/** The file that holds a model's topology and weight manifest. */
export const MODEL_JSON = "model.json";

/** Shard size `tensorflowjs_converter` uses by default (4 MiB). */
const DEFAULT_SHARD_BYTES = 4 * 1024 * 1024;

/** Bytes per stored value of each weight dtype (quantized weights use their quantized dtype). */
const BYTES_PER_VALUE: Record<string, number> = {
  float32: 4,
  int32: 4,
  bool: 1,
  complex64: 8,
  uint8: 1,
  uint16: 2,
  float16: 2,
};

/** Options of {@link modelFolder}. */
export interface ModelFolderOptions {
  /** Largest weight shard written by `save`, in bytes (default 4 MiB, as the converter). */
  shardBytes?: number;
}

/** The bytes that the weights of one manifest group occupy, from their shapes and dtypes. */
export function manifestGroupBytes(group: tf.io.WeightsManifestConfig[number]): number {
  return group.weights.reduce((total, weight) => {
    const dtype = weight.quantization?.dtype ?? weight.dtype;
    const bytes = BYTES_PER_VALUE[dtype];
    if (bytes === undefined) {
      throw new Error(
        `Weight "${weight.name}" has dtype ${dtype}, whose stored size cannot be told from the ` +
          "manifest; only numeric weights (as in Keras models) are supported.",
      );
    }
    return total + weight.shape.reduce((product, size) => product * size, 1) * bytes;
  }, 0);
}

/** True when a parsed `model.json` describes a graph model (`tf.loadGraphModel`), not a layers model. */
function isGraphModel(json: Record<string, unknown>): boolean {
  const topology = json.modelTopology as Record<string, unknown> | undefined;
  return json.format === "graph-model" || Array.isArray(topology?.node);
}

/**
 * Parses the text of a `model.json` (read from `where`, for messages) and
 * checks that it is a layers model with a weight manifest; a graph model is
 * refused with a message saying what is supported.
 */
export function parseModelJson(text: string, where: string): tf.io.ModelJSON {
  let json: Record<string, unknown>;
  try {
    json = JSON.parse(text);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(
      `${where} is not valid JSON (${reason}): it is not a TensorFlow.js model.json, or it was ` +
        "cut short; fetch or copy it again.",
    );
  }
  if (typeof json !== "object" || json === null || typeof json.modelTopology !== "object") {
    throw new Error(
      `${where} has no modelTopology: it is not a TensorFlow.js model.json (one is written by ` +
        "tensorflowjs_converter or by model.save).",
    );
  }
  if (isGraphModel(json)) {
    throw new Error(
      `${where} is a TensorFlow.js graph model (the kind tf.loadGraphModel reads, e.g. a TF Hub ` +
        "feature vector); only layers models are supported so far. Convert the Keras model " +
        "instead: tensorflowjs_converter --input_format keras model.h5 folder/",
    );
  }
  const manifest = json.weightsManifest;
  if (
    !Array.isArray(manifest) ||
    !manifest.every((group) => Array.isArray(group?.paths) && Array.isArray(group?.weights))
  ) {
    throw new Error(
      `${where} has no valid weightsManifest (a list of {paths, weights} groups): the file is ` +
        "damaged or not a TensorFlow.js layers model.",
    );
  }
  return json as unknown as tf.io.ModelJSON;
}

/** Size of a file in bytes, or undefined when it does not exist. */
async function fileSize(path: string): Promise<number | undefined> {
  try {
    return (await Deno.stat(path)).size;
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return undefined;
    throw error;
  }
}

/**
 * Checks a model folder without loading it: `model.json` parses as a layers
 * model, and every weight shard that its manifest lists is present, each
 * group's shards together holding exactly the bytes its weights imply.
 * Returns the parsed `model.json`; throws naming the first problem.
 */
export async function checkModelFolder(folder: string): Promise<tf.io.ModelJSON> {
  const jsonPath = join(folder, MODEL_JSON);
  let text: string;
  try {
    text = await Deno.readTextFile(jsonPath);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) {
      throw new Error(
        `${folder} holds no ${MODEL_JSON}: point at the folder that tensorflowjs_converter ` +
          "or model.save wrote (model.json beside its .bin weight files).",
      );
    }
    throw error;
  }
  const json = parseModelJson(text, jsonPath);
  for (const group of json.weightsManifest) {
    let bytes = 0;
    for (const path of group.paths) {
      const size = await fileSize(join(folder, path));
      if (size === undefined) {
        throw new Error(
          `The weight file ${path} that ${jsonPath} lists is missing from ${folder}: copy ` +
            "every .bin file that came with model.json.",
        );
      }
      bytes += size;
    }
    const expected = manifestGroupBytes(group);
    if (bytes !== expected) {
      throw new Error(
        `The weight files ${group.paths.join(", ")} in ${folder} hold ${bytes} bytes, but the ` +
          `weights that ${MODEL_JSON} lists for them need ${expected}: a file is truncated or ` +
          "from another model; copy the model again.",
      );
    }
  }
  return json;
}

/** The model's weights as one buffer, whether tfjs hands them over whole or in pieces. */
function joinedWeights(data: tf.io.WeightData | undefined): Uint8Array {
  if (data === undefined) return new Uint8Array(0);
  return new Uint8Array(tf.io.CompositeArrayBuffer.join(data));
}

/**
 * A tfjs IO handler for a model folder: `model.save(modelFolder(path))`
 * writes `model.json` and its weight shards there (each file through a
 * temporary file, `model.json` last), and `tf.loadLayersModel(modelFolder(path))`
 * reads them back after {@link checkModelFolder}.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as tf from "@tensorflow/tfjs";
 * import { modelFolder } from "./model_folder.ts";
 *
 * const model = tf.sequential({ layers: [tf.layers.dense({ units: 2, inputShape: [3] })] });
 * const folder = await Deno.makeTempDir();
 * await model.save(modelFolder(folder));
 * const again = await tf.loadLayersModel(modelFolder(folder));
 * assert.equal(again.countParams(), 8); // 3 x 2 weights and 2 biases
 * await Deno.remove(folder, { recursive: true });
 * ```
 */
export function modelFolder(folder: string, options: ModelFolderOptions = {}): tf.io.IOHandler {
  const shardBytes = options.shardBytes ?? DEFAULT_SHARD_BYTES;
  if (!Number.isInteger(shardBytes) || shardBytes < 1) {
    throw new Error(`shardBytes must be a whole number ≥ 1, got ${shardBytes}: e.g. 4194304.`);
  }
  return {
    async save(artifacts: tf.io.ModelArtifacts): Promise<tf.io.SaveResult> {
      if (artifacts.modelTopology instanceof ArrayBuffer) {
        throw new Error(
          "modelFolder saves layers models (JSON topology); this model's topology is binary.",
        );
      }
      await Deno.mkdir(folder, { recursive: true });
      const weights = joinedWeights(artifacts.weightData);
      const shardCount = Math.max(1, Math.ceil(weights.byteLength / shardBytes));
      const paths = Array.from(
        { length: shardCount },
        (_, index) => `group1-shard${index + 1}of${shardCount}.bin`,
      );
      for (const [index, path] of paths.entries()) {
        const shard = weights.subarray(index * shardBytes, (index + 1) * shardBytes);
        await writeAtomically(join(folder, path), shard);
      }
      const json: tf.io.ModelJSON = {
        modelTopology: artifacts.modelTopology ?? {},
        format: artifacts.format,
        generatedBy: artifacts.generatedBy,
        convertedBy: artifacts.convertedBy,
        weightsManifest: [{ paths, weights: artifacts.weightSpecs ?? [] }],
        ...(artifacts.trainingConfig ? { trainingConfig: artifacts.trainingConfig } : {}),
        ...(artifacts.userDefinedMetadata
          ? { userDefinedMetadata: artifacts.userDefinedMetadata }
          : {}),
      };
      await writeAtomically(
        join(folder, MODEL_JSON),
        new TextEncoder().encode(JSON.stringify(json)),
      );
      return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(artifacts) };
    },
    async load(): Promise<tf.io.ModelArtifacts> {
      const json = await checkModelFolder(folder);
      return await tf.io.getModelArtifactsForJSON(json, async (manifest) => {
        const specs = manifest.flatMap((group) => group.weights);
        const buffers: ArrayBuffer[] = [];
        for (const group of manifest) {
          for (const path of group.paths) {
            const bytes = await Deno.readFile(join(folder, path));
            buffers.push(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
          }
        }
        return [specs, tf.io.concatenateArrayBuffers(buffers)];
      });
    },
  };
}
