import { describe, expect, it } from 'vitest';
import { parseChunks } from '../../parsers/lines.js';
import { PrometheusTextParser } from '../../parsers/prometheus-text.js';
import { bucketQuantile, grpcLatencyDiff } from '../../src/aggregate/grpc-latency.js';
import { fixtureBytes } from '../helpers/chunks.js';

const fix = (f: string) => fixtureBytes(new URL(`../../fixtures/containerd/${f}`, import.meta.url).pathname);
const before = fix('metrics-before.txt.gz');
const after = fix('metrics-after.txt.gz');
const parse = (b: Buffer) => parseChunks(new PrometheusTextParser(), [b]);

/** The raw value of one series, found with a plain text search (not the parser under test). */
function raw(text: Buffer, metric: string, method: string, service: string, extra = ''): number {
  const line = text
    .toString('utf8')
    .split('\n')
    .find((l) => l.startsWith(metric + '{') && l.includes(`grpc_method="${method}"`) && l.includes(`grpc_service="${service}"`) && l.includes(extra));
  return line ? Number(line.slice(line.lastIndexOf(' ') + 1)) : 0;
}

describe('gRPC latency between two real scrapes (scripts/load.sh 5 in between)', () => {
  const methods = grpcLatencyDiff(parse(before), parse(after));
  const create = methods.find((m) => m.method === '/containerd.services.tasks.v1.Tasks/Create')!;

  it('counts Tasks/Create as the counters grew', () => {
    const tasks = 'containerd.services.tasks.v1.Tasks';
    const grew = raw(after, 'grpc_server_handling_seconds_count', 'Create', tasks) - raw(before, 'grpc_server_handling_seconds_count', 'Create', tasks);
    expect(grew).toBeGreaterThanOrEqual(5);
    expect(create.count).toBe(grew);
  });

  it('errors are the non-OK codes', () => {
    for (const m of methods) expect(Object.values(m.errorsByCode).reduce((a, b) => a + b, 0)).toBe(m.errors);
    const get = methods.find((m) => m.method === '/containerd.services.tasks.v1.Tasks/Get');
    // ctr run asks for a task before creating it: NotFound each time.
    expect(get?.errorsByCode.NotFound ?? 0).toBeGreaterThan(0);
  });

  it('p50 <= p99, both within the histogram and the mean', () => {
    for (const m of methods.filter((x) => x.p50Seconds !== null)) {
      expect(m.p50Seconds!).toBeLessThanOrEqual(m.p99Seconds! + 1e-12);
      expect(m.p99Seconds!).toBeLessThanOrEqual(10);
      if (m.meanSeconds !== null) expect(m.p50Seconds!).toBeLessThanOrEqual(2 * m.meanSeconds + 1e-12);
    }
    expect(create.p50Seconds).toBeGreaterThan(0.005);
  });
});

describe('bucketQuantile', () => {
  // Worked by hand: 10 calls, 4 under 5 ms, 6 more under 10 ms.
  const buckets = [
    { le: 0.005, count: 4 },
    { le: 0.01, count: 10 },
    { le: Infinity, count: 10 },
  ];
  it('interpolates inside the bucket holding the rank', () => {
    expect(bucketQuantile(0.5, buckets)).toBeCloseTo(0.005 + 0.005 * (1 / 6), 12);
    expect(bucketQuantile(0.2, buckets)).toBeCloseTo(0.0025, 12);
  });
  it('reports the last finite bound for ranks in +Inf, and null when empty', () => {
    expect(bucketQuantile(0.99, [{ le: 0.005, count: 1 }, { le: Infinity, count: 100 }])).toBe(0.005);
    expect(bucketQuantile(0.5, [{ le: Infinity, count: 0 }])).toBeNull();
  });
});
