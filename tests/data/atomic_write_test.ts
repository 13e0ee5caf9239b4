import { join } from "node:path";
import { assertEquals, assertRejectsWith } from "../assert.ts";
import { writeAtomically, writeAtomicallySync } from "../../lib/data/atomic_write.ts";

Deno.test("writeAtomically replaces a file whole and leaves nothing behind on failure", async () => {
  const folder = await Deno.makeTempDir({ prefix: "atomic_" });
  const path = join(folder, "values.bin");
  await writeAtomically(path, Uint8Array.from([1, 2, 3]));
  await writeAtomically(path, Uint8Array.from([4, 5]));
  assertEquals(Array.from(await Deno.readFile(path)), [4, 5]);
  assertEquals((await Array.fromAsync(Deno.readDir(folder))).map((entry) => entry.name), [
    "values.bin",
  ]);
  // A folder in the way makes the rename fail after the temporary file was written.
  await Deno.mkdir(join(folder, "taken"));
  await Deno.writeTextFile(join(folder, "taken", "keep"), "x");
  await assertRejectsWith(() => writeAtomically(join(folder, "taken"), Uint8Array.from([9])));
  const names = (await Array.fromAsync(Deno.readDir(folder))).map((entry) => entry.name).sort();
  assertEquals(names, ["taken", "values.bin"]);
});

Deno.test("writeAtomicallySync replaces a file whole and leaves nothing behind on failure", () => {
  const folder = Deno.makeTempDirSync({ prefix: "atomic_sync_" });
  const path = join(folder, "values.bin");
  writeAtomicallySync(path, Uint8Array.from([1, 2, 3]));
  writeAtomicallySync(path, Uint8Array.from([4, 5]));
  assertEquals(Array.from(Deno.readFileSync(path)), [4, 5]);
  Deno.mkdirSync(join(folder, "taken"));
  Deno.writeTextFileSync(join(folder, "taken", "keep"), "x");
  let failed = false;
  try {
    writeAtomicallySync(join(folder, "taken"), Uint8Array.from([9]));
  } catch {
    failed = true;
  }
  assertEquals(failed, true);
  const names = [...Deno.readDirSync(folder)].map((entry) => entry.name).sort();
  assertEquals(names, ["taken", "values.bin"]);
});
