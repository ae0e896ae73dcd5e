/**
 * The live runtime cost: live-kernel.bt's @rt map and shim-exec lines (a real recording,
 * fixtures/bpftrace/live-kernel-runtime.json) read into the ledger, and the ledger's rules
 * (only growing, the larger of exits and /proc, expiry) on edge-case input.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runtimeExitRows, shimExecParts, ShimExecReader, unescapeBuf, type ShimPart } from '../../parsers/runtime-cost-lines.js';
import { EXPIRE_MS, RuntimeCostLedger } from '../../src/aggregate/runtime-cost-live.js';
import { KernelPrintReader } from '../../src/session/live-sources/kernel-print.js';
import { RuntimeCostReader } from '../../src/session/live-sources/runtime-cost.js';
import { KernelSource } from '../../src/session/live-sources/kernel.js';
import { mergeTargets } from '../../src/session/live-targets.js';
import { KernelCounters } from '../../src/serve/kernel-counters.js';
import { SchedCounters } from '../../src/serve/sched-counters.js';
import { exposition, type ServeState } from '../../src/serve/metrics.js';
import { syscallNamer } from '../../src/host/syscalls.js';
import { PrometheusTextParser } from '../../parsers/prometheus-text.js';
import { RT_RUNC, RT_SHIM, type LiveSnapshot } from '../../src/live-model/types.js';
import { initialState } from '../../src/ui/state.js';
import { targetsLines } from '../../src/ui/panels/targets.js';

/** A shim exec's arguments as a recording holds them: a shim-exec printf line, or a part of an @sx print. */
type ShimInput = { line: string; pid: number; text: string } | { part: ShimPart; pid: number; text: string };
const feed = (r: ShimExecReader, x: ShimInput) => ('line' in x ? r.line(x.line) : r.part(x.part));

const fixture = (name: string) => {
  const lines = readFileSync(new URL(`../../fixtures/bpftrace/${name}`, import.meta.url), 'utf8').split('\n');
  // The program as it is keeps a shim's arguments for its next print (@sx), read as parts, as
  // RuntimeCostReader reads them; recordings made before printed shim-exec lines as they happened.
  const shims: ShimInput[] = lines.flatMap((l): ShimInput[] => {
    if (l.includes('"type": "printf"')) {
      const t = JSON.parse(l).data as string;
      return t.startsWith('shim-exec ') ? [{ line: t, pid: Number(t.split(' ')[1]), text: t }] : [];
    }
    if (!l.includes('"@sx_')) return [];
    return shimExecParts(Object.values(JSON.parse(l).data)[0]).parts.map((part) => ({ part, pid: part.pid, text: part.text }));
  });
  const rt = lines.filter((l) => l.includes('"@rt_')).map((l) => Object.values(JSON.parse(l).data)[0] as Record<string, number>);
  return { lines, shims, rt };
};
// The program as it is (a shim's arguments in its print's @sx, target changes in @tg), and
// recordings of the programs before (-lines: a shim's arguments in one printf line; -parts: in
// 128-byte parts a line, target-exec/target-exit printf lines): all read alike.
const RECORDINGS = ['live-kernel-runtime.json', 'live-kernel-runtime-lines.json', 'live-kernel-runtime-parts.json'];

describe.each(RECORDINGS)('runtime-cost lines of live-kernel.bt (%s)', (name) => {
  const { lines, shims, rt } = fixture(name);
  it('reads each shim exec whole from its parts, cut at its length', () => {
    const r = new ShimExecReader();
    const execs = shims.flatMap((x) => feed(r, x) ?? []);
    expect(r.unrecognized).toBe(0);
    // One exec per distinct pid of the shim-exec lines or @sx entries.
    expect(execs.map((e) => e.pid)).toEqual([...new Set(shims.map((x) => x.pid))]);
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
    const sx = shimExecParts({ '7,1,130,128': 'b', '7,1,130,0': 'a', '6,1,5,0': 'c', 'x,1,2,0': 'd', '8,1,2,0': 3 });
    expect(sx.unrecognized).toBe(2);
    expect(sx.parts.map((p) => [p.pid, p.ppid, p.len, p.off, p.text])).toEqual([[6, 1, 5, 0, 'c'], [7, 1, 130, 0, 'a'], [7, 1, 130, 128, 'b']]);
    expect(shimExecParts(undefined)).toEqual({ parts: [], unrecognized: 0 });
    expect(shimExecParts('no map').unrecognized).toBe(1);
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
    const ours = new Set(shims.filter((x) => x.text.includes('-id\\x00rcexp-2\\x00')).map((x) => String(x.pid)));
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
    // A shim discovery still finds keeps its container, charged or not.
    l.knownShims([{ pid: 30, startTime: 6, namespace: 'ns', id: 'c' }], 0);
    l.knownShims([{ pid: 30, startTime: 6, namespace: 'ns', id: 'c' }], EXPIRE_MS);
    expect(l.cost(EXPIRE_MS * 1.5).containers.map((c) => c.id)).toEqual(['c']);
    expect(l.cost(EXPIRE_MS * 2.5).containers).toHaveLength(0);
  });
});

describe.each(RECORDINGS)('where the live runtime cost shows (%s)', (name) => {
  const { lines, shims, rt } = fixture(name);
  // The recording's serving shim: the exec that is neither the start nor the delete invocation.
  const execs = new ShimExecReader();
  const served = shims.flatMap((x) => feed(execs, x) ?? []).filter((e) => !['start', 'delete'].includes(e.argv.at(-1)!));
  expect(served).toHaveLength(1);
  const D = served[0]!.pid;
  const host = { containerd: [], shims: [{ pid: D, comm: 'containerd-shim', role: 'shim' as const, namespace: 'ctrscope', id: 'rcexp-2', containers: [] }], containers: [] };

  it("serve: ctrscope_runtime_cpu_seconds_total carries the ledger's rows, by namespace, container and component", async () => {
    const runtime = new RuntimeCostReader();
    const kernel = new KernelCounters(syscallNamer('x64'), undefined, runtime);
    kernel.runStarted(0);
    for (const [i, l] of lines.entries()) kernel.line(l, i, 0);
    kernel.runEnded(0, lines.length);
    const state: ServeState = { kernel, sched: new SchedCounters(), sources: () => [], cost: () => ({ selfCpuS: 0, tracersCpuS: 0, selfRssBytes: 0, tracersRssBytes: 0 }), targets: () => ({}), runtime: () => runtime.ledger.samples(lines.length) };
    const { body } = await exposition(state).render(undefined);
    const p = new PrometheusTextParser();
    for (const l of body.split('\n')) p.line(l);
    const rows = p.result().samples.get('ctrscope_runtime_cpu_seconds_total') ?? [];
    expect(p.result().types.get('ctrscope_runtime_cpu_seconds_total')).toBe('counter');
    const c = runtime.ledger.cost(lines.length).containers[0]!;
    const of = (component: string) => rows.find((r) => r.labels.container === 'rcexp-2' && r.labels.component === component)?.value;
    expect(of('shim')).toBeCloseTo(c.shimCpuSeconds, 9);
    expect(of('runc')).toBeCloseTo(c.runcCpuSeconds, 9);
    expect(of('shim')! + of('runc')!).toBeGreaterThan(0.05);
    expect(rows.map((r) => r.labels.component).sort()).toEqual(['containerd', 'runc', 'runc', 'shim', 'shim']);
    expect(rows.every((r) => !('pid' in r.labels))).toBe(true);
  });

  it("live view: the shim's line carries its container's shim + runc CPU, shown in the RT CPU column", () => {
    const k = new KernelSource(syscallNamer('x64'));
    k.runStarted(0);
    for (const [i, l] of lines.entries()) k.line(l, i, 0);
    const targets = mergeTargets(host, k.output(lines.length, host).targets ?? []);
    const shim = targets.find((t) => t.pid === D)!;
    const cost = new RuntimeCostReader();
    const reader = new KernelPrintReader();
    for (const [i, l] of lines.entries()) for (const e of reader.line(l, i)) e.kind === 'print' ? cost.print(e.print) : e.kind === 'printf' && cost.printf(e.text, e.t);
    const own = rt.reduce((a, m) => a + (m[`${D},0`] ?? 0), 0) / 1e9;
    const c = cost.ledger.cost(lines.length).containers[0]!;
    // The kernel source leaves out the live shim's own threads (the /proc poll adds its whole CPU).
    expect(shim.metrics[RT_SHIM]).toBeCloseTo(c.shimCpuSeconds - own, 9);
    expect(shim.metrics[RT_RUNC]).toBeCloseTo(c.runcCpuSeconds, 9);
    const s = { ...initialState(120, 30), shown: { targets, session: {}, host } as unknown as LiveSnapshot };
    const text = targetsLines(s, 120, 10).map((l) => l.map((g) => g.t).join(''));
    expect(text[0]).toContain('RT CPU');
    const row = text.find((l) => l.startsWith('shim ctrscope/rcexp-2'))!;
    expect(row.trim().endsWith(`${((shim.metrics[RT_SHIM]! + shim.metrics[RT_RUNC]!) * 1e3).toFixed(0)}ms`)).toBe(true);
    const drilled = targetsLines({ ...s, drill: D }, 120, 10).map((l) => l.map((g) => g.t).join(''));
    expect(drilled[1]).toMatch(/^runtime CPU for this container so far: \d+ms \(shim \d+(\.\d)?ms, runc \d+ms\)$/);
  });
});
