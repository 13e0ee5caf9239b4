import { join } from "node:path";
import { assert, assertEquals, assertRejectsWith } from "../../assert.ts";
import { selectEngine } from "../../../lib/engine/select_engine.ts";
import { loadPretrainedModel } from "../../../lib/models/pretrained/load_pretrained.ts";
import { checkModelFolder } from "../../../lib/models/pretrained/model_folder.ts";
import { savedModel, weightValues } from "../../fixtures/saved_model.ts";

await selectEngine({ backend: "wasm", log: () => {} });

/** Serves the files of `folder` on localhost, counting requests; `alter` may change a file's bytes. */
function serveFolder(
  folder: string,
  alter: (name: string, bytes: Uint8Array<ArrayBuffer>) => Uint8Array<ArrayBuffer> = (_, bytes) =>
    bytes,
) {
  const counter = { requests: 0 };
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen: () => {} },
    async (request) => {
      counter.requests++;
      const name = new URL(request.url).pathname.replace(/^\/model\//, "");
      try {
        return new Response(alter(name, await Deno.readFile(join(folder, name))).slice());
      } catch {
        return new Response("not found", { status: 404 });
      }
    },
  );
  return { server, counter, url: `http://127.0.0.1:${server.addr.port}/model/` };
}

async function entries(folder: string): Promise<string[]> {
  try {
    return (await Array.fromAsync(Deno.readDir(folder))).map((entry) => entry.name);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return [];
    throw error;
  }
}

Deno.test("a folder or its model.json path loads the model saved there", async () => {
  const { model, folder } = await savedModel();
  const loaded = await loadPretrainedModel(folder);
  assertEquals(loaded.layers.map((layer) => layer.name), ["conv", "flatten", "classes"]);
  assertEquals(await weightValues(loaded), await weightValues(model));
  const viaJsonPath = await loadPretrainedModel(join(folder, "model.json"));
  assertEquals(await weightValues(viaJsonPath), await weightValues(model));
});

Deno.test("a URL is downloaded once into the cache, then loaded from disk", async () => {
  const { model, folder } = await savedModel();
  const { server, counter, url } = serveFolder(folder);
  const cacheDir = await Deno.makeTempDir({ prefix: "pretrained_cache_" });
  try {
    const first = await loadPretrainedModel(url, { cacheDir, progress: false });
    assertEquals(await weightValues(first), await weightValues(model));
    const shardCount = (await checkModelFolder(folder)).weightsManifest[0].paths.length;
    assertEquals(counter.requests, 1 + shardCount);
    const second = await loadPretrainedModel(`${url}model.json`, { cacheDir, progress: false });
    assertEquals(counter.requests, 1 + shardCount, "the second load must not fetch anything");
    assertEquals(await weightValues(second), await weightValues(model));
    const cached = await entries(cacheDir);
    assertEquals(cached.length, 1);
    assert(cached[0].startsWith("model-"), `cache entry ${cached[0]} is named after the folder`);
  } finally {
    await server.shutdown();
  }
});

Deno.test("a cache entry damaged after the download is fetched again", async () => {
  const { model, folder } = await savedModel();
  const { server, counter, url } = serveFolder(folder);
  const cacheDir = await Deno.makeTempDir({ prefix: "pretrained_cache_" });
  try {
    await loadPretrainedModel(url, { cacheDir, progress: false });
    const fetched = counter.requests;
    const [entry] = await entries(cacheDir);
    const [firstShard] = (await checkModelFolder(join(cacheDir, entry))).weightsManifest[0].paths;
    const shard = join(cacheDir, entry, firstShard);
    await Deno.writeFile(shard, (await Deno.readFile(shard)).subarray(0, 10));
    const again = await loadPretrainedModel(url, { cacheDir, progress: false });
    assertEquals(counter.requests, 2 * fetched, "every file is fetched again");
    assertEquals(await weightValues(again), await weightValues(model));
  } finally {
    await server.shutdown();
  }
});

Deno.test("a truncated shard over HTTP is rejected and nothing is cached", async () => {
  const { folder } = await savedModel();
  const { server, url } = serveFolder(
    folder,
    (name, bytes) =>
      name.endsWith(".bin") && name.startsWith("group1-shard2") ? bytes.subarray(0, 100) : bytes,
  );
  const cacheDir = await Deno.makeTempDir({ prefix: "pretrained_cache_" });
  try {
    await assertRejectsWith(
      () => loadPretrainedModel(url, { cacheDir, progress: false }),
      url,
      "incomplete",
      "group1-shard2",
    );
    assertEquals(await entries(cacheDir), [], "no entry and no partial folder may remain");
  } finally {
    await server.shutdown();
  }
});

Deno.test("an unreachable URL gives an error naming it and how to load a local copy", async () => {
  const { server } = serveFolder(await Deno.makeTempDir());
  const url = `http://127.0.0.1:${server.addr.port}/xception/`;
  await server.shutdown(); // nothing listens on the port now: connection refused
  const cacheDir = await Deno.makeTempDir({ prefix: "pretrained_cache_" });
  await assertRejectsWith(
    () => loadPretrainedModel(url, { cacheDir, progress: false }),
    `${url}model.json`,
    "Without internet",
    'loadPretrainedModel("path/to/model_folder")',
  );
  assertEquals(await entries(cacheDir), []);
});
