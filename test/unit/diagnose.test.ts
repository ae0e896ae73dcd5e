import { describe, expect, it } from 'vitest';
import { parseChunks } from '../../parsers/lines.js';
import { PrometheusTextParser } from '../../parsers/prometheus-text.js';
import { diagnose, slope, type DiagnoseEvidence } from '../../src/aggregate/diagnose.js';
import { grpcLatencyDiff } from '../../src/aggregate/grpc-latency.js';
import { fixtureBytes } from '../helpers/chunks.js';

const scrapeOf = (f: string) => parseChunks(new PrometheusTextParser(), [fixtureBytes(new URL(`../../fixtures/containerd/${f}`, import.meta.url).pathname)]);
const MiB = 1048576;

function evidence(over: Partial<DiagnoseEvidence> = {}): DiagnoseEvidence {
  const series = Array.from({ length: 11 }, (_, t) => ({ t, rssBytes: 50 * MiB, goroutines: 30, cpuSeconds: 10 + t * 0.02, heapInuseBytes: 10 * MiB }));
  return { durationSeconds: 10, series, cpu: null, goroutineGrowth: null, heapTop: null, grpc: null, syscalls: null, unavailable: [], ...over };
}
const find = (e: DiagnoseEvidence, s: string) => diagnose(e).find((f) => f.symptom === s)!;

describe('diagnose findings', () => {
  it('a quiet containerd has no problem', () => {
    const f = diagnose(evidence());
    expect(f.filter((x) => x.severity === 'problem')).toEqual([]);
    expect(find(evidence(), 'high CPU').summary).toMatch(/2\.0% of a core/);
  });

  it('high CPU from the CPU time, with the hot functions as evidence', () => {
    const e = evidence({
      series: evidence().series.map((s) => ({ ...s, cpuSeconds: 10 + s.t * 0.9 })),
      cpu: { samples: 900, top: [{ func: 'github.com/containerd/containerd/metadata.(*DB).GarbageCollect', flat: 600, cum: 800 }], hotStacks: [{ stack: 'a <- b', samples: 500 }], gcShare: 0.1 },
    });
    const f = find(e, 'high CPU');
    expect(f.severity).toBe('problem');
    expect(f.evidence.join('\n')).toMatch(/GarbageCollect \(67% flat/);
  });

  it('memory growth needs both a real size and a share of the start', () => {
    const grow = evidence({ series: evidence().series.map((s) => ({ ...s, rssBytes: (50 + s.t * 2) * MiB })) });
    expect(find(grow, 'memory growth').severity).toBe('problem');
    const small = evidence({ series: evidence().series.map((s) => ({ ...s, rssBytes: 50 * MiB + s.t * 100_000 })) });
    expect(find(small, 'memory growth').severity).toBe('ok');
  });

  it('goroutines that rise and stay up are a leak hint', () => {
    const e = evidence({ series: evidence().series.map((s) => ({ ...s, goroutines: 30 + s.t * 3 })) });
    expect(find(e, 'goroutine growth').severity).toBe('problem');
  });

  it('rising latency compares the halves of the run; real scrapes as the halves', () => {
    const a = scrapeOf('metrics-before.txt.gz');
    const b = scrapeOf('metrics-after.txt.gz');
    const d = grpcLatencyDiff(a, b);
    // Same latencies in both halves: steady.
    const steady = evidence({ grpc: { firstHalf: d, secondHalf: d, whole: d, histogram: true } });
    expect(find(steady, 'rising latency').severity).not.toBe('problem');
    // Second half 4x slower for every method with enough calls.
    const slower = d.map((m) => ({ ...m, count: 10, p99Seconds: m.p99Seconds === null ? null : m.p99Seconds * 4 + 0.01 }));
    const first = d.map((m) => ({ ...m, count: 10 }));
    const rising = find(evidence({ grpc: { firstHalf: first, secondHalf: slower, whole: slower, histogram: true } }), 'rising latency');
    expect(rising.severity).toBe('problem');
    expect(rising.evidence.join('\n')).toMatch(/Tasks\/Create: p99/);
  });

  it('says what it could not measure', () => {
    const e = evidence({ series: [], unavailable: ['metrics: no [metrics] address'] });
    expect(find(e, 'memory growth').severity).toBe('unknown');
    expect(find(e, 'rising latency').severity).toBe('unknown');
  });

  it('slope', () => {
    expect(slope([[0, 1], [1, 3], [2, 5]])).toBeCloseTo(2, 12);
  });
});
