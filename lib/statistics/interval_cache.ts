/**
 * Intervals computed once and stored beside the results they come from, so a
 * notebook that re-plots stored runs skips the bootstrap (about a minute for
 * notebook 7's few hundred intervals) and shows the very same numbers.
 *
 * An entry is found by what determines the interval: the metric's name, the
 * options, and a hash of the labels and of every seed's scores. Changed
 * predictions (a re-run) or options give another key, so a stale entry is
 * never read; it only takes room until the results folder is written anew.
 * The file is rewritten whole, through a temporary file, after each call that
 * added an entry, so an interrupted run leaves the previous file or the new
 * one, never half of one.
 */
import { writeAtomicallySync } from "../data/atomic_write.ts";
import {
  pairedSeedTestSetInterval,
  type SeedTestSetInterval,
  seedTestSetInterval,
  type SeedTestSetIntervalOptions,
  type WeightedMetric,
} from "./seed_test_interval.ts";

/** The file's layout version; a file of another version is refused with the fix. */
const VERSION = 1;

/** What the JSON file holds. */
interface CacheFile {
  version: number;
  intervals: Record<string, SeedTestSetInterval>;
}

/**
 * A store of seed-and-test-set intervals backed by a JSON file (created on
 * the first entry).
 *
 * @example
 * ```ts
 * import { IntervalCache } from "./interval_cache.ts";
 * import { thresholdMetric } from "./seed_test_interval.ts";
 * const file = `${await Deno.makeTempDir()}/intervals.json`;
 * const labels = [1, 0, 1, 0, 1, 0];
 * const scores = [[0.9, 0.1, 0.8, 0.3, 0.4, 0.2], [0.8, 0.2, 0.7, 0.6, 0.6, 0.3]];
 * const recall = thresholdMetric("recall");
 * const first = new IntervalCache(file).interval(labels, scores, "recall", recall, { seed: 1 });
 * const again = new IntervalCache(file); // a later session reads the file
 * const second = again.interval(labels, scores, "recall", recall, { seed: 1 });
 * if (JSON.stringify(first) !== JSON.stringify(second) || again.hits !== 1) {
 *   throw new Error("the stored interval was not reused");
 * }
 * ```
 */
export class IntervalCache {
  /** The JSON file the intervals are kept in. */
  readonly file: string;
  /** Intervals read from the store in this session. */
  hits = 0;
  /** Intervals computed (and added to the store) in this session. */
  misses = 0;
  #intervals: Record<string, SeedTestSetInterval>;

  /** Opens the store kept in `file`; an absent file is an empty store. */
  constructor(file: string) {
    this.file = file;
    this.#intervals = readCacheFile(file);
  }

  /** {@link seedTestSetInterval}, read from the store when it holds it; `metricName` names `metric`. */
  interval(
    labels: ArrayLike<number>,
    scoresBySeed: readonly ArrayLike<number>[],
    metricName: string,
    metric: WeightedMetric,
    options: SeedTestSetIntervalOptions,
  ): SeedTestSetInterval {
    const key = cacheKey("single", metricName, options, labels, scoresBySeed);
    return this.#lookUp(key, () => seedTestSetInterval(labels, scoresBySeed, metric, options));
  }

  /** {@link pairedSeedTestSetInterval}, read from the store when it holds it. */
  pairedInterval(
    labels: ArrayLike<number>,
    a: readonly ArrayLike<number>[],
    b: readonly ArrayLike<number>[],
    metricName: string,
    metric: WeightedMetric,
    options: SeedTestSetIntervalOptions,
  ): SeedTestSetInterval {
    const key = `${cacheKey("paired", metricName, options, labels, a)}|b=${hashRuns(b)}`;
    return this.#lookUp(key, () => pairedSeedTestSetInterval(labels, a, b, metric, options));
  }

  /** Number of intervals in the store. */
  get size(): number {
    return Object.keys(this.#intervals).length;
  }

  #lookUp(key: string, compute: () => SeedTestSetInterval): SeedTestSetInterval {
    const stored = this.#intervals[key];
    if (stored !== undefined) {
      this.hits++;
      return { ...stored };
    }
    const interval = compute();
    this.misses++;
    this.#intervals[key] = interval;
    const file: CacheFile = { version: VERSION, intervals: this.#intervals };
    writeAtomicallySync(this.file, new TextEncoder().encode(JSON.stringify(file)));
    return { ...interval };
  }
}

function readCacheFile(file: string): Record<string, SeedTestSetInterval> {
  let text: string;
  try {
    text = Deno.readTextFileSync(file);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return {};
    throw error;
  }
  let parsed: CacheFile;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new Error(
      `IntervalCache: ${file} is not valid JSON; delete it and the intervals are computed again.`,
    );
  }
  if (parsed?.version !== VERSION || typeof parsed.intervals !== "object") {
    throw new Error(
      `IntervalCache: ${file} is not a version-${VERSION} interval store; delete it and the ` +
        "intervals are computed again.",
    );
  }
  return parsed.intervals;
}

/** What determines an interval, as a string: a change to any of it is another key. */
function cacheKey(
  kind: string,
  metricName: string,
  options: SeedTestSetIntervalOptions,
  labels: ArrayLike<number>,
  runs: readonly ArrayLike<number>[],
): string {
  const { seed, resamples = 1000, confidence = 0.95 } = options;
  return `${kind}|${metricName}|seed=${seed}|resamples=${resamples}|confidence=${confidence}` +
    `|labels=${hashValues(labels)}|a=${hashRuns(runs)}`;
}

function hashRuns(runs: readonly ArrayLike<number>[]): string {
  return `${runs.length}:${runs.map(hashValues).join(",")}`;
}

/**
 * A 53-bit hash of the values' float64 bits and their count (cyrb53's mixing
 * over 32-bit words): a changed value, order or length gives another hash.
 */
export function hashValues(values: ArrayLike<number>): string {
  const words = new Uint32Array(Float64Array.from(values).buffer);
  let h1 = 0xdeadbeef ^ values.length;
  let h2 = 0x41c6ce57 ^ values.length;
  for (let i = 0; i < words.length; i++) {
    h1 = Math.imul(h1 ^ words[i], 2654435761);
    h2 = Math.imul(h2 ^ words[i], 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return (4294967296 * (2097151 & h2) + (h1 >>> 0)).toString(36);
}
