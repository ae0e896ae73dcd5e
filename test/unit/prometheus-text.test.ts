import { describe, expect, it } from 'vitest';
import { parseChunks } from '../../parsers/lines.js';
import { PrometheusTextParser, scalar } from '../../parsers/prometheus-text.js';
import { processStats } from '../../src/aggregate/go-process.js';
import { cutRandomly, fixtureBytes } from '../helpers/chunks.js';

const FIX = new URL('../../fixtures/containerd/metrics-after.txt.gz', import.meta.url).pathname;
const bytes = fixtureBytes(FIX);
const parse = (chunks: Iterable<string | Uint8Array>) => parseChunks(new PrometheusTextParser(), chunks);

describe("containerd's /v1/metrics", () => {
  const whole = parse([bytes]);
  const lines = bytes.toString('utf8').split('\n');

  it('keeps one sample per sample line, labels and all', () => {
    const sampleLines = lines.filter((l) => l && !l.startsWith('#'));
    const kept = [...whole.samples.values()].reduce((a, l) => a + l.length, 0);
    expect(kept).toBe(sampleLines.length);
    expect(whole.unrecognized).toBe(0);
    const buckets = whole.samples.get('grpc_server_handling_seconds_bucket')!;
    expect(buckets.length).toBe(lines.filter((l) => l.startsWith('grpc_server_handling_seconds_bucket{')).length);
    expect(new Set(buckets.map((b) => b.labels.grpc_method)).size).toBeGreaterThan(50);
    expect(whole.types.get('grpc_server_handling_seconds')).toBe('histogram');
  });

  it('reads the values the text shows', () => {
    const line = lines.find((l) => l.startsWith('process_resident_memory_bytes '))!;
    expect(scalar(whole, 'process_resident_memory_bytes')).toBe(Number(line.split(' ')[1]));
    const s = processStats(whole);
    expect(s.goroutines).toBeGreaterThan(0);
    expect(s.threads).toBeGreaterThan(0);
    expect(s.rssBytes).toBeGreaterThan(1e6);
  });

  it('gives the same result whatever the chunk boundaries', () => {
    expect(parse(cutRandomly(bytes, 3, 500))).toEqual(whole);
  });
});

// Hand-written edge cases of the exposition format that containerd's output does not show.
describe('prometheus text edge cases', () => {
  it('escapes, special values, timestamps and broken lines', () => {
    const p = parse([
      'a{path="C:\\\\DIR",msg="say \\"hi\\"\\n"} 1.5e3 1395066363000\n',
      'b +Inf\nc -Inf\nd NaN\n',
      'e{x="unterminated} 1\n',
      'f{x="1"} not-a-number\n',
      '{x="1"} 3\n',
    ]);
    expect(p.samples.get('a')![0]).toEqual({ name: 'a', labels: { path: 'C:\\DIR', msg: 'say "hi"\n' }, value: 1500 });
    expect(scalar(p, 'b')).toBe(Infinity);
    expect(scalar(p, 'c')).toBe(-Infinity);
    expect(scalar(p, 'd')).toBeNaN();
    expect(p.unrecognized).toBe(3);
  });
});
