import { describe, expect, it } from 'vitest';
import { reduceSyscallMaps, syscallRates } from '../../src/aggregate/syscalls.js';
import { syscallNamer } from '../../src/host/syscalls.js';

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
