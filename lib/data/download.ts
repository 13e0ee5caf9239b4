/**
 * Downloading a file over HTTP with its MD5 checked, so that a dropped
 * connection or a changed file never leaves a half-written file behind; a
 * progress bar for the terminal or a notebook; and a file lock with cleanup of
 * what interrupted runs left, for data sets downloaded on first use.
 */
import { createHash } from "node:crypto";
import { basename, dirname, join } from "node:path";

/** How far a download has got. `totalBytes` is undefined when the server sends no length. */
export interface DownloadProgress {
  readonly receivedBytes: number;
  readonly totalBytes: number | undefined;
  readonly bytesPerSecond: number;
}

/** Options of `downloadVerified`. */
export interface DownloadOptions {
  /** The expected MD5 of the whole file, as 32 hex digits; without it only the length is checked. */
  md5?: string;
  /** Called after each received chunk. */
  onProgress?: (progress: DownloadProgress) => void;
}

async function removeIfPresent(path: string): Promise<void> {
  try {
    await Deno.remove(path, { recursive: true });
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  }
}

async function fetchOk(url: string): Promise<Response> {
  let response: Response;
  try {
    response = await fetch(url);
  } catch (error) {
    // Deno's fetch says only "fetch failed"; the cause says why (refused, no such host, …).
    const cause = error instanceof Error && error.cause instanceof Error
      ? `: ${error.cause.message}`
      : "";
    const reason = (error instanceof Error ? error.message : String(error)) + cause;
    throw new Error(
      `Could not reach ${url} (${reason}). Check the internet connection and the URL, ` +
        `then run again.`,
    );
  }
  if (!response.ok || response.body === null) {
    await response.body?.cancel();
    throw new Error(
      `Downloading ${url} failed: the server answered HTTP ${response.status} ` +
        `${response.statusText}. Check the URL, then run again.`,
    );
  }
  return response;
}

/**
 * Downloads `url` to `destination`, checking its MD5 (when given) and its
 * length (when the server sends one). The bytes go to
 * `destination + ".partial"`, which becomes `destination` only when the whole
 * file arrived with the right checksum; on any failure (network error, short
 * body, checksum mismatch) the partial file is removed and a message says
 * what happened and that running again is safe.
 */
export async function downloadVerified(
  url: string,
  destination: string,
  options: DownloadOptions,
): Promise<void> {
  const expectedMd5 = options.md5?.toLowerCase();
  if (expectedMd5 !== undefined && !/^[0-9a-f]{32}$/.test(expectedMd5)) {
    throw new Error(`"${options.md5}" is not an MD5 checksum: give 32 hexadecimal digits.`);
  }
  const partial = `${destination}.partial`;
  const response = await fetchOk(url);
  const lengthHeader = response.headers.get("content-length");
  const totalBytes = lengthHeader === null ? undefined : Number(lengthHeader);
  const hash = createHash("md5");
  const started = performance.now();
  let receivedBytes = 0;
  const file = await Deno.open(partial, { write: true, create: true, truncate: true });
  try {
    const writer = file.writable.getWriter();
    try {
      for await (const chunk of response.body!) {
        hash.update(chunk);
        await writer.write(chunk);
        receivedBytes += chunk.byteLength;
        const seconds = Math.max((performance.now() - started) / 1000, 1e-3);
        options.onProgress?.({
          receivedBytes,
          totalBytes,
          bytesPerSecond: receivedBytes / seconds,
        });
      }
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      throw new Error(
        `The download of ${url} broke off after ${receivedBytes} bytes (${reason}). ` +
          `Nothing was kept; run again.`,
      );
    } finally {
      await writer.close().catch(() => {});
    }
    if (totalBytes !== undefined && receivedBytes !== totalBytes) {
      throw new Error(
        `The download of ${url} stopped after ${receivedBytes} of ${totalBytes} bytes. ` +
          `Nothing was kept; run again.`,
      );
    }
    const actualMd5 = hash.digest("hex");
    if (expectedMd5 !== undefined && actualMd5 !== expectedMd5) {
      throw new Error(
        `The file downloaded from ${url} has MD5 ${actualMd5}, not the expected ` +
          `${expectedMd5}: it is corrupt or not the expected file. Nothing was kept; run ` +
          `again, and check the URL if this repeats.`,
      );
    }
    await Deno.rename(partial, destination);
  } catch (error) {
    await removeIfPresent(partial);
    throw error;
  }
}

function formatMegabytes(bytes: number): string {
  return (bytes / 1e6).toFixed(1);
}

/**
 * A `DownloadProgress` handler that draws a bar on stderr (bytes, percent,
 * rate), redrawn in place at most ten times a second on a terminal, or one line
 * per tenth of the file when stderr is redirected. Call `finish` once done.
 */
export function stderrProgressBar(label: string): {
  update: (progress: DownloadProgress) => void;
  finish: () => void;
} {
  const encoder = new TextEncoder();
  const interactive = Deno.stderr.isTerminal();
  let lastDrawn = 0;
  let lastTenth = -1;
  let drewSomething = false;
  const update = (progress: DownloadProgress) => {
    const { receivedBytes, totalBytes, bytesPerSecond } = progress;
    const fraction = totalBytes ? Math.min(receivedBytes / totalBytes, 1) : undefined;
    const now = performance.now();
    const complete = fraction === 1;
    if (interactive) {
      if (now - lastDrawn < 100 && !complete) return;
    } else {
      const tenth = fraction === undefined ? -1 : Math.floor(fraction * 10);
      if (tenth === lastTenth) return;
      lastTenth = tenth;
    }
    lastDrawn = now;
    const width = 30;
    const filled = Math.round((fraction ?? 0) * width);
    const bar = fraction === undefined
      ? ""
      : `[${"#".repeat(filled)}${".".repeat(width - filled)}] `;
    const percent = fraction === undefined ? "" : `${(fraction * 100).toFixed(0).padStart(3)}% `;
    const sizes = totalBytes === undefined
      ? `${formatMegabytes(receivedBytes)} MB`
      : `${formatMegabytes(receivedBytes)}/${formatMegabytes(totalBytes)} MB`;
    const line = `${label} ${bar}${percent}${sizes} ${formatMegabytes(bytesPerSecond)} MB/s`;
    Deno.stderr.writeSync(encoder.encode(interactive ? `\r${line}\x1b[K` : `${line}\n`));
    drewSomething = true;
  };
  const finish = () => {
    if (interactive && drewSomething) Deno.stderr.writeSync(encoder.encode("\n"));
  };
  return { update, finish };
}

/** The part of `Deno.jupyter` a progress bar needs: a display updated in place by its id. */
type JupyterDisplay = (
  bundle: Record<string, string>,
  options: { raw: boolean; display_id: string; update: boolean },
) => Promise<void>;

/**
 * A `DownloadProgress` handler for wherever the code runs: in the Deno Jupyter
 * kernel a bar in the running cell's output, updated in place at most twice a
 * second (stderr would not reach the notebook); elsewhere `stderrProgressBar`.
 * Call `finish` once done.
 */
export function downloadProgressBar(label: string): {
  update: (progress: DownloadProgress) => void;
  finish: () => void;
} {
  let jupyter: { display: JupyterDisplay } | undefined;
  try {
    jupyter = (Deno as unknown as { jupyter?: { display: JupyterDisplay } }).jupyter;
  } catch {
    // Outside `deno jupyter`, reading Deno.jupyter throws.
  }
  if (typeof jupyter !== "object") return stderrProgressBar(label);
  const displayId = `download-${crypto.randomUUID()}`;
  let shown: Promise<void> = Promise.resolve();
  let started = false;
  let lastShown = 0;
  let latest: DownloadProgress | undefined;
  const show = (progress: DownloadProgress) => {
    const { receivedBytes, totalBytes, bytesPerSecond } = progress;
    const sizes = totalBytes === undefined
      ? `${formatMegabytes(receivedBytes)} MB`
      : `${formatMegabytes(receivedBytes)}/${formatMegabytes(totalBytes)} MB`;
    const percent = totalBytes ? Math.min(100, Math.round(100 * receivedBytes / totalBytes)) : 0;
    const text = `${label} ${totalBytes ? `${percent}% ` : ""}${sizes} ` +
      `${formatMegabytes(bytesPerSecond)} MB/s`;
    const update = started;
    started = true;
    shown = shown.then(() =>
      jupyter.display({
        "text/plain": text,
        "text/html": `<div style="font-family:monospace"><progress value="${percent}" ` +
          `max="100" style="width:40ch;vertical-align:middle"></progress> ${
            text.replace(/&/g, "&amp;").replace(/</g, "&lt;")
          }</div>`,
      }, { raw: true, display_id: displayId, update })
    ).catch(() => {});
  };
  return {
    update: (progress) => {
      latest = progress;
      const now = performance.now();
      if (started && now - lastShown < 500) return;
      lastShown = now;
      show(progress);
    },
    finish: () => {
      if (latest !== undefined) show(latest);
    },
  };
}

/**
 * Runs `body` while holding an exclusive lock on the file `lockPath` (created
 * if needed), so that two processes (two notebooks started at once) never
 * download into the same place together; the second waits, then finds the
 * data in place. The operating system releases the lock when the process
 * ends, so a killed run never leaves it held.
 */
export async function withFileLock<T>(lockPath: string, body: () => Promise<T>): Promise<T> {
  await Deno.mkdir(dirname(lockPath), { recursive: true });
  const file = await Deno.open(lockPath, { write: true, create: true });
  try {
    await file.lock(true);
    return await body();
  } finally {
    file.close(); // releases the lock
  }
}

/**
 * Removes every entry of `folder` whose name starts with `prefix`: the
 * temporary files and folders of downloads that were killed before they could
 * clean up. Call it while holding the download's lock, so no live download's
 * files are among them.
 */
export async function removeLeftovers(folder: string, prefix: string): Promise<void> {
  let entries: Deno.DirEntry[];
  try {
    entries = await Array.fromAsync(Deno.readDir(folder));
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return;
    throw error;
  }
  for (const entry of entries) {
    if (entry.name.startsWith(prefix)) await removeIfPresent(join(folder, entry.name));
  }
}

/** What `downloadOnFirstUse` needs to fetch a data set the first time it is asked for. */
export interface FirstUseDownload {
  /** The folder whose existence means the data is in place. */
  ready: string;
  /** The folder the download creates (`ready` or a parent of it); its lock and leftovers sit beside it. */
  destination: string;
  /** What the data is, for messages, e.g. "CoIL 2000 data". */
  what: string;
  /** The progress bar's label, e.g. "coil2000". */
  barLabel: string;
  /** The address downloaded, named in messages and errors. */
  url: string;
  /**
   * Downloads and writes `destination` (complete or not at all), reporting
   * progress; returns the line printed when it is done. Temporary files must
   * start with `${basename(destination)}.incomplete-` beside it.
   */
  download(onProgress: (progress: DownloadProgress) => void): Promise<string>;
  /** How to do without the download, appended to the error (e.g. "set COIL2000_DIR to …"). */
  offlineHelp: string;
  /** Download progress; default a bar (in the notebook, or on stderr). */
  onProgress?: (progress: DownloadProgress) => void;
}

/**
 * Fetches a data set the first time it is needed, as Keras's `get_file` does:
 * nothing when `ready` exists; otherwise, holding a lock beside `destination`
 * (two notebooks started at once download once), it removes what a killed
 * download left, runs `download` with a progress bar and prints its summary.
 * A failure becomes an error naming the URL and how to point at a copy.
 *
 * @example
 * ```ts
 * import { downloadOnFirstUse } from "./download.ts";
 * const folder = await Deno.makeTempDir();
 * let downloads = 0;
 * const spec = {
 *   ready: folder, destination: folder, what: "data", barLabel: "data",
 *   url: "https://example.org/data.zip", offlineHelp: "put the files in the folder.",
 *   download: async () => { downloads++; return "wrote it"; },
 * };
 * await downloadOnFirstUse(spec); // the folder exists: nothing to do
 * if (downloads !== 0) throw new Error("downloaded although the data was there");
 * ```
 */
export async function downloadOnFirstUse(spec: FirstUseDownload): Promise<void> {
  if (await isFolder(spec.ready)) return;
  const parent = dirname(spec.destination);
  await withFileLock(`${spec.destination}.lock`, async () => {
    if (await isFolder(spec.ready)) return; // another process finished it meanwhile
    await removeLeftovers(parent, `${basename(spec.destination)}.incomplete-`);
    console.log(`No ${spec.what} at ${spec.destination} yet: downloading it from ${spec.url}.`);
    const bar = spec.onProgress === undefined ? downloadProgressBar(spec.barLabel) : undefined;
    try {
      const summary = await spec.download(spec.onProgress ?? bar!.update);
      bar?.finish();
      console.log(summary);
    } catch (error) {
      bar?.finish();
      throw new Error(
        `Could not download the ${spec.what} from ${spec.url}: ${(error as Error).message}\n` +
          `Without internet, point at a copy: ${spec.offlineHelp}`,
      );
    }
  });
}

/** Whether `path` is an existing folder. */
export async function isFolder(path: string): Promise<boolean> {
  return (await statOrUndefined(path))?.isDirectory === true;
}

/** Whether anything (file or folder) exists at `path`. */
export async function pathExists(path: string): Promise<boolean> {
  return (await statOrUndefined(path)) !== undefined;
}

/** `Deno.stat(path)`, or undefined when nothing is there (other errors are thrown). */
async function statOrUndefined(path: string): Promise<Deno.FileInfo | undefined> {
  try {
    return await Deno.stat(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return undefined;
    throw error;
  }
}
