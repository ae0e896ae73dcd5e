/**
 * The live runtime cost: live-kernel.bt's @rt map and shim-exec lines (a real recording,
 * fixtures/bpftrace/live-kernel-runtime.json) read into the ledger, and the ledger's rules
 * (only growing, the larger of exits and /proc, expiry) on edge-case input.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runtimeExitRows, ShimExecReader, unescapeBuf } from '../../parsers/runtime-cost-lines.js';
import { EXPIRE_MS, RuntimeCostLedger } from '../../src/aggregate/runtime-cost-live.js';
import { KernelPrintReader } from '../../src/session/live-sources/kernel-print.js';
import { RuntimeCostReader } from '../../src/session/live-sources/runtime-cost.js';

const lines = readFileSync(new URL('../../fixtures/bpftrace/live-kernel-runtime.json', import.meta.url), 'utf8').split('\n');
const printfs = lines.flatMap((l) => (l.includes('"type": "printf"') ? [JSON.parse(l).data as string] : []));
const rt = lines.filter((l) => l.includes('"@rt_')).map((l) => Object.values(JSON.parse(l).data)[0] as Record<string, number>);

describe('runtime-cost lines of live-kernel.bt', () => {
  it('reads each shim exec whole from its parts, cut at its length', () => {
    const r = new ShimExecReader();
    const execs = printfs.filter((t) => t.startsWith('shim-exec ')).flatMap((t) => r.line(t) ?? []);
    expect(r.unrecognized).toBe(0);
    // One exec per distinct pid of the shim-exec lines.
    expect(execs.map((e) => e.pid)).toEqual([...new Set(printfs.filter((t) => t.startsWith('shim-exec ')).map((t) => Number(t.split(' ')[1])))]);
    for (const e of execs) {
      expect(e.argv[0]).toBe('/usr/bin/containerd-shim-runc-v2');
      expect(e.argv.some((a) => a.includes('='))).toBe(false);
      expect(e.argv[e.argv.indexOf('-id') + 1]).toBe('rcexp-2');
    }
    // The start and delete invocations run past one part: their last argument is the command.
    expect(execs.map((e) => e.argv.at(-1))).toEqual(expect.arrayContaining(['start', 'delete']));
  });

  it('counts what it cannot read and never throws', () => {
    const r = new ShimExecReader();
    expect(r.line('shim-exec x')).toBeNull();
    expect(r.line('shim-exec 5 1 300 128 abc\n')).toBeNull();
    expect(r.unrecognized).toBe(2);
    expect(unescapeBuf('a\\x00b\\x41')).toBe('a\u0000bA');
    expect(runtimeExitRows({ '1,0': 5, 'x,1': 2, '2,7': 1, '3,1': -1 })).toEqual({ rows: [{ owner: 1, part: 0, ns: 5 }], unrecognized: 3 });
    expect(runtimeExitRows([1]).unrecognized).toBe(1);
  });

  it("charges the recording's container everything its three shim processes and their runc ran", () => {
    const reader = new KernelPrintReader();
    const cost = new RuntimeCostReader();
    for (const [i, l] of lines.entries()) {
      for (const e of reader.line(l, i)) {
        if (e.kind === 'print') cost.print(e.print);
        else if (e.kind === 'printf') cost.printf(e.text, e.t);
      }
    }
    expect(cost.unrecognized).toBe(0);
    const c = cost.ledger.cost(lines.length);
    expect(c.containers.map((x) => x.id)).toEqual(['rcexp-2']);
    // The shims whose exec lines name rcexp-2; the END print also holds shims of another loop
    // whose exec lines bpftrace lost as it stopped: their CPU is unattributed.
    const ours = new Set(printfs.filter((t) => t.startsWith('shim-exec ') && t.includes('-id\\x00rcexp-2\\x00')).map((t) => t.split(' ')[1]));
    expect(ours.size).toBe(3);
    const sum = (pick: (owner: string, part: string) => boolean) => rt.reduce((a, m) => a + Object.entries(m).filter(([k]) => pick(...(k.split(',') as [string, string]))).reduce((b, [, v]) => b + v, 0), 0) / 1e9;
    expect(sum((o, p) => ours.has(o) && p === '0')).toBeGreaterThan(0);
    expect(c.containers[0]!.shimCpuSeconds).toBeCloseTo(sum((o, p) => ours.has(o) && p === '0'), 9);
    expect(c.containers[0]!.runcCpuSeconds).toBeCloseTo(sum((o, p) => ours.has(o) && p !== '0'), 9);
    expect(c.unattributed.shim.cpuSeconds).toBeCloseTo(sum((o, p) => !ours.has(o) && p === '0'), 9);
    expect(c.unattributed.runc.cpuSeconds).toBeCloseTo(sum((o, p) => !ours.has(o) && p !== '0'), 9);
  });
});

describe('RuntimeCostLedger', () => {
  const argv = (id: string) => ['/usr/bin/containerd-shim-runc-v2', '-namespace', 'ns', '-id', id, '-address', '/run/containerd/containerd.sock'];

  it("takes the larger of a shim's exited threads and its /proc CPU, so counters only grow", () => {
    const l = new RuntimeCostLedger();
    l.shimExec(10, argv('a'), 0);
    const seen: number[] = [];
    const shim = () => seen.push(l.cost(0).containers[0]!.shimCpuSeconds);
    l.procs([{ pid: 10, start: 7, comm: 'containerd-shim', cpuSeconds: 0.5 }], 1);
    shim();
    l.exits([{ owner: 10, part: 0, ns: 0.2e9 }], 2); // a thread exited: less than /proc's whole
    shim();
    l.procs([{ pid: 10, start: 7, comm: 'containerd-shim', cpuSeconds: 0.4 }], 3); // a lower reading
    shim();
    l.exits([{ owner: 10, part: 0, ns: 0.5e9 }, { owner: 10, part: 1, ns: 0.3e9 }, { owner: 99, part: 1, ns: 1e9 }], 4);
    shim();
    expect(seen).toEqual([0.5, 0.5, 0.5, 0.7]);
    expect(l.cost(4).containers[0]!.runcCpuSeconds).toBeCloseTo(0.3, 9);
    expect(l.unattributed.runc).toBeCloseTo(1, 9);
    // A new process at the pid (another start time) starts from nothing: no drop, no double count.
    l.procs([{ pid: 10, start: 8, comm: 'containerd-shim', cpuSeconds: 0.1 }], 5);
    expect(l.unattributed.shim).toBeCloseTo(0.1, 9);
    expect(l.cost(5).containers[0]!.shimCpuSeconds).toBeCloseTo(0.7, 9);
  });

  it("sums containerd's processes and forgets containers gone for EXPIRE_MS", () => {
    const l = new RuntimeCostLedger();
    l.procs([{ pid: 1, start: 1, comm: 'containerd', cpuSeconds: 2 }], 0);
    l.procs([{ pid: 1, start: 1, comm: 'containerd', cpuSeconds: 3 }, { pid: 2, start: 9, comm: 'containerd', cpuSeconds: 1 }], 1);
    expect(l.cost(1).containerd.cpuSeconds).toBe(4);
    l.knownShims([{ pid: 20, startTime: 5, namespace: 'ns', id: 'b' }], 1);
    l.exits([{ owner: 20, part: 1, ns: 1e6 }], 2);
    expect(l.samples(2).filter((r) => r.container === 'b').map((r) => r.component)).toEqual(['shim', 'runc']);
    expect(l.cost(2 + EXPIRE_MS).containers).toHaveLength(1);
    expect(l.cost(3 + EXPIRE_MS).containers).toHaveLength(0);
    expect(l.size).toBe(0);
  });
});
