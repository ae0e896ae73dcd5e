/**
 * bpftrace hist() / lhist() buckets as printed by `-f json` (both print with type "hist"):
 *
 *   hist:  [{"max": -1, "count": 1}, {"min": 0, "max": 0, "count": 1}, {"min": 1, "max": 1, "count": 2},
 *           {"min": 2, "max": 3, "count": 1}, ..., {"min": 512, "max": 1023, "count": 1}]
 *   lhist: [{"max": -1, "count": 1}, {"min": 0, "max": 9, "count": 1}, ..., {"min": 50, "count": 1}]
 *
 * Bounds are inclusive integers. The first bucket may lack "min" (every value below the range) and an
 * lhist's last bucket may lack "max" (every value from its "min" up). bpftrace trims empty buckets at
 * both ends, and in a keyed hist each key is trimmed on its own, so two keys' arrays need not line up.
 */
import type { HistBucket } from './bpftrace-json.js';

/** One bucket with both bounds: -Infinity / Infinity stand for the open ends. */
export interface Bucket {
  low: number;
  high: number;
  count: number;
}

function isNumber(v: unknown): v is number {
  return typeof v === 'number' && !Number.isNaN(v);
}

/** True for an array of bucket objects, as a hist value prints (keyed hists print an object of these). */
export function isHistBuckets(v: unknown): v is HistBucket[] {
  return Array.isArray(v) && v.every((b) => typeof b === 'object' && b !== null && isNumber((b as HistBucket).count));
}

/** Buckets with explicit bounds, in order. Malformed entries (no count, no bound at all) are skipped. */
export function normalizeHist(buckets: readonly unknown[]): Bucket[] {
  const out: Bucket[] = [];
  for (const b of buckets) {
    if (typeof b !== 'object' || b === null) continue;
    const { min, max, count } = b as HistBucket;
    if (!isNumber(count) || (!isNumber(min) && !isNumber(max))) continue;
    out.push({ low: isNumber(min) ? min : -Infinity, high: isNumber(max) ? max : Infinity, count });
  }
  return out;
}

function isPowerOfTwo(n: number): boolean {
  return 2 ** Math.round(Math.log2(n)) === n;
}

/** Which function made the buckets: log2 (hist) when every closed bucket is [2^k, 2^(k+1)-1], [0,0] or [1,1]. */
export function histKind(buckets: readonly Bucket[]): 'log2' | 'linear' | 'unknown' {
  const closed = buckets.filter((b) => Number.isFinite(b.low) && Number.isFinite(b.high));
  if (closed.length === 0) return 'unknown';
  const log2 = closed.every((b) => (b.low === b.high && (b.low === 0 || b.low === 1)) || (b.low >= 2 && isPowerOfTwo(b.low) && b.high === 2 * b.low - 1));
  const width = closed[0].high - closed[0].low;
  const linear = closed.every((b) => b.high - b.low === width);
  // A single power-of-two-wide bucket fits both; bpftrace's hist is the likelier reading.
  if (log2) return 'log2';
  return linear ? 'linear' : 'unknown';
}

/** Sum of the counts. */
export function histTotal(buckets: readonly Bucket[]): number {
  let n = 0;
  for (const b of buckets) n += b.count;
  return n;
}

/** Adds several hists (e.g. every key of a keyed hist) bucket by bucket, sorted by bounds. */
export function mergeHists(hists: Iterable<readonly Bucket[]>): Bucket[] {
  const byBounds = new Map<string, Bucket>();
  for (const h of hists) {
    for (const b of h) {
      const k = `${b.low}:${b.high}`;
      const prev = byBounds.get(k);
      if (prev) prev.count += b.count;
      else byBounds.set(k, { ...b });
    }
  }
  return [...byBounds.values()].sort((a, b) => a.low - b.low || a.high - b.high);
}

/**
 * The q-quantile (0 ≤ q ≤ 1) estimated from buckets, or null when they hold no count.
 *
 * Rule: rank = q × total. Walk the buckets in order to the first one whose running count reaches
 * the rank (for q = 0, the first non-empty one). Inside it, interpolate linearly over its inclusive
 * bounds: low + (rank − count before it) / its count × (high − low). So the estimate always lies
 * inside the bucket that holds the sample; [0,0] and [1,1] give exactly 0 and 1; a log2 bucket is
 * treated as evenly filled (as Prometheus' histogram_quantile does), not geometrically. An open end
 * cannot be interpolated: the first bucket (-∞, max] answers max, an lhist's last [min, ∞) answers min,
 * i.e. the estimate is the known bound, and the true value is at most (at least) that.
 */
export function histQuantile(buckets: readonly Bucket[], q: number): number | null {
  const total = histTotal(buckets);
  if (total <= 0 || !(q >= 0 && q <= 1)) return null;
  const rank = q * total;
  let before = 0;
  for (const b of buckets) {
    if (b.count <= 0) continue;
    if (before + b.count >= rank) {
      if (b.low === -Infinity) return b.high;
      if (b.high === Infinity) return b.low;
      const frac = Math.max(0, rank - before) / b.count;
      return b.low + frac * (b.high - b.low);
    }
    before += b.count;
  }
  // Rounding left the rank a hair above the total: the last non-empty bucket's top.
  for (let i = buckets.length - 1; i >= 0; i--) {
    const b = buckets[i];
    if (b.count > 0) return b.high === Infinity ? b.low : b.high;
  }
  return null;
}

export interface Percentiles {
  count: number;
  p50: number | null;
  p90: number | null;
  p99: number | null;
}

/** p50 / p90 / p99 by histQuantile's rule, with the total count. */
export function histPercentiles(buckets: readonly Bucket[]): Percentiles {
  return {
    count: histTotal(buckets),
    p50: histQuantile(buckets, 0.5),
    p90: histQuantile(buckets, 0.9),
    p99: histQuantile(buckets, 0.99),
  };
}

/**
 * A hist map's value, keyed or not, as [key, buckets] pairs: an unkeyed hist gives one pair with
 * key null. Anything else gives [].
 */
export function histEntries(value: unknown): [string | null, Bucket[]][] {
  if (Array.isArray(value)) return [[null, normalizeHist(value)]];
  if (typeof value !== 'object' || value === null) return [];
  const out: [string | null, Bucket[]][] = [];
  for (const [k, v] of Object.entries(value)) if (Array.isArray(v)) out.push([k, normalizeHist(v)]);
  return out;
}
