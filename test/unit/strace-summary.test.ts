import { describe, expect, it } from 'vitest';
import { parseChunks } from '../../parsers/lines.js';
import { StraceSummaryParser, looksLikeStraceSummary, type SummaryTable } from '../../parsers/strace-summary.js';
import { cutEvery, cutRandomly, fixtureBytes } from '../helpers/chunks.js';

const DIR = new URL('../../fixtures/strace/', import.meta.url).pathname;
const parse = (chunks: Iterable<Uint8Array | string>) => parseChunks(new StraceSummaryParser(), chunks);
const load = (f: string) => fixtureBytes(DIR + f);

/** The sums strace's own total row must agree with (the table's arithmetic, re-done here). */
function checkTotals(t: SummaryTable): void {
  const total = t.total!;
  expect(t.rows.reduce((a, r) => a + r.calls, 0)).toBe(total.calls);
  expect(t.rows.reduce((a, r) => a + r.errors, 0)).toBe(total.errors);
  const secs = t.rows.reduce((a, r) => a + r.seconds!, 0);
  expect(Math.abs(secs - total.seconds!)).toBeLessThanOrEqual(t.rows.length * 5e-7 + 1e-9);
  for (const r of t.rows) {
    // usecs/call is the average cut to whole microseconds, from unrounded nanoseconds.
    expect(Math.abs(r.usecsPerCall! - (r.seconds! / r.calls) * 1e6)).toBeLessThan(1 + 1e-6);
    expect(r.errors).toBeLessThanOrEqual(r.calls);
  }
}

describe('strace -c tables (real captures)', () => {
  it('-c: default columns, blank errors read as 0, totals agree', () => {
    const r = parse([load('containerd-c.txt.gz')]);
    // The first line is a call cut by the detach ("5745  ???( <detached ...>").
    expect(r.unrecognized).toBe(1);
    expect(r.tables).toHaveLength(1);
    const t = r.tables[0]!;
    expect(t.columns).toEqual(['% time', 'seconds', 'usecs/call', 'calls', 'errors', 'syscall']);
    expect(t.rows.length).toBeGreaterThan(50);
    expect(t.rows.some((row) => row.errors === 0)).toBe(true);
    checkTotals(t);
    const pct = t.rows.reduce((a, row) => a + row.percent!, 0);
    expect(Math.abs(pct - 100)).toBeLessThan(t.rows.length * 0.005 + 1e-9);
  });

  it('-c -w -U: columns in the order asked, shortest <= longest', () => {
    const r = parse([load('containerd-c-w-U.txt.gz')]);
    expect(r.unrecognized).toBe(0);
    const t = r.tables[0]!;
    expect(t.columns).toEqual(['syscall', 'calls', 'errors', 'seconds', 'shortest', 'longest', 'usecs/call']);
    for (const row of t.rows) {
      expect(row.percent).toBeNull();
      expect(row.minSeconds!).toBeLessThanOrEqual(row.maxSeconds!);
      expect(row.maxSeconds!).toBeLessThanOrEqual(row.seconds! + 1e-6);
    }
    checkTotals(t);
  });

  it('-C -w tables at the end of traces: totals agree', () => {
    for (const f of ['containerd-tt-T-C-w.txt.gz', 'containerd-r-T-C-w.txt.gz']) {
      const r = parse([load(f)]);
      expect(r.tables).toHaveLength(1);
      checkTotals(r.tables[0]!);
    }
  });

  it.each(['containerd-c.txt.gz', 'containerd-c-w-U.txt.gz'])('%s: same result whatever the cuts', (f) => {
    const b = load(f);
    const whole = JSON.stringify(parse([b]));
    for (const seed of [3, 5]) expect(JSON.stringify(parse(cutRandomly(b, seed, 64)))).toBe(whole);
    expect(JSON.stringify(parse(cutEvery(b, 10)))).toBe(whole);
    for (let k = 1; k < 10; k++) parse([b.subarray(0, Math.floor((b.length * k) / 10))]);
  });

  it('detector', () => {
    expect(looksLikeStraceSummary(load('containerd-c.txt.gz').toString().split('\n').slice(0, 10))).toBe(true);
    expect(looksLikeStraceSummary(load('containerd-c-w-U.txt.gz').toString().split('\n').slice(0, 10))).toBe(true);
    expect(looksLikeStraceSummary(load('containerd-tt-T-C-w.txt.gz').toString().split('\n').slice(0, 10))).toBe(false);
  });
});

// Hand-written (marked): a second personality's table, which no capture on this x86_64 host shows.
describe('edge cases (hand-written)', () => {
  it('one table per personality, the second one labelled', () => {
    const r = parse([
      [
        '% time     seconds  usecs/call     calls    errors syscall',
        '------ ----------- ----------- --------- --------- ----------------',
        '100.00    0.000010          10         1           close',
        '------ ----------- ----------- --------- --------- ----------------',
        '100.00    0.000010          10         1           total',
        'System call usage summary for 32 bit mode:',
        '% time     seconds  usecs/call     calls    errors syscall',
        '------ ----------- ----------- --------- --------- ----------------',
        '100.00    0.000020          10         2         2 open',
        '------ ----------- ----------- --------- --------- ----------------',
        '100.00    0.000020          10         2         2 total',
      ].join('\n'),
    ]);
    expect(r.unrecognized).toBe(0);
    expect(r.tables.map((t) => [t.mode, t.rows.map((x) => [x.syscall, x.calls, x.errors]), t.total!.calls])).toEqual([
      [null, [['close', 1, 0]], 1],
      ['32 bit', [['open', 2, 2]], 2],
    ]);
  });

  it('rows that do not read are counted, never thrown', () => {
    const r = parse(['% time     seconds  usecs/call     calls    errors syscall\n------ --- ---\n  x\n\u0000\u0001\n']);
    expect(r.unrecognized).toBe(3);
  });
});
