/**
 * gRPC calls per method between two scrapes of containerd's metrics: how many, which failed (by
 * code), and p50/p99 latency estimated from the histogram buckets the way Prometheus'
 * histogram_quantile does (linear inside the bucket that holds the rank), bounded by the mean.
 */
import { histQuantile } from '../../parsers/bpftrace-hist.js';
import type { PromScrape } from '../../parsers/prometheus-text.js';

export interface MethodLatency {
  /** Full gRPC name: "/containerd.services.tasks.v1.Tasks/Create". */
  method: string;
  count: number;
  errors: number;
  errorsByCode: Record<string, number>;
  /** Null when no call finished in the window or the histogram is off. */
  p50Seconds: number | null;
  p99Seconds: number | null;
  meanSeconds: number | null;
}

export interface Bucket {
  /** Upper bound in seconds (Infinity for "+Inf"). */
  le: number;
  /** Cumulative count. */
  count: number;
}

const fullName = (l: Record<string, string>) => `/${l.grpc_service ?? '?'}/${l.grpc_method ?? '?'}`;
/** A counter's growth; a smaller end value means containerd restarted, so the end value is the growth. */
const grow = (a: number | undefined, b: number) => (a === undefined || b < a ? b : b - a);

/**
 * The q-quantile (0..1) of cumulative buckets; null when empty. The buckets become ranges
 * (previous bound to this one, 0 below the first) for histQuantile, the one bucket-quantile rule:
 * linear inside the bucket that holds the rank, and beyond the last finite bound that bound, as
 * Prometheus does.
 */
export function bucketQuantile(q: number, buckets: Bucket[]): number | null {
  const sorted = [...buckets].sort((a, b) => a.le - b.le);
  let low = 0;
  let below = 0;
  const ranges = sorted.map((b) => {
    const r = { low, high: b.le, count: b.count - below };
    if (Number.isFinite(b.le)) low = b.le;
    below = b.count;
    return r;
  });
  return histQuantile(ranges, q);
}

function byMethod<T>(s: PromScrape, name: string, key: (l: Record<string, string>) => string | null, into: Map<string, T>, add: (acc: T | undefined, labels: Record<string, string>, v: number) => T): void {
  for (const x of s.samples.get(name) ?? []) {
    const k = key(x.labels);
    if (k !== null) into.set(k, add(into.get(k), x.labels, x.value));
  }
}

/** Per-series values keyed by method plus one extra label. */
function series(s: PromScrape, name: string, extra: string): Map<string, number> {
  const m = new Map<string, number>();
  byMethod(s, name, (l) => `${fullName(l)}\t${l[extra] ?? ''}`, m, (acc, _l, v) => (acc ?? 0) + v);
  return m;
}

/** Methods with at least one call between the scrapes, most calls first. */
export function grpcLatencyDiff(start: PromScrape, end: PromScrape): MethodLatency[] {
  const handled0 = series(start, 'grpc_server_handled_total', 'grpc_code');
  const handled1 = series(end, 'grpc_server_handled_total', 'grpc_code');
  const bucket0 = series(start, 'grpc_server_handling_seconds_bucket', 'le');
  const bucket1 = series(end, 'grpc_server_handling_seconds_bucket', 'le');
  const sum0 = series(start, 'grpc_server_handling_seconds_sum', '');
  const sum1 = series(end, 'grpc_server_handling_seconds_sum', '');

  const methods = new Map<string, MethodLatency>();
  const get = (m: string) => {
    let r = methods.get(m);
    if (!r) methods.set(m, (r = { method: m, count: 0, errors: 0, errorsByCode: {}, p50Seconds: null, p99Seconds: null, meanSeconds: null }));
    return r;
  };
  for (const [k, v] of handled1) {
    const d = grow(handled0.get(k), v);
    if (d <= 0) continue;
    const [method, code] = k.split('\t') as [string, string];
    const r = get(method);
    r.count += d;
    if (code !== 'OK') {
      r.errors += d;
      r.errorsByCode[code] = (r.errorsByCode[code] ?? 0) + d;
    }
  }
  const buckets = new Map<string, Bucket[]>();
  for (const [k, v] of bucket1) {
    const [method, le] = k.split('\t') as [string, string];
    if (!methods.has(method)) continue;
    const leNum = le === '+Inf' ? Infinity : Number(le);
    if (Number.isNaN(leNum)) continue;
    let list = buckets.get(method);
    if (!list) buckets.set(method, (list = []));
    list.push({ le: leNum, count: grow(bucket0.get(k), v) });
  }
  for (const [method, list] of buckets) {
    const r = methods.get(method)!;
    r.p50Seconds = bucketQuantile(0.5, list);
    r.p99Seconds = bucketQuantile(0.99, list);
    const n = list.find((b) => !Number.isFinite(b.le))?.count ?? 0;
    const k = `${method}\t`;
    if (n > 0 && sum1.has(k)) r.meanSeconds = grow(sum0.get(k), sum1.get(k)!) / n;
    // Interpolating inside the first bucket (0..5 ms) says 2.5 ms for calls that take 20 µs. The
    // mean bounds any quantile of a non-negative value (Markov: p50 <= 2 mean, p99 <= 100 mean).
    if (r.meanSeconds !== null) {
      if (r.p50Seconds !== null) r.p50Seconds = Math.min(r.p50Seconds, 2 * r.meanSeconds);
      if (r.p99Seconds !== null) r.p99Seconds = Math.min(r.p99Seconds, 100 * r.meanSeconds);
    }
  }
  return [...methods.values()].sort((a, b) => b.count - a.count || a.method.localeCompare(b.method));
}

/** Whether the scrape has gRPC latency histograms at all (containerd's grpc_histogram = true). */
export const hasGrpcHistogram = (s: PromScrape) => (s.samples.get('grpc_server_handling_seconds_bucket')?.length ?? 0) > 0;
