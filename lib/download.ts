/**
 * Downloading a file over HTTP with its MD5 checked, so that a dropped
 * connection or a changed file never leaves a half-written file behind; and a
 * progress bar for the terminal.
 */
import { createHash } from "node:crypto";

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
    const reason = error instanceof Error ? error.message : String(error);
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
