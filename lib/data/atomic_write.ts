/**
 * Writing a file so that readers see it whole or not at all: the bytes go to
 * a temporary file beside it, which is renamed into place only once written.
 * Cache files (downloaded models, computed features) are written this way, so
 * an interrupted run never leaves a half-written entry to be trusted later.
 */

/** Writes `data` to `path` through a temporary file renamed into place; on failure nothing is left. */
export async function writeAtomically(path: string, data: Uint8Array): Promise<void> {
  const temporary = `${path}.partial-${crypto.randomUUID()}`;
  try {
    await Deno.writeFile(temporary, data);
    await Deno.rename(temporary, path);
  } catch (error) {
    await Deno.remove(temporary).catch(() => {});
    throw error;
  }
}

/**
 * {@link writeAtomically} for callers that cannot await, e.g. a cache saved
 * from inside a synchronous computation.
 */
export function writeAtomicallySync(path: string, data: Uint8Array): void {
  const temporary = `${path}.partial-${crypto.randomUUID()}`;
  try {
    Deno.writeFileSync(temporary, data);
    Deno.renameSync(temporary, path);
  } catch (error) {
    try {
      Deno.removeSync(temporary);
    } catch {
      // Nothing was written, so there is nothing to remove.
    }
    throw error;
  }
}
