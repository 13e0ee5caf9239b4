import * as tf from "@tensorflow/tfjs";
import { join } from "node:path";
import { assert, assertEquals, assertRejectsWith } from "../../assert.ts";
import { selectEngine } from "../../../lib/engine/select_engine.ts";
import {
  checkModelFolder,
  manifestGroupBytes,
  modelFolder,
} from "../../../lib/models/pretrained/model_folder.ts";
import { savedModel, weightValues } from "../../fixtures/saved_model.ts";

await selectEngine({ backend: "wasm", log: () => {} });

Deno.test("a model saved to a folder in shards loads back with the same weights", async () => {
  const { model, folder } = await savedModel();
  const json = await checkModelFolder(folder);
  const paths = json.weightsManifest[0].paths;
  assert(paths.length > 1, "1 KB shards should give several files");
  const sizes = await Promise.all(
    paths.map(async (path) => (await Deno.stat(join(folder, path))).size),
  );
  assertEquals(sizes.slice(0, -1).every((size) => size === 1024), true);
  assertEquals(sizes.reduce((a, b) => a + b), model.countParams() * 4);
  const loaded = await tf.loadLayersModel(modelFolder(folder));
  assertEquals(await weightValues(loaded), await weightValues(model));
});

Deno.test("a folder with a truncated or missing shard is refused, naming the file", async () => {
  const { folder } = await savedModel();
  const json = await checkModelFolder(folder);
  const [first, second] = json.weightsManifest[0].paths;
  const bytes = await Deno.readFile(join(folder, first));
  await Deno.writeFile(join(folder, first), bytes.subarray(0, bytes.length - 4));
  await assertRejectsWith(() => tf.loadLayersModel(modelFolder(folder)), first, "truncated");
  await Deno.writeFile(join(folder, first), bytes);
  await Deno.remove(join(folder, second));
  await assertRejectsWith(() => checkModelFolder(folder), second, "missing");
  const empty = await Deno.makeTempDir();
  await assertRejectsWith(() => checkModelFolder(empty), "holds no model.json");
});

Deno.test("quantized weights count the bytes of their stored dtype", () => {
  const bytes = manifestGroupBytes({
    paths: ["group1-shard1of1.bin"],
    weights: [
      { name: "a", shape: [10, 3], dtype: "float32", quantization: { dtype: "uint8" } },
      { name: "b", shape: [4], dtype: "float32", quantization: { dtype: "float16" } },
      { name: "c", shape: [2, 2], dtype: "float32" },
    ],
  });
  assertEquals(bytes, 30 + 8 + 16);
});

Deno.test("a graph model's model.json is refused with a message saying so", async () => {
  const folder = await Deno.makeTempDir({ prefix: "graph_model_" });
  await Deno.writeTextFile(
    join(folder, "model.json"),
    JSON.stringify({
      format: "graph-model",
      modelTopology: { node: [{ name: "x", op: "Placeholder" }] },
      weightsManifest: [{ paths: [], weights: [] }],
    }),
  );
  await assertRejectsWith(() => checkModelFolder(folder), "graph model", "layers models");
  await Deno.writeTextFile(join(folder, "model.json"), '{"modelTopology": {');
  await assertRejectsWith(() => checkModelFolder(folder), "not valid JSON");
});
