import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseChunks } from '../../parsers/lines.js';
import {
  PerfStatParser,
  combineCounter,
  parsePerfStatCsvRow,
  parsePerfStatHumanRow,
  type CounterValue,
  type PerfStatResult,
} from '../../parsers/perf-stat.js';
import { cutEvery, cutRandomly, fixtureBytes } from '../helpers/chunks.js';

const DIR = new URL('../../fixtures/perf-stat/', import.meta.url).pathname;
const fixtures = readdirSync(DIR).filter((f) => f.endsWith('.txt'));
const csv = fixtures.filter((f) => f.startsWith('csv'));
const human = fixtures.filter((f) => f.startsWith('human'));
const text = (f: string) => fixtureBytes(DIR + f).toString('utf8');
const parse = (chunks: Iterable<string | Uint8Array>, opts = {}) => parseChunks(new PerfStatParser(opts), chunks);
const parseFile = (f: string) => parse([fixtureBytes(DIR + f)]);
/** The events this host cannot count (no hardware counters in the VM). */
const UNSUPPORTED = ['cache-misses', 'cache-references'];

/** Every value a result holds, wherever it sits. */
function allValues(r: PerfStatResult): CounterValue[] {
  return [...r.events.values(), ...[...r.byScope.values()].flatMap((m) => [...m.values()]), ...r.intervals.flatMap((i) => [...i.values.values()])];
}

describe('fixtures', () => {
  it('has CSV and human captures', () => {
    expect(csv.length).toBeGreaterThanOrEqual(8);
    expect(human.length).toBeGreaterThanOrEqual(4);
  });

  it.each(fixtures)('%s: every line read; same result whatever the chunks', (f) => {
    const bytes = fixtureBytes(DIR + f);
    const whole = parse([bytes]);
    expect(whole.unrecognized).toBe(0);
    expect(whole.format).toBe(f.startsWith('csv') ? 'csv' : 'human');
    expect(whole.events.size).toBe(6);
    for (const seed of [1, 2, 3]) expect(parse(cutRandomly(bytes, seed, 300))).toEqual(whole);
    expect(parse(cutEvery(bytes, 10))).toEqual(whole);
  });

  it.each(fixtures)('%s: <not supported> is a state, never 0, in totals, scopes and intervals', (f) => {
    const r = parseFile(f);
    for (const e of UNSUPPORTED) expect(r.events.get(e)).toMatchObject({ state: 'not-supported', value: null });
    for (const v of allValues(r)) {
      if (v.state !== 'counted') expect(v.value).toBeNull();
      else expect(typeof v.value).toBe('number');
    }
    // Line by line: a row that says <not supported> / <not counted> reads as that state.
    for (const line of text(f).split('\n')) {
      const row = f.startsWith('csv') ? parsePerfStatCsvRow(line) : parsePerfStatHumanRow(line);
      if (line.includes('<not supported>')) expect(row).toMatchObject({ state: 'not-supported', value: null });
      if (line.includes('<not counted>')) expect(row).toMatchObject({ state: 'not-counted', value: null });
    }
  });

  it.each(fixtures)('%s: cut at every tenth byte, never throws, never turns a state into 0', (f) => {
    const t = text(f);
    for (let at = 10; at < t.length; at += 10) {
      const p = new PerfStatParser();
      const start = t.lastIndexOf('\n', at - 1) + 1;
      expect(() => p.line(t.slice(start, at))).not.toThrow();
      for (const v of allValues(p.result())) if (v.state !== 'counted') expect(v.value).toBeNull();
      expect(p.result().lines).toBe(1);
    }
  });
});

describe('CSV (-x,)', () => {
  it('plain rows: value, unit, event, run %, metric', () => {
    const r = parseFile('csv.txt');
    const first = text('csv.txt').split('\n')[0].split(',');
    const cs = r.events.get(first[2])!;
    expect(cs).toMatchObject({ state: 'counted', value: Number(first[0]), runPct: Number(first[4]) });
    expect(cs.metric).toEqual({ value: Number(first[5]), unit: first[6] });
    expect(r.events.get('task-clock')!.unit).toBe('msec');
    expect(r.intervals).toEqual([]);
  });

  it('-I: one interval per timestamp; totals are their sums', () => {
    const t = text('csv-interval.txt');
    const r = parseFile('csv-interval.txt');
    const stamps = new Set(t.split('\n').filter(Boolean).map((l) => l.split(',')[0].trim()));
    expect(r.intervals.map((i) => String(i.t))).toEqual([...stamps].map((s) => String(Number(s))));
    const sum = r.intervals.reduce((a, i) => a + (i.values.get('context-switches')!.value ?? 0), 0);
    expect(r.events.get('context-switches')!.value).toBe(sum);
  });

  it('-I --summary: perf\'s own summary equals the sum of the intervals', () => {
    const r = parseFile('csv-interval-summary.txt');
    expect(text('csv-interval-summary.txt')).toContain('summary,');
    for (const [event, total] of r.events) {
      if (total.state !== 'counted') continue;
      const sum = r.intervals.reduce((a, i) => a + (i.values.get(event)?.value ?? 0), 0);
      expect(sum).toBeCloseTo(total.value!, 1);
    }
    // The last interval ran after the process had stopped: <not counted>, still not 0.
    expect(r.intervals.at(-1)!.values.get('context-switches')).toMatchObject({ state: 'not-counted', value: null });
  });

  it('--per-thread: scopes per thread, <not counted> threads, totals are the counted sum', () => {
    const t = text('csv-per-thread.txt');
    const r = parseFile('csv-per-thread.txt');
    const rows = t.split('\n').filter(Boolean).map((l) => l.split(','));
    const cs = rows.filter((f) => f[3] === 'context-switches');
    const threads = r.byScope.get('context-switches')!;
    expect([...threads.keys()].sort()).toEqual(cs.map((f) => f[0]).sort());
    const counted = cs.filter((f) => !f[1].startsWith('<'));
    expect(r.events.get('context-switches')!.value).toBe(counted.reduce((a, f) => a + Number(f[1]), 0));
    expect(cs.some((f) => f[1] === '<not counted>')).toBe(true);
    for (const f of cs.filter((x) => x[1] === '<not counted>')) expect(threads.get(f[0])).toMatchObject({ state: 'not-counted', value: null });
  });

  it('-I --per-thread: interval, thread and value columns', () => {
    const r = parseFile('csv-interval-per-thread.txt');
    expect(r.intervals.length).toBeGreaterThanOrEqual(2);
    expect([...r.byScope.get('context-switches')!.keys()].every((k) => /^containerd-\d+$/.test(k))).toBe(true);
  });

  it('-A and --per-core: CPU and core labels; the per-core CPU count is not part of the label', () => {
    expect([...parseFile('csv-per-cpu.txt').byScope.get('task-clock')!.keys()].sort()).toEqual(['CPU0', 'CPU1']);
    expect([...parseFile('csv-per-core.txt').byScope.get('task-clock')!.keys()].sort()).toEqual(['S0-D0-C0', 'S0-D0-C1']);
  });

  it('-r: the variance column', () => {
    const r = parseFile('csv-repeat.txt');
    const first = text('csv-repeat.txt').split('\n')[0].split(',');
    expect(r.events.get(first[2])).toMatchObject({ value: Number(first[0]), variancePct: Number(first[3].replace('%', '')) });
  });

  it('rows no capture here shows (hand-written): multiplexed counters, metric-only rows, other separators', () => {
    // Hand-written: hardware counters multiplexed to 50 %, as perf prints them on hosts that have them.
    expect(parsePerfStatCsvRow('1234567,,cycles,500000000,50.00,1.234,GHz')).toMatchObject({ event: 'cycles', value: 1234567, runPct: 50 });
    expect(parsePerfStatCsvRow('<not counted>,,cycles:u,0,0.00,,')).toMatchObject({ event: 'cycles:u', state: 'not-counted', value: null });
    // Hand-written: perf's metric-only continuation row (new_line_csv in tools/perf/util/stat-display.c).
    expect(parsePerfStatCsvRow(',,,,,0.50,stalled cycles per insn')).toBe('metric');
    const p = new PerfStatParser({ separator: ';' });
    p.line('68341;;context-switches;2243484890;100.00;30.458;K/sec');
    expect(p.result().events.get('context-switches')!.value).toBe(68341);
  });
});

describe('human format', () => {
  it('plain: counts, msec, metrics, elapsed', () => {
    const r = parseFile('human.txt');
    const line = text('human.txt').split('\n').find((l) => l.includes('context-switches'))!;
    expect(r.events.get('context-switches')!.value).toBe(Number(line.trim().split(/\s+/)[0]));
    expect(r.events.get('task-clock')).toMatchObject({ unit: 'msec', state: 'counted' });
    expect(r.events.get('context-switches')!.metric!.unit).toBe('K/sec');
    expect(r.elapsedSeconds).toBeGreaterThan(2.9);
  });

  it('-I, --per-thread, -A, -r', () => {
    expect(parseFile('human-interval.txt').intervals.length).toBe(2);
    const pt = parseFile('human-per-thread.txt').byScope.get('context-switches')!;
    expect([...pt.values()].some((v) => v.state === 'not-counted')).toBe(true);
    expect([...parseFile('human-per-cpu.txt').byScope.get('page-faults')!.keys()].sort()).toEqual(['CPU0', 'CPU1']);
    expect(parseFile('human-repeat.txt').events.get('context-switches')!.variancePct).toBeGreaterThan(0);
  });

  it('rows no capture here shows (hand-written): thousands separators, multiplexing', () => {
    // Hand-written: an en_US locale groups digits; multiplexed counters end in "(50.00%)".
    expect(parsePerfStatHumanRow('         7,208      context-switches   #   24.703 K/sec')).toMatchObject({ value: 7208 });
    expect(parsePerfStatHumanRow('     1,234,567      cycles    #    1.234 GHz    (50.00%)')).toMatchObject({ value: 1234567, runPct: 50, event: 'cycles' });
  });
});

describe('robustness and bounds', () => {
  it('garbage is counted, never thrown', () => {
    // Hand-written: perf's own error lines and noise.
    const p = new PerfStatParser();
    for (const l of ['Error:', 'The sys_perf_event_open() syscall returned with 1 (Operation not permitted)', ',,,', 'a,b,c,d,e,f,g', '<not supported>', '\u0000\u00ff', 'x'.repeat(100000)]) {
      expect(() => p.line(l)).not.toThrow();
    }
    expect(p.result().unrecognized).toBe(7);
    expect(p.result().events.size).toBe(0);
  });

  it('keeps at most maxIntervals, counting the rest', () => {
    const r = parse([fixtureBytes(DIR + 'csv-interval.txt')], { maxIntervals: 2 });
    expect(r.intervals.length).toBe(2);
    expect(r.droppedIntervals).toBe(parseFile('csv-interval.txt').intervals.length - 2);
    // Totals still cover every interval.
    expect(r.events).toEqual(parseFile('csv-interval.txt').events);
  });

  it('combineCounter: counted values add, a counted reading wins, otherwise the state stays', () => {
    const c = (value: number | null, state: CounterValue['state']): CounterValue => ({ value, state, unit: '', runPct: 100, variancePct: null, metric: null });
    expect(combineCounter(c(2, 'counted'), c(3, 'counted')).value).toBe(5);
    expect(combineCounter(c(null, 'not-counted'), c(3, 'counted'))).toMatchObject({ value: 3, state: 'counted' });
    expect(combineCounter(c(null, 'not-supported'), c(null, 'not-supported'))).toMatchObject({ value: null, state: 'not-supported' });
    expect(combineCounter(c(null, 'not-supported'), c(null, 'not-counted'))).toMatchObject({ value: null, state: 'not-counted' });
  });
});
