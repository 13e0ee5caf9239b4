/**
 * Loading a pretrained TensorFlow.js layers model from a folder or a URL.
 * A URL's files are downloaded once into a cache folder, checked against the
 * model's own manifest, and moved into the cache only when complete, so a
 * cache entry is either whole or absent and a second load reads the disk.
 */
import * as tf from "@tensorflow/tfjs";
import { createHash } from "node:crypto";
import { basename, join } from "node:path";
import { fileURLToPath } from "node:url";
import { downloadVerified, pathExists, stderrProgressBar } from "../../data/download.ts";
import { checkModelFolder, MODEL_JSON, modelFolder, parseModelJson } from "./model_folder.ts";

/** Options of {@link loadPretrainedModel}. */
export interface LoadPretrainedOptions {
  /** Where downloaded models are kept (default the project's `data/pretrained_models/`). */
  cacheDir?: string;
  /** Draw a download progress bar on stderr (default true). */
  progress?: boolean;
}

/** The project's `data/pretrained_models` folder, found from this file (not the working directory). */
export function defaultModelCacheDir(): string {
  return fileURLToPath(new URL("../../../data/pretrained_models", import.meta.url));
}

/** True for an `http:` or `https:` address. */
function isHttpUrl(source: string): boolean {
  return /^https?:\/\//i.test(source);
}

/** The folder that holds a local model: `source` itself, or the folder of a `model.json` path. */
function localFolder(source: string): string {
  const path = source.startsWith("file:") ? fileURLToPath(source) : source;
  return path.endsWith(".json") ? join(path, "..") : path;
}

/** The address of the model's `model.json`: the URL itself when it names a .json file, else URL/model.json. */
function modelJsonUrl(source: string): URL {
  const url = new URL(source);
  if (!url.pathname.endsWith(".json")) {
    url.pathname = `${url.pathname.replace(/\/*$/, "")}/${MODEL_JSON}`;
  }
  return url;
}

/** Downloads one file, with a progress bar when asked; a failure names the URL and the offline way. */
async function fetchFile(url: URL, destination: string, progress: boolean): Promise<void> {
  const bar = progress ? stderrProgressBar(basename(url.pathname)) : undefined;
  try {
    await downloadVerified(url.href, destination, { onProgress: bar?.update });
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(
      `Could not download the pretrained model file ${url.href}: ${reason}\nWithout internet, ` +
        "copy the model's folder (model.json and its .bin weight files) to this machine and " +
        'load it from there: loadPretrainedModel("path/to/model_folder").',
    );
  } finally {
    bar?.finish();
  }
}

/**
 * Downloads the model at `jsonUrl` into `entry` (a cache folder): all files
 * go to a temporary folder that is checked against the manifest and then
 * renamed to `entry`, so `entry` never holds a partial model.
 */
async function downloadModel(jsonUrl: URL, entry: string, progress: boolean): Promise<void> {
  const staging = `${entry}.partial-${crypto.randomUUID()}`;
  await Deno.mkdir(staging, { recursive: true });
  try {
    const jsonPath = join(staging, MODEL_JSON);
    await fetchFile(jsonUrl, jsonPath, progress);
    const json = parseModelJson(await Deno.readTextFile(jsonPath), jsonUrl.href);
    for (const path of json.weightsManifest.flatMap((group) => group.paths)) {
      if (path.includes("/") || path.includes("\\") || path.startsWith(".")) {
        throw new Error(
          `${jsonUrl.href} lists the weight file "${path}", outside the model's own folder; ` +
            "only files beside model.json are fetched.",
        );
      }
      await fetchFile(new URL(path, jsonUrl), join(staging, path), progress);
    }
    await checkModelFolder(staging).catch((error: Error) => {
      throw new Error(`The model downloaded from ${jsonUrl.href} is incomplete: ${error.message}`);
    });
    await Deno.writeTextFile(join(staging, "source_url.txt"), `${jsonUrl.href}\n`);
    try {
      await Deno.rename(staging, entry);
    } catch (error) {
      // Another process may have completed the same entry meanwhile; that copy is as good.
      if (!(await pathExists(join(entry, MODEL_JSON)))) throw error;
      await Deno.remove(staging, { recursive: true });
    }
  } catch (error) {
    await Deno.remove(staging, { recursive: true }).catch(() => {});
    throw error;
  }
}

/**
 * A pretrained TensorFlow.js layers model (the `model.json` + `.bin` shards
 * that `tensorflowjs_converter --input_format keras` makes of Keras'
 * Xception, MobileNet, ...), from a folder, a `model.json` path, or an
 * `http(s)` URL of the model's folder or its `model.json`. A URL is fetched
 * once into `cacheDir` (one folder per URL, moved into place only when every
 * shard listed in the manifest arrived with the size its weights imply) and
 * read from there afterwards; a damaged cache entry is fetched again. Graph
 * models (`tf.loadGraphModel`) are refused with a message saying so.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as tf from "@tensorflow/tfjs";
 * import { loadPretrainedModel } from "./load_pretrained.ts";
 * import { modelFolder } from "./model_folder.ts";
 *
 * const folder = await Deno.makeTempDir();
 * const saved = tf.sequential({ layers: [tf.layers.dense({ units: 1, inputShape: [4] })] });
 * await saved.save(modelFolder(folder));
 * const base = await loadPretrainedModel(folder); // or "https://example.org/model/model.json"
 * assert.equal(base.countParams(), 5); // four weights and a bias
 * await Deno.remove(folder, { recursive: true });
 * ```
 */
export async function loadPretrainedModel(
  source: string,
  options: LoadPretrainedOptions = {},
): Promise<tf.LayersModel> {
  if (!isHttpUrl(source)) return await tf.loadLayersModel(modelFolder(localFolder(source)));
  const jsonUrl = modelJsonUrl(source);
  const cacheDir = options.cacheDir ?? defaultModelCacheDir();
  const key = createHash("sha256").update(jsonUrl.href).digest("hex").slice(0, 16);
  const folderName = basename(jsonUrl.pathname.replace(/\/[^/]*\.json$/, ""));
  const name = folderName.replace(/[^A-Za-z0-9_.-]/g, "_") || "model";
  const entry = join(cacheDir, `${name}-${key}`);
  if (await pathExists(entry)) {
    try {
      await checkModelFolder(entry);
    } catch {
      await Deno.remove(entry, { recursive: true });
    }
  }
  if (!(await pathExists(entry))) {
    await Deno.mkdir(cacheDir, { recursive: true });
    await downloadModel(jsonUrl, entry, options.progress ?? true);
  }
  return await tf.loadLayersModel(modelFolder(entry));
}
