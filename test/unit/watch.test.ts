import { describe, expect, it } from 'vitest';
import { describeEvent, diffTargets } from '../../src/targets/watch.js';
import type { HostTargets, Target } from '../../src/targets/discover.js';

const cd = (pid: number, startTime: number): Target => ({ pid, comm: 'containerd', role: 'containerd', startTime });
const shim = (pid: number, startTime = 1): Target => ({ pid, comm: 'containerd-shim', role: 'shim', startTime, namespace: 'ns', id: `c${pid}` });
const host = (c: Target[], s: Target[] = []): HostTargets => ({ containerd: c, shims: s, containers: [] });

describe('diffTargets', () => {
  it('sees nothing when nothing changed', () => {
    expect(diffTargets(host([cd(10, 5)], [shim(20)]), host([cd(10, 5)], [shim(20)]))).toEqual([]);
  });
  it('sees a containerd restart, also when the new one got the same pid', () => {
    expect(diffTargets(host([cd(10, 5)]), host([cd(11, 9)]))[0]).toMatchObject({ kind: 'containerd-restarted', before: { pid: 10 }, after: { pid: 11 } });
    expect(diffTargets(host([cd(10, 5)]), host([cd(10, 9)]))[0]?.kind).toBe('containerd-restarted');
  });
  it('keeps containerd instances apart by their socket', () => {
    const a = { ...cd(10, 5), address: '/run/a.sock' };
    const b = { ...cd(11, 6), address: '/run/b.sock' };
    const b2 = { ...cd(12, 8), address: '/run/b.sock' };
    expect(diffTargets(host([a, b]), host([a, b2]))).toMatchObject([{ kind: 'containerd-restarted', before: { pid: 11 }, after: { pid: 12 } }]);
    expect(diffTargets(host([a, b]), host([a]))).toMatchObject([{ kind: 'containerd-gone', before: { pid: 11 } }]);
  });
  it('sees containerd leave and come back', () => {
    expect(diffTargets(host([cd(10, 5)]), host([]))[0]?.kind).toBe('containerd-gone');
    expect(diffTargets(host([]), host([cd(12, 7)]))[0]?.kind).toBe('containerd-started');
  });
  it('sees shims start and exit', () => {
    const ev = diffTargets(host([cd(10, 5)], [shim(20), shim(21)]), host([cd(10, 5)], [shim(21), shim(22)]));
    expect(ev.map((e) => e.kind)).toEqual(['shim-started', 'shim-exited']);
  });
  it('tells an exited explicit target from a reused pid', () => {
    const t: Target = { pid: 300, comm: 'sleep', role: 'other', startTime: 100 };
    expect(diffTargets(host([]), host([]), [t], () => null)[0]?.kind).toBe('target-exited');
    const reused = diffTargets(host([]), host([]), [t], () => 250)[0]!;
    expect(reused).toMatchObject({ kind: 'pid-reused', startTime: 250 });
    expect(describeEvent(reused)).toMatch(/not traced/);
    expect(diffTargets(host([]), host([]), [t], () => 100)).toEqual([]);
  });
});
