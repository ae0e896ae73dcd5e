/**
 * runtime-cost's aggregator: the argv rules for shims and runc, and the charging of a real capture
 * of probes/runtime-cost.bt under load.sh (fixtures/probes/, see its README).
 */
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { BpftraceJsonParser } from '../../parsers/bpftrace-json.js';
import { chargeRuntimeCost, execsOf, forksOf, runcOf, runtimeCpuSamples, shimOf, type RuntimeCost, type RuntimeCostInput } from '../../src/aggregate/runtime-cost.js';
import { runtimeCostSummary } from '../../src/summaries/runtime-cost.js';
import { mapCounts } from '../../src/summaries/common.js';

const raw = gunzipSync(readFileSync(new URL('../../fixtures/probes/runtime-cost.jsonl.gz', import.meta.url))).toString('utf8').split('\n');
const parsed = (() => {
  const p = new BpftraceJsonParser();
  for (const l of raw) p.line(l);
  return p.result();
})();
/** containerd's pid in the capture: the one key of @comm named containerd. */
const containerdPid = Number(Object.entries(mapCounts(parsed, '@comm')).find(([, c]) => (c as unknown) === 'containerd')![0]);

/** The END print of @since: each CPU's last switch while attached. */
const until = BigInt(Math.max(...Object.values(mapCounts(parsed, '@since'))));

function input(): RuntimeCostInput {
  return {
    cpuNs: mapCounts(parsed, '@cpu_ns'),
    syscalls: mapCounts(parsed, '@syscalls'),
    vfsNs: mapCounts(parsed, '@vfs_ns'),
    vfsCalls: mapCounts(parsed, '@vfs_calls'),
    comm: mapCounts(parsed, '@comm') as unknown as Record<string, string>,
    lines: parsed.printf,
    countedUntil: until,
    containerdPids: [containerdPid],
    shims: [],
  };
}

describe('argv rules', () => {
  it('reads a shim argv in either order', () => {
    expect(shimOf(['/usr/bin/containerd-shim-runc-v2', '-namespace', 'k8s.io', '-id', 'abc', '-address', '/run/c.sock'])).toEqual({ namespace: 'k8s.io', id: 'abc' });
    expect(shimOf(['containerd-shim-runc-v2', '-namespace', 'ns', '-address', 'a', '-publish-binary', 'b', '-id', 'x1', 'start'])).toEqual({ namespace: 'ns', id: 'x1' });
    expect(shimOf(['containerd-shim-runc-v2', '-namespace', 'ns'])).toBeNull();
    expect(shimOf(['runc', '-id', 'x'])).toBeNull();
  });

  it('finds runc command and id past value flags', () => {
    const g = ['runc', '--root', '/run/containerd/runc/ctrscope', '--log', '/x/log.json', '--log-format', 'json'];
    expect(runcOf([...g, 'create', '--bundle', '/b', '--pid-file', '/p', 'c1'])).toEqual({ namespace: 'ctrscope', command: 'create', id: 'c1' });
    expect(runcOf([...g, 'delete', '--force', 'c2'])).toEqual({ namespace: 'ctrscope', command: 'delete', id: 'c2' });
    expect(runcOf([...g, 'kill', 'c3', '9'])).toEqual({ namespace: 'ctrscope', command: 'kill', id: 'c3' });
    expect(runcOf(['/usr/sbin/runc', '--root=/run/containerd/runc/k8s.io/', 'start', 'c4'])).toEqual({ namespace: 'k8s.io', command: 'start', id: 'c4' });
    expect(runcOf(['runc', 'init'])).toEqual({ namespace: 'default', command: 'init', id: null });
    expect(runcOf(['runc', '--root', '/r'])).toBeNull();
    expect(runcOf(['containerd-shim-runc-v2', 'start', 'x'])).toBeNull();
  });

  it('leaves out an exec later than the counters stopped', () => {
    expect(execsOf(['exec 10 5 0 a\n', 'exec 11 9 0 b\n'], 5n)).toEqual(new Map([[10, ['a']]]));
  });

  it('joins exec parts in any order, stops at the first empty argument, and reads forks', () => {
    const lines = ['exec 10 5 4 d e  garbage\n', 'exec 10 5 0 a b c x\n', 'exec 11 6 0 p q  \n', 'fork 10 12\n', 'not a line', 'exec 10 4 0 old\n'];
    expect(execsOf(lines)).toEqual(new Map([[10, ['a', 'b', 'c', 'x', 'd', 'e']], [11, ['p', 'q']]]));
    expect(forksOf(lines)).toEqual(new Map([[12, 10]]));
    expect(() => chargeRuntimeCost({ ...input(), lines: ['exec x', 'fork', '\u0000'] })).not.toThrow();
  });
});

describe('charging a real capture', () => {
  const cost = chargeRuntimeCost(input());
  const creates = execsOf(parsed.printf, until);
  const runcExecs = [...creates.values()].map(runcOf).filter((r) => r?.id);

  it('ties every runc call with an id to a container, and runc init to its create', () => {
    expect(runcExecs.length).toBeGreaterThan(10);
    expect(cost.containers.reduce((a, c) => a + c.runcCalls, 0)).toBe(runcExecs.length);
    const withCreate = cost.containers.filter((c) => c.runcByCommand.create);
    expect(withCreate.length).toBeGreaterThan(3);
    for (const c of withCreate) expect(c.runcByCommand.init, c.id).toBe(1);
    for (const c of cost.containers) expect(c.namespace).toBe('ctrscope');
  });

  it('charges no container for execs that came after sched_switch detached', () => {
    // bpftrace detaches its probes one by one at SIGINT: this capture has exec lines after the
    // last counted switch, whose containers would read as created and deleted for no CPU.
    const late = parsed.printf.filter((l) => l.startsWith('exec ') && BigInt(l.split(' ')[2]!) > until);
    expect(late.length).toBeGreaterThan(10);
    const uncut = chargeRuntimeCost({ ...input(), countedUntil: undefined });
    const free = (c: RuntimeCost) => c.containers.filter((x) => x.runcCalls > 0 && x.shimCpuSeconds + x.runcCpuSeconds === 0);
    expect(free(uncut).length).toBeGreaterThan(0);
    expect(cost.containers.length).toBeGreaterThan(10);
    expect(free(cost)).toEqual([]);
  });

  it('charges each counted pid exactly once', () => {
    const total = (m: Record<string, number>) => Object.values(m).reduce((a, b) => a + b, 0);
    const charged = cost.containers.reduce((a, c) => a + c.shim.cpuSeconds + c.runc.cpuSeconds, 0) + cost.containerd.cpuSeconds + cost.unattributed.shim.cpuSeconds + cost.unattributed.runc.cpuSeconds;
    expect(charged).toBeCloseTo(total(input().cpuNs) / 1e9, 9);
    const sys = cost.containers.reduce((a, c) => a + c.syscalls, 0) + cost.containerd.syscalls + cost.unattributed.shim.syscalls + cost.unattributed.runc.syscalls;
    expect(sys).toBe(total(input().syscalls));
    expect(cost.containerd.cpuSeconds).toBeGreaterThan(0);
    // Under load most of the shims' and runc's CPU belongs to a container.
    const attributed = cost.containers.reduce((a, c) => a + c.shimCpuSeconds + c.runcCpuSeconds, 0);
    expect(attributed).toBeGreaterThan(cost.unattributed.shim.cpuSeconds + cost.unattributed.runc.cpuSeconds);
  });

  it('flattens into serve rows, one per container and component plus containerd', () => {
    const rows = runtimeCpuSamples(cost);
    expect(rows.length).toBe(1 + 2 * cost.containers.length);
    expect(rows.filter((r) => r.component === 'shim').reduce((a, r) => a + r.cpuSeconds, 0)).toBeCloseTo(cost.containers.reduce((a, c) => a + c.shimCpuSeconds, 0), 12);
  });

  it('summarizes and renders', () => {
    const host = { containerd: [{ pid: containerdPid, comm: 'containerd', role: 'containerd' as const }], shims: [], containers: [] };
    const { fields, events } = runtimeCostSummary.fields({ bpftrace: parsed, host, targets: host.containerd });
    expect(fields.totals.containers).toBe(cost.containers.length);
    expect(events).toBe(Object.values(input().syscalls).reduce((a, b) => a + b, 0));
    const text = runtimeCostSummary.render({ probe: 'runtime-cost', backend: 'bpftrace', attachPoint: 'tp', skipped: [], durationSeconds: 6, targets: [], ...fields });
    expect(text).toContain(`${fields.totals.containers} containers: shims`);
    expect(text).toContain(fields.containers[0]!.id);
  });
});
