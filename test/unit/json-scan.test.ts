import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { matchCounterLine, matchDataLine, matchHelperErrorLine, matchMessageLine } from '../../parsers/bpftrace-json-fast.js';
import { scanJsonNumber, scanJsonString, scanJsonValue } from '../../parsers/json-scan.js';
import { fixtureBytes } from '../helpers/chunks.js';
import { mutatedLines } from '../helpers/mutate.js';

const DIR = new URL('../../fixtures/bpftrace/', import.meta.url).pathname;
const fixtureLines = readdirSync(DIR)
  .filter((f) => f.endsWith('.json'))
  .flatMap((f) => fixtureBytes(DIR + f).toString('utf8').split('\n'))
  .filter((l) => l.trim());

const accepts = (s: string) => scanJsonValue(s, 0) === s.length;
const parses = (s: string) => {
  try {
    JSON.parse(s);
    return true;
  } catch {
    return false;
  }
};

describe('scanJsonValue', () => {
  it('accepts valid JSON', () => {
    const valid = ['0', '-0', '12', '-3.25', '1e5', '1E+5', '2.5e-3', '"a\\"b\\\\c\\/\\b\\f\\n\\r\\t\\u00e9"', '""', '[]', '{}', '[1, [2, {"a": [true, false, null]}]]', '{"a": {}, "b": []}', '"é ✓"'];
    for (const v of valid) {
      expect(parses(v), v).toBe(true);
      expect(accepts(v), v).toBe(true);
    }
  });

  it('rejects what JSON.parse rejects', () => {
    const invalid = ['01', '1.', '.5', '-', '+1', '1e', '1e+', '[1,]', '{"a": 1,}', '{a: 1}', "'a'", '"\\x"', '"\\u12G4"', '"a\u0001b"', 'tru', 'nul', '"open', '{"a" 1}', '[1 2]', '{"a": 1]', '[1}', '', ' ', 'NaN', 'Infinity', '0x10', '[', '{"a":'];
    for (const v of invalid) {
      expect(parses(v), v).toBe(false);
      expect(accepts(v), v).toBe(false);
    }
  });

  it('hist buckets and stats objects: the direct match and the general path agree', () => {
    const cases = ['[{"min": 0, "max": 9, "count": 3}]', '[{"max": -1, "count": 1}, {"min": 50, "count": 2}]', '{"a": {"count": 5, "average": -2, "total": -10}}', '[{"min": 0.5, "max": 9, "count": 3}]', '[{"min": 01, "max": 9, "count": 3}]', '[{"min": 0, "max": 9, "count": 3,}]', '[{"count": 3, "min": 0}]'];
    for (const c of cases) expect(accepts(c), c).toBe(parses(c));
  });

  it('reports where a value ends inside a longer text', () => {
    expect(scanJsonValue('[1, 2] tail', 0)).toBe(6);
    expect(scanJsonNumber('-12.5e3,', 0)).toBe(7);
    expect(scanJsonString('x"a\\"b"y', 1)).toBe(7);
  });

  it('every fixture line is accepted (so the fast path is taken) and parses', () => {
    for (const l of fixtureLines) {
      expect(parses(l)).toBe(true);
      expect(accepts(l), l.slice(0, 80)).toBe(true);
    }
  });

  it('never accepts what JSON.parse rejects: 50,000 mutations of real lines', () => {
    const source = fixtureLines.filter((l) => l.length < 3000);
    let both = 0;
    for (const l of mutatedLines(source, 777, 50000, 2)) {
      if (accepts(l)) {
        expect(parses(l), l).toBe(true);
        both++;
      }
    }
    expect(both).toBeGreaterThan(1000);
  });
});

describe('bpftrace line templates', () => {
  it('every real map, hist, stats, text and counter line matches its template', () => {
    let matched = 0;
    for (const l of fixtureLines) {
      const o = JSON.parse(l) as { type: string; data: unknown };
      if (['map', 'hist', 'stats'].includes(o.type)) {
        const d = matchDataLine(l)!;
        expect(d, l.slice(0, 80)).not.toBeNull();
        const [[name, value]] = Object.entries(o.data as object);
        expect([d.type, d.name, JSON.parse(l.slice(d.start, d.end))]).toEqual([o.type, name, value]);
      } else if (['printf', 'time', 'join', 'cat', 'syscall'].includes(o.type)) {
        const m = matchMessageLine(l)!;
        expect(m, l).not.toBeNull();
        expect([m.type, JSON.parse(l.slice(m.start, -1))]).toEqual([o.type, o.data]);
      } else if (o.type === 'lost_events' || o.type === 'attached_probes') {
        expect(matchCounterLine(l)).toEqual({ type: o.type, value: Object.values(o.data as object)[0] });
      } else if (o.type === 'helper_error') {
        const { type: _type, ...fields } = o as Record<string, unknown>;
        expect(matchHelperErrorLine(l)).toEqual(fields);
      } else continue;
      matched++;
    }
    expect(matched).toBe(fixtureLines.filter((l) => !l.startsWith('{"type": "value"')).length);
  });

  it('a long printf line (past the regular expression) goes through the scanner', () => {
    // Hand-written: a 1 MB printf record.
    const line = `{"type": "printf", "data": "${'ab\\n'.repeat(300000)}"}`;
    expect(matchMessageLine(line)).toEqual({ type: 'printf', start: 27 });
    expect(matchMessageLine(line.slice(0, -3) + '\u0001"}')).toBeNull();
  });
});
