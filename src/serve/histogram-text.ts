/**
 * The VFS latency histograms in the exposition format, written by hand: prom-client's Histogram
 * takes one observation at a time and cannot be given buckets that were counted elsewhere (here,
 * in the kernel by bpftrace's hist()). Everything else serve exposes goes through prom-client.
 *
 * The conversion is exact: a log2 bucket [2^(k-1), 2^k - 1] ns holds integer durations, so the
 * number of values <= (2^k - 1) ns is the cumulative count up to that bucket, with no
 * interpolation. The le bounds are therefore 0, 1, 3, 7, ..., 2^36 - 1 ns, in seconds (the same
 * set on every scrape, empty ones included); values from 2^36 ns (69 s) up are in +Inf alone.
 * _sum is the exact sum of the same durations (the kernel program's per-syscall totals of the
 * read and write families, taken in the same exit hook); _count is the histogram's total.
 */
import type { Log2Totals } from './kernel-counters.js';

/** Highest finite bound: le = (2^MAX_LOG2 - 1) ns. */
export const MAX_LOG2 = 36;

/** The le label of log2 index k, in seconds. */
export const leOf = (k: number): string => String((2 ** k - 1) / 1e9);

/** Cumulative counts for le = leOf(0..MAX_LOG2), then +Inf. */
export function cumulative(h: Log2Totals): number[] {
  const out: number[] = [];
  let acc = h.below;
  for (let k = 0; k <= MAX_LOG2; k++) {
    acc += h.counts[k] ?? 0;
    out.push(acc);
  }
  out.push(h.count);
  return out;
}

const num = (v: number) => (Number.isFinite(v) ? String(v) : v > 0 ? '+Inf' : v < 0 ? '-Inf' : 'NaN');

/** One histogram family, one series per label value of `label` (text 0.0.4 and OpenMetrics read it alike). */
export function histogramFamily(name: string, help: string, label: string, series: Array<[string, Log2Totals]>): string {
  const lines = [`# HELP ${name} ${help}`, `# TYPE ${name} histogram`];
  for (const [value, h] of series) {
    const c = cumulative(h);
    for (let k = 0; k <= MAX_LOG2; k++) lines.push(`${name}_bucket{${label}="${value}",le="${leOf(k)}"} ${c[k]}`);
    lines.push(`${name}_bucket{${label}="${value}",le="+Inf"} ${c[MAX_LOG2 + 1]}`);
    lines.push(`${name}_sum{${label}="${value}"} ${num(h.sumNs / 1e9)}`);
    lines.push(`${name}_count{${label}="${value}"} ${h.count}`);
  }
  return lines.join('\n') + '\n';
}
