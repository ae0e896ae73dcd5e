import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { BpftraceJsonParser, asStats, parseBpftraceLine, splitMapKey, type BpftraceResult, type DeltaMap } from '../../parsers/bpftrace-json.js';
import { SYSCALL_DELTA_MAPS } from '../../probes/syscall-count.js';
import { histTotal, normalizeHist } from '../../parsers/bpftrace-hist.js';
import { parseChunks } from '../../parsers/lines.js';
import { cutEvery, cutRandomly, fixtureBytes } from '../helpers/chunks.js';
import { mutatedLines } from '../helpers/mutate.js';

const DIR = new URL('../../fixtures/bpftrace/', import.meta.url).pathname;
const fixtures = readdirSync(DIR).filter((f) => f.endsWith('.json'));
const text = (f: string) => fixtureBytes(DIR + f).toString('utf8');
const lines = (f: string) => text(f).split('\n');
/** Each non-blank line of a fixture, parsed by JSON.parse in the test itself. */
const objects = (f: string) => lines(f).filter((l) => l.trim()).map((l) => JSON.parse(l) as { type: string; data: unknown });

const parse = (chunks: Iterable<string | Uint8Array>, fastPath = true, cap?: number) =>
  parseChunks(new BpftraceJsonParser(cap, { fastPath }), chunks);

/** A result as plain data: map values read (the fast path parses them on first read). */
function plain(r: BpftraceResult) {
  return { ...r, maps: [...r.maps].map(([k, e]) => [k, e.type, e.seq, e.value]) };
}

describe('fixtures', () => {
  it('has captures of every kind', () => expect(fixtures.length).toBeGreaterThanOrEqual(8));

  it.each(fixtures)('%s: every line read, same result fast or by JSON.parse, whatever the chunks', (f) => {
    const bytes = fixtureBytes(DIR + f);
    const reference = plain(parse([bytes], false));
    expect(reference.unrecognized).toBe(0);
    expect(reference.unknownTypes).toEqual({});
    expect(plain(parse([bytes]))).toEqual(reference);
    for (const seed of [1, 2, 3]) expect(plain(parse(cutRandomly(bytes, seed, 997)))).toEqual(reference);
    expect(plain(parse(cutEvery(bytes, 10)))).toEqual(reference);
  });

  it.each(fixtures)('%s: cut at every tenth byte, the cut line is counted, never thrown, and both paths agree', (f) => {
    const t = text(f);
    for (let at = 10; at < t.length; at += 10) {
      const start = t.lastIndexOf('\n', at - 1) + 1;
      const cut = t.slice(start, at);
      const whole = t.slice(start, t.indexOf('\n', start) === -1 ? t.length : t.indexOf('\n', start));
      const fast = new BpftraceJsonParser();
      const slow = new BpftraceJsonParser(undefined, { fastPath: false });
      fast.line(cut);
      slow.line(cut);
      expect(plain(fast.result())).toEqual(plain(slow.result()));
      // A JSON object cut before its end is never valid.
      if (cut.trim() && cut !== whole) expect(fast.result().unrecognized).toBe(1);
    }
  });
});

describe('record types (real lines)', () => {
  const latency = parse([fixtureBytes(DIR + 'read-latency.json')]);
  const value = (name: string) => latency.maps.get(name)?.value;

  it('attached_probes', () => {
    expect(latency.attachedProbes).toBe(3);
    expect(parseBpftraceLine(lines('misc.json')[0])).toEqual([{ type: 'attached_probes', probes: 1 }]);
  });

  it('blank lines are neither records nor unrecognized', () => {
    expect(parseBpftraceLine('')).toBeNull();
    expect(parseBpftraceLine('   ')).toBeNull();
    expect(lines('read-latency.json').filter((l) => l === '').length).toBeGreaterThan(0);
    expect(latency.unrecognized).toBe(0);
  });

  it('scalar maps: count, sum, min, max', () => {
    expect(typeof value('@calls')).toBe('number');
    expect(value('@sum_ns')).toBe(asStats(value('@stats_ns'))!.total);
    expect(value('@min_ns') as number).toBeLessThanOrEqual(value('@max_ns') as number);
    expect(latency.maps.get('@calls')!.type).toBe('map');
  });

  it('keyed and multi-key maps: keys split into comm and tid, counts add up to @calls', () => {
    const byTid = value('@calls_by_comm_tid') as Record<string, number>;
    expect(Object.keys(byTid).length).toBeGreaterThan(0);
    let sum = 0;
    for (const [key, n] of Object.entries(byTid)) {
      const [comm, tid] = splitMapKey(key, 2);
      expect(comm.length).toBeGreaterThan(0);
      expect(tid).toMatch(/^\d+$/);
      sum += n;
    }
    expect(sum).toBe(value('@calls'));
  });

  it('hist: log2 buckets hold every call, the first holds @min_ns and the last @max_ns', () => {
    expect(latency.maps.get('@hist_ns')!.type).toBe('hist');
    const b = normalizeHist(value('@hist_ns') as unknown[]);
    expect(histTotal(b)).toBe(value('@calls'));
    const min = value('@min_ns') as number;
    const max = value('@max_ns') as number;
    expect(b[0].low <= min && min <= b[0].high).toBe(true);
    expect(b.at(-1)!.low <= max && max <= b.at(-1)!.high).toBe(true);
  });

  it('keyed hist: every key is a bucket array, totals add up to @calls', () => {
    const keyed = value('@hist_by_comm') as Record<string, unknown[]>;
    const total = Object.values(keyed).reduce((a, v) => a + histTotal(normalizeHist(v)), 0);
    expect(total).toBe(value('@calls'));
  });

  it('lhist prints as "hist"; its last bucket has only "min" and holds everything at or over 100 µs', () => {
    expect(latency.maps.get('@lhist_us')!.type).toBe('hist');
    const raw = value('@lhist_us') as { min?: number; max?: number; count: number }[];
    expect(histTotal(normalizeHist(raw))).toBe(value('@calls'));
    const last = raw.at(-1)!;
    expect(last.max).toBeUndefined();
    expect(last.min).toBe(100);
    expect((value('@max_ns') as number) / 1000).toBeGreaterThanOrEqual(100);
    const keyed = value('@lhist_by_comm_pid') as Record<string, unknown[]>;
    expect(Object.keys(keyed).length).toBeGreaterThan(0);
    for (const key of Object.keys(keyed)) expect(splitMapKey(key, 2)[1]).toMatch(/^\d+$/);
  });

  it('first bucket with only "max" (values below the range), in hist and lhist', () => {
    const misc = parse([fixtureBytes(DIR + 'misc.json')]);
    const h = misc.maps.get('@h')!.value as { min?: number; max?: number }[];
    const l = misc.maps.get('@l')!.value as { min?: number; max?: number }[];
    expect(h[0]).toEqual({ max: -1, count: 1 });
    expect(l[0]).toEqual({ max: -1, count: 1 });
    expect(l.at(-1)).toEqual({ min: 50, count: 1 });
  });

  it('stats and avg (avg prints under type "stats" as a bare number)', () => {
    const s = asStats(value('@stats_ns'))!;
    expect(s.count).toBe(value('@calls'));
    expect(value('@avg_ns')).toBe(s.average);
    expect(latency.maps.get('@avg_ns')!.type).toBe('stats');
    expect(asStats(value('@avg_ns'))).toBeNull();
    const byComm = value('@stats_by_comm') as Record<string, unknown>;
    expect(Object.values(byComm).reduce((a: number, v) => a + asStats(v)!.count, 0)).toBe(value('@calls'));
  });

  it('tuples, escaped keys and strings', () => {
    const misc = parse([fixtureBytes(DIR + 'misc.json')]);
    expect(misc.maps.get('@tuple')!.value).toEqual([1, 'a,b', -2]);
    expect(misc.maps.get('@tuple_by_key')!.value).toEqual({ 'x"y,3': ['q', 2] });
    expect(misc.maps.get('@str')!.value).toBe('he said "hi"\n\ttab');
    expect(misc.maps.get('@zero')!.value).toBe(0);
  });

  it('value, cat and syscall records', () => {
    const misc = parse([fixtureBytes(DIR + 'misc.json')]);
    expect(misc.values).toEqual(objects('misc.json').filter((o) => o.type === 'value').map((o) => o.data));
    expect(misc.messages.map((m) => m.type)).toEqual(['cat', 'syscall']);
    expect(misc.messages[1].text).toBe('from system\n');
  });

  it('printf and join, escapes decoded', () => {
    const r = parse([fixtureBytes(DIR + 'exec.json')]);
    const ours = objects('exec.json');
    expect(r.printf).toEqual(ours.filter((o) => o.type === 'printf').map((o) => o.data));
    expect(r.printf.length).toBeGreaterThan(10);
    expect(r.printf[0]).toMatch(/^exec \S+ "[^"]+"\tpid=\d+\n$/);
    expect(r.messages.filter((m) => m.type === 'join').map((m) => m.text)).toEqual(ours.filter((o) => o.type === 'join').map((o) => o.data));
  });

  it('time and interval prints: a map keeps its latest print', () => {
    const r = parse([fixtureBytes(DIR + 'interval.json')]);
    const all = objects('interval.json');
    const times = all.filter((o) => o.type === 'time');
    const hists = all.filter((o) => o.type === 'hist');
    expect(times.length).toBe(3);
    expect(r.lastTime).toBe(times.at(-1)!.data);
    expect(r.maps.get('@lat_ns')!.value).toEqual((hists.at(-1)!.data as Record<string, unknown>)['@lat_ns']);
    expect(r.seq).toBe(all.filter((o) => ['map', 'hist', 'stats'].includes(o.type)).length);
  });

  it('lost_events add up', () => {
    const r = parse([fixtureBytes(DIR + 'lost-events.json')]);
    const lost = objects('lost-events.json').filter((o) => o.type === 'lost_events');
    expect(lost.length).toBeGreaterThan(0);
    expect(r.lostEvents).toBe(lost.reduce((a, o) => a + (o.data as { events: number }).events, 0));
  });

  it('helper_error (bpftrace -k) records group by helper, code and place', () => {
    const r = parse([fixtureBytes(DIR + 'helper-error.json')]);
    const n = objects('helper-error.json').filter((o) => o.type === 'helper_error').length;
    expect(r.helperErrors).toEqual([{ helper: 'map_update_elem', retcode: -7, line: 2, col: 32, count: n }]);
  });
});

describe('edge cases no capture shows (hand-written lines)', () => {
  it('an unknown type is kept as a warning, once, and counted', () => {
    // Hand-written: a type bpftrace 0.17 does not print.
    const r = parse(['{"type": "frobnicate", "data": {"x": 1}}\n{"type": "frobnicate", "data": 2}\n']);
    expect(r.unknownTypes).toEqual({ frobnicate: 2 });
    expect(r.warnings).toHaveLength(1);
    expect(r.warnings[0]).toContain('frobnicate');
    expect(r.unrecognized).toBe(0);
  });

  it('malformed lines are counted, never thrown, the same on both paths', () => {
    // Hand-written: cut, corrupt and non-JSON lines, a pointer printed unquoted, deep nesting.
    const bad = [
      '{"type": "map", "data": {"@p": 0x7f00}}',
      '{"type": "map", "data": {"@x": 01}}',
      '{"type": "map", "data": {"@x": [1,]}}',
      '{"type": "printf", "data": "tab\there"}',
      '{"type": "printf", "data": "bad \\x escape"}',
      '{"type": "printf", "data": 5}',
      '{"type": "lost_events", "data": {"events": "many"}}',
      '{"type": "attached_probes", "data": {"probes": 007}}',
      '{"type": "map", "data": [1, 2]}',
      '{"type": "helper_error", "helper": 3}',
      '{"no": "type"}',
      'Attaching 2 probes...',
      '[1, 2]',
      '{',
      '\u0000\u0001{}',
    ];
    for (const fastPath of [true, false]) {
      const p = new BpftraceJsonParser(undefined, { fastPath });
      for (const l of bad) expect(() => p.line(l)).not.toThrow();
      expect(p.result().unrecognized).toBe(bad.length);
    }
    const fast = new BpftraceJsonParser();
    const slow = new BpftraceJsonParser(undefined, { fastPath: false });
    for (const l of bad) {
      fast.line(l);
      slow.line(l);
    }
    expect(plain(fast.result())).toEqual(plain(slow.result()));
  });

  it('deep nesting neither throws nor overflows the stack', () => {
    // Hand-written: 100,000 nested arrays, valid and cut.
    const deep = `{"type": "map", "data": {"@deep": ${'['.repeat(100000)}${']'.repeat(100000)}}}`;
    for (const fastPath of [true, false]) {
      const p = new BpftraceJsonParser(undefined, { fastPath });
      p.line(deep);
      p.line(deep.slice(0, 150000));
      expect(Array.isArray(p.result().maps.get('@deep')!.value)).toBe(true);
      expect(p.result().unrecognized).toBe(1);
    }
  });

  it('map values come back exactly, non-ASCII and lone surrogates included', () => {
    // Hand-written: raw (unescaped) é, ✓ and a lone surrogate inside a printed map.
    const line = '{"type": "map", "data": {"@m": {"café ✓ \ud800": 1}}}';
    expect(line).toContain('\ud800');
    const fast = parse([line]);
    expect(fast.maps.get('@m')!.value).toEqual(JSON.parse(line).data['@m']);
    expect(plain(fast)).toEqual(plain(parse([line], false)));
  });

  it('valid JSON in an unusual layout goes the slow way and reads the same', () => {
    // Hand-written: other spacing and key order than bpftrace writes, an escaped map name, \r\n.
    const r = parse([
      '{"data":{"@a":1},"type":"map"}\n',
      '  {"type": "map", "data": {"@b": {"k": 2}}}  \n',
      '{"type": "map", "data": {"@\\u0063": 3}}\r\n',
      '{"type": "map", "data": {"@d": 4, "@e": 5}}\n',
    ]);
    expect(r.unrecognized).toBe(0);
    expect([...r.maps].map(([k, e]) => [k, e.value])).toEqual([['@a', 1], ['@b', { k: 2 }], ['@c', 3], ['@d', 4], ['@e', 5]]);
  });

  it('printf, messages and values are kept to the cap; the rest are counted', () => {
    const bytes = fixtureBytes(DIR + 'exec.json');
    const fast = plain(parse([bytes], true, 5));
    expect(fast.printf).toHaveLength(5);
    expect(fast.messages).toHaveLength(5);
    expect(fast.dropped).toBe(objects('exec.json').filter((o) => o.type === 'printf' || o.type === 'join').length - 10);
    expect(fast).toEqual(plain(parse([bytes], false, 5)));
  });
});

describe('fast path against JSON.parse on mutated real lines', () => {
  it('agrees line by line on 20,000 mutations', () => {
    const source = fixtures.flatMap((f) => lines(f).filter((l) => l.trim() && l.length < 5000));
    let accepted = 0;
    for (const l of mutatedLines(source, 12345, 20000)) {
      const fast = new BpftraceJsonParser();
      const slow = new BpftraceJsonParser(undefined, { fastPath: false });
      fast.line(l);
      slow.line(l);
      expect(plain(fast.result()), l).toEqual(plain(slow.result()));
      if (slow.result().unrecognized === 0) accepted++;
    }
    // Both outcomes were exercised.
    expect(accepted).toBeGreaterThan(1000);
    expect(accepted).toBeLessThan(19000);
  });
});

describe('maps printed as deltas (syscall-count.bt: two alternating sets, each printed then cleared)', () => {
  const bytes = fixtureBytes(new URL('../../fixtures/probes/syscall-count.jsonl.gz', import.meta.url).pathname);
  const records = bytes.toString('utf8').split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l) as { type: string; data: Record<string, Record<string, number>> });
  const deltaParse = (chunks: Iterable<string | Uint8Array>, deltaMaps: Record<string, DeltaMap> = SYSCALL_DELTA_MAPS, fastPath = true) =>
    parseChunks(new BpftraceJsonParser(undefined, { fastPath, deltaMaps }), chunks);
  /** The test's own sum of every print of NAME_0 and NAME_1. */
  function expected(name: string, op: 'sum' | 'max'): Record<string, number> {
    const out: Record<string, number> = {};
    for (const r of records) {
      if (r.type !== 'map') continue;
      for (const [n, v] of Object.entries(r.data)) {
        if (n !== `${name}_0` && n !== `${name}_1`) continue;
        for (const [k, x] of Object.entries(v)) out[k] = out[k] === undefined ? x : op === 'sum' ? out[k]! + x : Math.max(out[k]!, x);
      }
    }
    return out;
  }

  it('the capture has several prints of each set', () => {
    const names = records.filter((r) => r.type === 'map').map((r) => Object.keys(r.data)[0]);
    expect(names.filter((n) => n === '@calls_0').length).toBeGreaterThanOrEqual(2);
    expect(names.filter((n) => n === '@calls_1').length).toBeGreaterThanOrEqual(1);
  });

  it('sums counts and keeps the largest max, the same fast or by JSON.parse, whatever the chunks', () => {
    const r = deltaParse([bytes]);
    expect(r.unrecognized).toBe(0);
    for (const [name, op] of [['@calls', 'sum'], ['@errors', 'sum'], ['@ns', 'sum'], ['@max', 'max']] as const) {
      expect(r.maps.get(name)!.value).toEqual(expected(name, op));
      expect(r.maps.has(`${name}_0`)).toBe(false);
    }
    const reference = plain(deltaParse([bytes], SYSCALL_DELTA_MAPS, false));
    expect(plain(r)).toEqual(reference);
    for (const seed of [4, 5]) expect(plain(deltaParse(cutRandomly(bytes, seed, 997)))).toEqual(reference);
  });

  describe("the last second, however bpftrace applied the last interval's print and clear against END's", () => {
    // The capture's own lines, reordered as bpftrace can apply them when a stop meets an interval.
    const raw = bytes.toString('utf8').split('\n').filter((l) => l.trim());
    const maps = raw.filter((l) => l.includes('"type": "map"'));
    const nameOf = (l: string) => Object.keys((JSON.parse(l) as { data: object }).data)[0]!;
    const set0 = maps.filter((l) => nameOf(l).endsWith('_0')).slice(0, 4);
    const set1 = maps.filter((l) => nameOf(l).endsWith('_1')).slice(0, 4);
    const marker = (t: string) => `{"type": "printf", "data": "ctrscope:${t}\\n"}`;
    const calls = (ls: string[], fastPath = true) => {
      const r = deltaParse([ls.join('\n') + '\n'], SYSCALL_DELTA_MAPS, fastPath);
      return { total: Object.values(r.maps.get('@calls')!.value as Record<string, number>).reduce((a, x) => a + x, 0), r };
    };
    const once = (ls: string[]) => calls(ls).total;

    it('the capture ends with markers and END printing both sets', () => {
      expect(raw.filter((l) => l.includes('ctrscope:cleared')).length).toBeGreaterThanOrEqual(2);
      expect(raw.some((l) => l.includes('ctrscope:end'))).toBe(true);
      expect(set0).toHaveLength(4);
      expect(set1).toHaveLength(4);
      const r = deltaParse([bytes]);
      expect(r.printf.filter((t) => t.startsWith('ctrscope:'))).toEqual([]);
      expect(r.repeatsSkipped).toBe(0);
    });

    it('interval printed and cleared, then END: END adds what came after', () => {
      expect(calls([...set0, marker('cleared 0'), marker('end'), ...set1]).total).toBe(once(set0) + once(set1));
    });

    it('END first, the interval after it (its print then finds the set empty): both added once', () => {
      expect(calls([marker('end'), ...set0, ...set1]).total).toBe(once(set0) + once(set1));
    });

    it("the interval's print read but its clear dropped by the stop: END's repeat of it is left out", () => {
      for (const fastPath of [true, false]) {
        const { total, r } = calls([...set0.slice(0, 2), marker('end'), ...set0, ...set1], fastPath);
        expect(total).toBe(once(set0) + once(set1));
        expect(r.repeatsSkipped).toBe(2);
        // The maps the stop dropped before they printed come from END.
        expect(r.maps.get('@ns')!.value).toEqual(deltaParse([`${set0[3]}\n${set1[3]}\n`]).maps.get('@ns')!.value);
      }
    });

    it('the same repeat without markers (an older recording) is added twice: the markers are what tell', () => {
      expect(calls([...set0, ...set0]).total).toBe(2 * once(set0));
    });
  });

  it('without the option the sets stay apart, as printed', () => {
    const r = parse([bytes]);
    expect(r.maps.has('@calls')).toBe(false);
    expect(r.maps.has('@calls_0')).toBe(true);
  });

  it('past maxKeys a new key is folded, so totals stay whole; without fold it is not kept', () => {
    const spec = { op: 'sum' as const, maxKeys: 10, fold: (k: string) => `${splitMapKey(k, 3)[0]},0,${splitMapKey(k, 3)[2]}` };
    const folded = deltaParse([bytes], { '@calls': spec }).maps.get('@calls')!.value as Record<string, number>;
    const all = expected('@calls', 'sum');
    const total = (o: Record<string, number>) => Object.values(o).reduce((a, x) => a + x, 0);
    expect(total(folded)).toBe(total(all));
    expect(Object.keys(folded).filter((k) => splitMapKey(k, 3)[1] !== '0').length).toBe(10);
    const capped = deltaParse([bytes], { '@calls': { op: 'sum', maxKeys: 10 } }).maps.get('@calls')!.value as Record<string, number>;
    expect(Object.keys(capped)).toHaveLength(10);
  });
});
