import { describe, expect, it } from 'vitest';
import { reduceSyscallMaps, syscallRates } from '../../src/aggregate/syscalls.js';
import { syscallNamer } from '../../src/host/syscalls.js';
import { fixtureBytes } from '../helpers/chunks.js';

// The map shapes below are what probes/syscall-count.bt prints (keys "comm,pid,nr").
const calls = { 'containerd,3026,202': 10, 'containerd,3026,0': 4, 'containerd-shim,11172,202': 5, 'runc:[2:INIT],11200,59': 1, 'a,b,c,7,0': 2 };
const errors = { 'containerd,3026,202': 3, 'containerd-shim,11172,202': 1 };
const ns = { 'containerd,3026,202': 2_000_000_000, 'containerd,3026,0': 4000, 'containerd-shim,11172,202': 500_000_000 };

describe('reduceSyscallMaps', () => {
  const t = reduceSyscallMaps(calls, errors, ns, syscallNamer('x64'));
  it('sums per syscall across processes and resolves names', () => {
    expect(t.syscalls.find((s) => s.syscall === 'futex')).toEqual({ syscall: 'futex', calls: 15, errors: 4, seconds: 2.5 });
    expect(t.syscalls.find((s) => s.syscall === 'execve')?.calls).toBe(1);
    expect(t.totalCalls).toBe(22);
  });
  it('sorts by calls, then name', () => {
    expect(t.syscalls.map((s) => [s.syscall, s.calls])).toEqual([
      ['futex', 15],
      ['read', 6],
      ['execve', 1],
    ]);
    // Equal counts keep name order.
    const eq = reduceSyscallMaps({ 'x,1,1': 2, 'x,1,0': 2, 'x,1,3': 2 }, {}, {}, syscallNamer('x64'));
    expect(eq.syscalls.map((s) => s.syscall)).toEqual(['close', 'read', 'write']);
  });
  it('keeps commas inside a comm', () => {
    expect(t.processes.find((p) => p.pid === 7)?.comm).toBe('a,b,c');
  });
  it('splits per process', () => {
    const cd = t.processes.find((p) => p.pid === 3026)!;
    expect(cd).toMatchObject({ comm: 'containerd', calls: 14, errors: 3 });
    expect(cd.seconds).toBeCloseTo(2.000004, 9);
  });
  it('names unknown numbers', () => {
    expect(syscallNamer('x64')(9999)).toBe('syscall_9999');
    expect(syscallNamer('riscv')(0)).toBe('syscall_0');
  });
  it('skips keys it cannot read', () => {
    expect(reduceSyscallMaps({ 'x,notanumber,1': 3, garbage: 1 }, {}, {}, syscallNamer('x64')).totalCalls).toBe(0);
  });
});

describe('syscallRates', () => {
  it('turns two cumulative snapshots into per-second rates', () => {
    const a = [{ syscall: 'read', calls: 10, errors: 0, seconds: 1 }];
    const b = [{ syscall: 'read', calls: 30, errors: 2, seconds: 2 }, { syscall: 'write', calls: 4, errors: 0, seconds: 0 }];
    expect(syscallRates(a, b, 2)).toEqual([
      { syscall: 'read', calls: 10, errors: 1, seconds: 0.5 },
      { syscall: 'write', calls: 2, errors: 0, seconds: 0 },
    ]);
  });
});

describe('reduceSyscallMaps on a real probes/syscall-count.bt capture (fixtures/probes/)', () => {
  // Each line is one JSON record; the first second's print is @calls_0, @errors_0, @ns_0.
  const maps: Record<string, Record<string, number>> = {};
  for (const l of fixtureBytes(new URL('../../fixtures/probes/syscall-count.jsonl.gz', import.meta.url).pathname).toString('utf8').split('\n')) {
    if (!l.startsWith('{')) continue;
    const r = JSON.parse(l) as { type: string; data: Record<string, Record<string, number>> };
    if (r.type === 'map') Object.assign(maps, r.data);
  }
  const [calls, errors, ns] = [maps['@calls_0']!, maps['@errors_0']!, maps['@ns_0']!];
  const t = reduceSyscallMaps(calls, errors, ns, syscallNamer('x64'));
  /** Sums a map's values by a part of the key ("comm,pid,nr"; comm may hold commas). */
  const by = (m: Record<string, number>, part: (k: string[]) => string) => {
    const out = new Map<string, number>();
    for (const [k, v] of Object.entries(m)) {
      const f = k.split(',');
      out.set(part(f), (out.get(part(f)) ?? 0) + v);
    }
    return out;
  };
  it('totals every call of the print', () => {
    expect(Object.keys(calls).length).toBeGreaterThan(10);
    expect(t.totalCalls).toBe(Object.values(calls).reduce((a, b) => a + b, 0));
  });
  it('one row per syscall number, with its calls and errors', () => {
    const perNr = by(calls, (f) => f.at(-1)!);
    const errNr = by(errors, (f) => f.at(-1)!);
    expect(t.syscalls).toHaveLength(perNr.size);
    const sorted = (xs: number[]) => [...xs].sort((a, b) => a - b);
    expect(sorted(t.syscalls.map((s) => s.calls))).toEqual(sorted([...perNr.values()]));
    expect(t.syscalls.reduce((a, s) => a + s.errors, 0)).toBe(sorted([...errNr.values()]).reduce((a, b) => a + b, 0));
    // Go's futex waits are in every second of containerd's: x86-64 number 202.
    expect(perNr.get('202')).toBeGreaterThan(0);
    expect(t.syscalls.find((s) => s.syscall === 'futex')?.calls).toBe(perNr.get('202'));
  });
  it('one row per process, with its calls and seconds', () => {
    const perPid = by(calls, (f) => f.at(-2)!);
    const nsPid = by(ns, (f) => f.at(-2)!);
    expect(t.processes.length).toBe(perPid.size);
    for (const p of t.processes) {
      expect(p.calls, String(p.pid)).toBe(perPid.get(String(p.pid)));
      expect(p.seconds).toBeCloseTo((nsPid.get(String(p.pid)) ?? 0) / 1e9, 9);
    }
  });
});
