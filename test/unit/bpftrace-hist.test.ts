import { describe, expect, it } from 'vitest';
import { BpftraceJsonParser } from '../../parsers/bpftrace-json.js';
import {
  histEntries,
  histKind,
  histPercentiles,
  histQuantile,
  histTotal,
  isHistBuckets,
  mergeHists,
  normalizeHist,
  type Bucket,
} from '../../parsers/bpftrace-hist.js';
import { parseChunks } from '../../parsers/lines.js';
import { fixtureBytes } from '../helpers/chunks.js';

const DIR = new URL('../../fixtures/bpftrace/', import.meta.url).pathname;
const maps = (f: string) => parseChunks(new BpftraceJsonParser(), [fixtureBytes(DIR + f)]).maps;
const latency = maps('read-latency.json');
const misc = maps('misc.json');
const value = (name: string) => latency.get(name)!.value;

describe('normalizeHist', () => {
  it('gives open ends infinite bounds (first bucket: only "max"; lhist last: only "min")', () => {
    const h = normalizeHist(misc.get('@h')!.value as unknown[]);
    expect(h[0]).toEqual({ low: -Infinity, high: -1, count: 1 });
    expect(h[1]).toEqual({ low: 0, high: 0, count: 1 });
    const l = normalizeHist(misc.get('@l')!.value as unknown[]);
    expect(l.at(-1)).toEqual({ low: 50, high: Infinity, count: 1 });
  });

  it('keeps every real bucket in order, bounds touching', () => {
    for (const [, b] of histEntries(value('@hist_by_comm')).concat(histEntries(value('@lhist_us')))) {
      for (let i = 1; i < b.length; i++) expect(b[i].low).toBe(b[i - 1].high + 1);
    }
  });

  it('skips malformed entries, never throws', () => {
    expect(normalizeHist([null, 3, {}, { count: 'x' }, { count: 1 }, { min: 1, max: 1, count: 2 }])).toEqual([{ low: 1, high: 1, count: 2 }]);
    expect(histEntries(5)).toEqual([]);
    expect(histEntries({ a: 1, b: [{ min: 0, max: 0, count: 1 }] })).toEqual([['b', [{ low: 0, high: 0, count: 1 }]]]);
    expect(isHistBuckets(value('@hist_ns'))).toBe(true);
    expect(isHistBuckets(value('@hist_by_comm'))).toBe(false);
  });
});

describe('histKind', () => {
  it('tells hist from lhist on real buckets', () => {
    expect(histKind(normalizeHist(value('@hist_ns') as unknown[]))).toBe('log2');
    expect(histKind(normalizeHist(misc.get('@h')!.value as unknown[]))).toBe('log2');
    expect(histKind(normalizeHist(value('@lhist_us') as unknown[]))).toBe('linear');
    expect(histKind([])).toBe('unknown');
  });
});

describe('mergeHists', () => {
  it('adding the keyed hist over its keys gives the unkeyed hist of the same samples', () => {
    const merged = mergeHists(histEntries(value('@hist_by_comm')).map(([, b]) => b));
    expect(merged).toEqual(normalizeHist(value('@hist_ns') as unknown[]));
    const mergedL = mergeHists(histEntries(value('@lhist_by_comm_pid')).map(([, b]) => b));
    expect(mergedL).toEqual(normalizeHist(value('@lhist_us') as unknown[]));
  });
});

describe('histQuantile', () => {
  const small: Bucket[] = [
    { low: 0, high: 0, count: 1 },
    { low: 1, high: 1, count: 2 },
    { low: 2, high: 3, count: 1 },
  ];

  it('follows the documented rule', () => {
    // total 4. q=0.5: rank 2, reached in [1,1] → 1. q=0.9: rank 3.6, in [2,3] after 3 → 2 + 0.6 × 1.
    expect(histQuantile(small, 0.5)).toBe(1);
    expect(histQuantile(small, 0.9)).toBeCloseTo(2.6, 10);
    expect(histQuantile(small, 0)).toBe(0);
    expect(histQuantile(small, 1)).toBe(3);
    expect(histQuantile([], 0.5)).toBeNull();
    expect(histQuantile(small, 1.5)).toBeNull();
    expect(histQuantile(small, Number.NaN)).toBeNull();
  });

  it('answers the known bound of an open bucket', () => {
    const l = normalizeHist(misc.get('@l')!.value as unknown[]);
    // @l: (-∞,-1]:1, [0,9]:1, [10..49]:0, [50,∞):1
    expect(histQuantile(l, 0.1)).toBe(-1);
    expect(histQuantile(l, 0.99)).toBe(50);
  });

  it('the estimate lies in the bucket of the true quantile (random samples, log2 and linear buckets)', () => {
    let x = 99;
    const rnd = () => ((x = (x * 1103515245 + 12345) >>> 0), x / 2 ** 32);
    // The bucket rules of bpftrace's hist (0, 1, then [2^k, 2^(k+1)-1]) and lhist(v, 0, 1000, 50).
    const log2 = (v: number): [number, number] => (v < 1 ? [0, 0] : v === 1 ? [1, 1] : [2 ** Math.floor(Math.log2(v)), 2 ** (Math.floor(Math.log2(v)) + 1) - 1]);
    const linear = (v: number): [number, number] => (v >= 1000 ? [1000, Infinity] : [Math.floor(v / 50) * 50, Math.floor(v / 50) * 50 + 49]);
    for (const bucketOf of [log2, linear]) {
      for (let trial = 0; trial < 50; trial++) {
        const n = 1 + Math.floor(rnd() * 500);
        const samples = Array.from({ length: n }, () => Math.floor(Math.exp(rnd() * 12)));
        const counts = new Map<string, Bucket>();
        for (const v of samples) {
          const [low, high] = bucketOf(v);
          const b = counts.get(`${low}`) ?? { low, high, count: 0 };
          b.count++;
          counts.set(`${low}`, b);
        }
        const buckets = [...counts.values()].sort((a, b) => a.low - b.low);
        const sorted = [...samples].sort((a, b) => a - b);
        for (const q of [0.5, 0.9, 0.99]) {
          const truth = sorted[Math.max(0, Math.ceil(q * n) - 1)];
          const [low, high] = bucketOf(truth);
          const est = histQuantile(buckets, q)!;
          expect(est >= low && est <= (high === Infinity ? low : high), `q=${q} truth=${truth} est=${est}`).toBe(true);
        }
      }
    }
  });

  it('p50/p90/p99 of the real read latency are ordered and inside the recorded range', () => {
    const b = normalizeHist(value('@hist_ns') as unknown[]);
    const p = histPercentiles(b);
    expect(p.count).toBe(value('@calls'));
    expect(p.p50!).toBeLessThanOrEqual(p.p90!);
    expect(p.p90!).toBeLessThanOrEqual(p.p99!);
    expect(p.p50!).toBeGreaterThanOrEqual(b[0].low);
    expect(p.p99!).toBeLessThanOrEqual(b.at(-1)!.high);
    expect(histTotal(b)).toBe(p.count);
  });
});
