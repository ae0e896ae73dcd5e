// `ctrscope report` run as a real process (dist/, built by test/global-setup.ts).
import { mkdtempSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { rmSync } from 'node:fs';
import { parseChunks } from '../../parsers/lines.js';
import { StraceSummaryParser } from '../../parsers/strace-summary.js';
import { runCli } from '../helpers/cli.js';
import { fixtureBytes } from '../helpers/chunks.js';

const FIX = new URL('../../fixtures/strace/', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'ctrscope-report-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Writes an inflated copy of a fixture and returns its path. */
function inflate(name: string): string {
  const path = join(dir, name.replace(/\.gz$/, ''));
  writeFileSync(path, fixtureBytes(FIX + name));
  return path;
}

interface StraceJson {
  format: string;
  lines: number;
  unrecognized: number;
  syscalls: Array<{ syscall: string; calls: number; errors: number; seconds: number }>;
}

describe('ctrscope report on strace output', () => {
  const trace = inflate('containerd-tt-Tns-C-w.txt.gz');

  it('--json: the syscalls strace itself counted in the -C table at the end, sorted by seconds', async () => {
    const r = await runCli(['report', trace, '--json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as StraceJson;
    expect(Object.keys(out)).toEqual(['format', 'lines', 'unrecognized', 'syscalls']);
    expect(out.format).toBe('strace');
    expect(out.unrecognized).toBe(0);
    expect(out.lines).toBe(readFileSync(trace, 'utf8').split('\n').filter((l, i, a) => i < a.length - 1 || l !== '').length);
    const table = parseChunks(new StraceSummaryParser(), [readFileSync(trace)]).tables[0]!;
    const theirs = table.rows.map((row) => [row.syscall, row.calls, row.errors]).sort();
    expect(out.syscalls.map((s) => [s.syscall, s.calls, s.errors]).sort()).toEqual(theirs);
    const secs = out.syscalls.map((s) => s.seconds);
    expect(secs).toEqual([...secs].sort((a, b) => b - a));
  });

  it('text: the table, the slowest calls, and the same from stdin', async () => {
    const r = await runCli(['report', trace]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^syscall +calls +errors +seconds +usecs\/call$/m);
    expect(r.stdout).toMatch(/^futex +\d+ +\d+ +\d+\.\d{6} +\d+$/m);
    expect(r.stdout).toContain('slowest calls');
    const piped = await runCli(['report', '-'], { input: readFileSync(trace, 'utf8') });
    expect(piped.code).toBe(0);
    expect(piped.stdout).toBe(r.stdout);
  });

  // Hand-written (marked): more attach messages than the detector's sample, as strace -f prints
  // on stderr for a process with many threads, before any trace line.
  it('many "strace: Process N attached" lines first', async () => {
    const attached = Array.from({ length: 300 }, (_, i) => `strace: Process ${1000 + i} attached`);
    const input = [...attached, '[pid  1000] 05:00:00.000001 close(3) = 0 <0.000002>', '[pid  1001] 05:00:00.000002 close(4) = -1 EBADF (Bad file descriptor) <0.000003>', ''].join('\n');
    const r = await runCli(['report', '-', '--json'], { input });
    expect(r.code).toBe(0);
    expect((JSON.parse(r.stdout) as StraceJson).syscalls).toEqual([{ syscall: 'close', calls: 2, errors: 1, seconds: 0.000005 }]);
  });

  it('stderr-style capture ([pid N] prefixes) is detected and read', async () => {
    const r = await runCli(['report', inflate('containerd-stderr-tt-T-C-w.txt.gz'), '--json']);
    expect(r.code).toBe(0);
    expect((JSON.parse(r.stdout) as StraceJson).unrecognized).toBe(0);
  });
});

describe('ctrscope report on other formats', () => {
  it('strace -c table', async () => {
    const r = await runCli(['report', inflate('containerd-c.txt.gz'), '--json']);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as { format: string; tables: Array<{ rows: Array<{ calls: number }>; total: { calls: number } }> };
    expect(out.format).toBe('strace-summary');
    const t = out.tables[0]!;
    expect(t.rows.reduce((a, x) => a + x.calls, 0)).toBe(t.total.calls);
    // The detached call before the table is the one line it does not read.
    expect(r.stderr).toBe('ctrscope: report: 1 of 106 lines are not strace-summary output; skipped\n');
  });

  it('perf stat -x, (real capture): counters, <not supported> said in words, never 0', async () => {
    const r = await runCli(['report', new URL('../../fixtures/perf-stat/csv.txt', import.meta.url).pathname, '--json']);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as { format: string; counters: Array<{ event: string; value: number | null; state: string }> };
    expect(out.format).toBe('perf-stat');
    const byEvent = new Map(out.counters.map((c) => [c.event, c]));
    expect(byEvent.get('context-switches')).toMatchObject({ value: 68341, state: 'counted' });
    expect(byEvent.get('cache-misses')).toMatchObject({ value: null, state: 'not-supported' });
    const text = await runCli(['report', new URL('../../fixtures/perf-stat/csv.txt', import.meta.url).pathname]);
    expect(text.stdout).toMatch(/^cache-misses +- .*not supported/m);
  });

  it('perf script (real capture): the hottest stacks, weights as stackcollapse-perf.pl sums them', async () => {
    const dir = new URL('../../fixtures/perf-script/', import.meta.url).pathname;
    const r = await runCli(['report', dir + 'containerd-cpu.perf-script.txt', '--json']);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as { format: string; stacks: Array<{ stack: string; count: number }> };
    expect(out.format).toBe('perf-script');
    // The Perl script's own output for the same capture, heaviest first.
    const perl = readFileSync(dir + 'containerd-cpu-collapsed-default.txt', 'utf8')
      .trim()
      .split('\n')
      .map((l) => ({ stack: l.slice(0, l.lastIndexOf(' ')), count: Number(l.slice(l.lastIndexOf(' ') + 1)) }))
      .sort((a, b) => b.count - a.count || (a.stack < b.stack ? -1 : 1));
    expect(out.stacks).toEqual(perl.slice(0, 100));
  });

  // Hand-written (marked): bpftrace -f json lines in the shape HOST.md shows.
  it('bpftrace -f json: percentiles of a histogram', async () => {
    const input = [
      '{"type": "attached_probes", "data": {"probes": 2}}',
      '',
      '{"type": "hist", "data": {"@latency_ns": [{"min": 128, "max": 255, "count": 10}]}}',
      '{"type": "map", "data": {"@calls": {"containerd,3026": 5, "runc,4660": 9}}}',
    ].join('\n');
    const r = await runCli(['report', '-', '--json'], { input });
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as { format: string; hists: Array<Record<string, unknown>>; maps: Array<{ entries: unknown[] }> };
    expect(out.format).toBe('bpftrace-json');
    // Rank 5 of 10 in [128, 255], evenly filled: 128 + 0.5 * 127.
    expect(out.hists).toEqual([{ map: '@latency_ns', key: null, count: 10, p50: 191.5, p90: 128 + 0.9 * 127, p99: 128 + 0.99 * 127 }]);
    expect(out.maps[0]!.entries).toEqual([
      ['runc,4660', 9],
      ['containerd,3026', 5],
    ]);
  });
});

describe('ctrscope report: bad input is one line on stderr and exit code 7', () => {
  const one = (stderr: string) => {
    expect(stderr.endsWith('\n')).toBe(true);
    expect(stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(stderr).toMatch(/^ctrscope: /);
    expect(stderr).not.toMatch(/\bat .*\.js:\d+/);
  };
  const cases: Array<[string, () => string, RegExp]> = [
    ['missing file', () => join(dir, 'nope.txt'), /no such file/],
    ['directory', () => (mkdirSync(join(dir, 'd'), { recursive: true }), join(dir, 'd')), /is a directory/],
    ['empty file', () => (writeFileSync(join(dir, 'empty'), ''), join(dir, 'empty')), /is empty/],
    ['binary data', () => (writeFileSync(join(dir, 'bin'), Buffer.from([1, 2, 0, 255, 0, 7, 10, 65])), join(dir, 'bin')), /binary data/],
    ['a gzip file', () => FIX + 'containerd-c.txt.gz', /gzip-compressed \(zcat /],
    ['perf.data', () => (writeFileSync(join(dir, 'perf.data'), Buffer.concat([Buffer.from('PERFILE2'), Buffer.alloc(64)])), join(dir, 'perf.data')), /perf\.data file.*perf script -i/],
    ['text of no known format', () => (writeFileSync(join(dir, 'readme'), 'hello\nworld\n'), join(dir, 'readme')), /not a tracer output report knows/],
  ];
  it.each(cases)('%s', async (_what, path, message) => {
    const r = await runCli(['report', path()]);
    expect(r.code).toBe(7);
    expect(r.stdout).toBe('');
    one(r.stderr);
    expect(r.stderr).toMatch(message);
  });

  it('--format that does not fit the input', async () => {
    const r = await runCli(['report', '-', '--format', 'strace'], { input: '{"type": "attached_probes", "data": {"probes": 2}}\n' });
    expect(r.code).toBe(7);
    one(r.stderr);
    expect(r.stderr).toMatch(/does not look like strace output \(1 of 1 lines not understood\)/);
  });

  it('--format perf-stat on a strace capture: refused, not half-read into nonsense rows', async () => {
    const strace = inflate('containerd-tt-Tns-C-w.txt.gz');
    const r = await runCli(['report', strace, '--format', 'perf-stat']);
    expect(r.code).toBe(7);
    one(r.stderr);
    expect(r.stderr).toMatch(/does not look like perf-stat output \(\d+ of \d+ lines not understood\)/);
    expect(r.stdout).toBe('');
  });

  it('an unknown --format is a usage error (exit 2)', async () => {
    const r = await runCli(['report', '-', '--format', 'ltrace'], { input: 'x\n' });
    expect(r.code).toBe(2);
    one(r.stderr);
  });
});
