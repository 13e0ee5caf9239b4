/**
 * Long experiments store their results as Parquet files, so a reader re-plots
 * a notebook in seconds instead of re-training for an hour. A folder holds
 * one file per DataFrame and a `manifest.json` saying when and how long the
 * training ran; it is written under a temporary name and renamed into place,
 * so an interrupted run never leaves half a folder behind. The intervals
 * computed from the frames are kept beside them (`intervals.json`), so a
 * re-plot reads them instead of bootstrapping again; a re-run writes a new
 * folder, which starts without them.
 */
import { join } from "node:path";
import pl from "nodejs-polars";
import { profileName } from "./profile.ts";
import { IntervalCache } from "../statistics/interval_cache.ts";

/** What `manifest.json` records about a stored run. */
export interface StoredManifest {
  /** The frames in the folder, each stored as `<name>.parquet`. */
  frames: string[];
  /** When the computation finished (ISO 8601). */
  createdAt: string;
  /** Wall-clock seconds of the computation. */
  seconds: number;
  /** The profile it ran in. */
  profile: string;
}

/** What {@link storedFrames} returns. */
export interface StoredFrames<K extends string> {
  /** The frames, by name. */
  frames: Record<K, pl.DataFrame>;
  /** When and how long the computation that made them ran. */
  manifest: StoredManifest;
  /** True when they were read from the folder, false when computed now. */
  reused: boolean;
  /** The store of intervals computed from these frames, to pass as `cache` to `gridIntervals`. */
  intervals: IntervalCache;
}

/**
 * The folder for the stored results called `name` in the current profile:
 * `$RESULTS_DIR/<name>-<profile>`, with `RESULTS_DIR` defaulting to
 * `results` (relative to the notebook's folder). The profile is part of the
 * name so a quick smoke run never replaces the full results.
 */
export function resultsFolder(name: string): string {
  return join(Deno.env.get("RESULTS_DIR") ?? "results", `${name}-${profileName()}`);
}

/**
 * Reads the frames stored in `folder`, or, when the folder does not exist
 * (or `rerun` is true, by default when `RERUN=1`), runs `compute`, stores
 * its frames there and returns them. Prints which of the two happened.
 */
export async function storedFrames<K extends string>(
  folder: string,
  compute: () => Promise<Record<K, pl.DataFrame>>,
  options: { rerun?: boolean } = {},
): Promise<StoredFrames<K>> {
  const rerun = options.rerun ?? Deno.env.get("RERUN") === "1";
  if (!rerun && exists(folder)) {
    const manifest = readManifest(folder);
    const frames = Object.fromEntries(
      manifest.frames.map((name) => [name, pl.readParquet(join(folder, `${name}.parquet`))]),
    ) as Record<K, pl.DataFrame>;
    console.log(
      `Read the stored results in ${folder} (computed ${manifest.createdAt.slice(0, 16)}Z in ` +
        `${(manifest.seconds / 60).toFixed(1)} min, ${manifest.profile} profile); ` +
        "RERUN=1 computes them again.",
    );
    return { frames, manifest, reused: true, intervals: intervalStore(folder) };
  }
  const started = performance.now();
  const frames = await compute();
  const manifest: StoredManifest = {
    frames: Object.keys(frames),
    createdAt: new Date().toISOString(),
    seconds: (performance.now() - started) / 1000,
    profile: profileName(),
  };
  writeAtomically(folder, frames, manifest);
  console.log(
    `Computed in ${(manifest.seconds / 60).toFixed(1)} min; stored in ${folder} ` +
      `(${manifest.frames.join(", ")}).`,
  );
  return { frames, manifest, reused: false, intervals: intervalStore(folder) };
}

/** The interval store kept in a results folder. */
function intervalStore(folder: string): IntervalCache {
  return new IntervalCache(join(folder, "intervals.json"));
}

function writeAtomically(
  folder: string,
  frames: Record<string, pl.DataFrame>,
  manifest: StoredManifest,
): void {
  const partial = `${folder}.partial-${Deno.pid}`;
  const previous = `${folder}.previous-${Deno.pid}`;
  Deno.mkdirSync(partial, { recursive: true });
  try {
    for (const [name, frame] of Object.entries(frames)) {
      frame.writeParquet(join(partial, `${name}.parquet`));
    }
    Deno.writeTextFileSync(
      join(partial, "manifest.json"),
      JSON.stringify(manifest, null, 2) + "\n",
    );
    if (exists(folder)) Deno.renameSync(folder, previous);
    Deno.renameSync(partial, folder);
    if (exists(previous)) Deno.removeSync(previous, { recursive: true });
  } catch (error) {
    if (exists(partial)) Deno.removeSync(partial, { recursive: true });
    if (exists(previous) && !exists(folder)) Deno.renameSync(previous, folder);
    throw error;
  }
}

function readManifest(folder: string): StoredManifest {
  const path = join(folder, "manifest.json");
  let manifest: StoredManifest;
  try {
    manifest = JSON.parse(Deno.readTextFileSync(path));
  } catch (error) {
    throw new Error(
      `storedFrames: ${path} is missing or unreadable (${(error as Error).message}); ` +
        `delete ${folder} or run with RERUN=1 to compute the results again.`,
    );
  }
  const missing = manifest.frames.filter((name) => !exists(join(folder, `${name}.parquet`)));
  if (missing.length > 0) {
    throw new Error(
      `storedFrames: ${folder} lacks ${missing.map((name) => `${name}.parquet`).join(", ")}; ` +
        "delete the folder or run with RERUN=1 to compute the results again.",
    );
  }
  return manifest;
}

function exists(path: string): boolean {
  try {
    Deno.statSync(path);
    return true;
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return false;
    throw error;
  }
}
