import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { detectFormat, DETECT_LINES } from '../../parsers/detect.js';
import { fixtureBytes } from '../helpers/chunks.js';

const ROOT = new URL('../../fixtures/', import.meta.url).pathname;
const head = (path: string) => fixtureBytes(path).toString('utf8').split('\n').slice(0, DETECT_LINES);

describe('detectFormat on real captures', () => {
  const strace = readdirSync(ROOT + 'strace').filter((f) => f.endsWith('.gz'));
  it.each(strace)('strace/%s', (f) => {
    expect(detectFormat(head(ROOT + 'strace/' + f))).toBe(/-c(-w-U)?\.txt/.test(f) ? 'strace-summary' : 'strace');
  });
});

/** Files of fixtures/DIR whose names match `re`, each a real capture (see fixtures/DIR/README.md). */
const files = (dir: string, re: RegExp) => readdirSync(ROOT + dir).filter((f) => re.test(f)).map((f) => `${dir}/${f}`);

describe('detectFormat on real captures of the other tracers', () => {
  const cases: Array<[string, string]> = [
    ...files('bpftrace', /\.json$/).map((f): [string, string] => [f, 'bpftrace-json']),
    ...files('probes', /\.jsonl\.gz$/).map((f): [string, string] => [f, 'bpftrace-json']),
    ...files('perf-stat', /^(csv|human).*\.txt$/)
      .filter((f) => f !== 'perf-stat/human-interval.txt')
      .map((f): [string, string] => [f, 'perf-stat']),
    ...files('host', /^perf-stat-.*\.txt$/).map((f): [string, string] => [f, 'perf-stat']),
    ['perf-script/containerd-cpu.perf-script.txt', 'perf-script'],
  ];
  it('has captures of every format', () => {
    expect(new Set(cases.map(([, want]) => want))).toEqual(new Set(['bpftrace-json', 'perf-stat', 'perf-script']));
    expect(cases.length).toBeGreaterThan(25);
  });
  it.each(cases)('%s is %s', (f, want) => {
    expect(detectFormat(head(ROOT + f))).toBe(want);
  });
  // Known bug (parsers/detect.ts, not this suite's to mend): `perf stat -I 1000` in the human
  // format starts "#           time             counts unit events", which nothing recognises.
  it.fails('perf-stat/human-interval.txt is perf-stat (known to fail: the human interval header is not recognised)', () => {
    expect(detectFormat(head(ROOT + 'perf-stat/human-interval.txt'))).toBe('perf-stat');
  });
});

describe('detectFormat: strace on stderr, its attach messages first, however many', () => {
  // strace -f -p on stderr prints "strace: Process N attached" lines before (and among) the calls.
  const lines = (f: string) => fixtureBytes(ROOT + 'strace/' + f).toString('utf8').split('\n');
  const stderr = lines('containerd-stderr-tt-T-C-w.txt.gz');
  const attached = stderr.filter((l) => /^strace: Process \d+ attached/.test(l));
  const calls = stderr.filter((l) => l.startsWith('[pid '));
  it('reads past more attach lines than it samples', () => {
    expect(attached.length).toBeGreaterThan(10);
    const many = Array.from({ length: DETECT_LINES + 50 }, (_, i) => attached[i % attached.length]!);
    expect(detectFormat([...many, ...calls.slice(0, 5)])).toBe('strace');
    expect(detectFormat([...many, ...lines('containerd-c.txt.gz').slice(0, 10)])).toBe('strace-summary');
    expect(detectFormat(attached)).toBe('strace');
  });
});

describe('detectFormat on text that is none of them', () => {
  const others = [
    ...['strace', 'perf-stat', 'perf-script', 'bpftrace', 'probes', 'containerd', 'host'].map((d) => `${d}/README.md`),
    'containerd/events.txt',
    'containerd/goroutine-debug1.txt',
    'containerd/metrics-after.txt.gz',
    'containerd/heap-diff-alloc_space.pprof-top.txt',
    'host/bpftrace-info.txt',
    'host/mounts.txt',
    ...files('perf-script', /collapsed/),
  ];
  it.each(others)('%s is nothing it knows', (f) => {
    expect(detectFormat(head(ROOT + f))).toBeNull();
  });
  it('empty and blank input, and binary (a gzipped pprof profile as it comes off the socket)', () => {
    expect(detectFormat([])).toBeNull();
    expect(detectFormat(['', '   '])).toBeNull();
    expect(detectFormat(head(ROOT + 'containerd/heap.pb.gz'))).toBeNull();
  });
});
