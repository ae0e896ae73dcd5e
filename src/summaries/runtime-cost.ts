import { chargeRuntimeCost, type ProcessCost, type RuntimeCost } from '../aggregate/runtime-cost.js';
import { fmtInt, renderTable } from '../output/table.js';
import { mapCounts, targetsSeen } from './common.js';
import type { Summary, SummaryInput } from './types.js';

export interface RuntimeCostFields extends Record<string, unknown>, RuntimeCost {
  totals: { containers: number; shimCpuSeconds: number; runcCpuSeconds: number; runcCalls: number };
}

/** The names of runtime-cost.bt's maps. */
const maps = (input: SummaryInput) => ({
  cpuNs: mapCounts(input.bpftrace, '@cpu_ns'),
  syscalls: mapCounts(input.bpftrace, '@syscalls'),
  vfsNs: mapCounts(input.bpftrace, '@vfs_ns'),
  vfsCalls: mapCounts(input.bpftrace, '@vfs_calls'),
  comm: mapCounts(input.bpftrace, '@comm') as unknown as Record<string, string>,
});

/** The latest CPU's last switch while attached, or undefined when the END print is missing. */
function countedUntil(since: Record<string, number>): bigint | undefined {
  const all = Object.values(since).filter((n) => Number.isFinite(n) && n > 0);
  return all.length ? BigInt(Math.max(...all)) : undefined;
}

const round = (n: number) => Math.round(n * 1e6) / 1e6;
const roundCost = <T extends ProcessCost>(c: T): T => ({ ...c, cpuSeconds: round(c.cpuSeconds), vfsSeconds: round(c.vfsSeconds) });
const ms = (s: number) => (s * 1e3).toFixed(1);

export const runtimeCostSummary: Summary<RuntimeCostFields> = {
  fields(input) {
    const cost = chargeRuntimeCost({
      ...maps(input),
      lines: input.bpftrace?.printf ?? [],
      countedUntil: countedUntil(mapCounts(input.bpftrace, '@since')),
      containerdPids: input.host.containerd.map((c) => c.pid),
      shims: input.host.shims.map((s) => ({ pid: s.pid, namespace: s.namespace, id: s.id })),
    });
    const containers = cost.containers.map((c) => ({
      ...c,
      shimCpuSeconds: round(c.shimCpuSeconds),
      runcCpuSeconds: round(c.runcCpuSeconds),
      vfsSeconds: round(c.vfsSeconds),
      shim: roundCost(c.shim),
      runc: roundCost(c.runc),
    }));
    const sum = (k: 'shimCpuSeconds' | 'runcCpuSeconds' | 'runcCalls') => cost.containers.reduce((a, c) => a + c[k], 0);
    const totals = { containers: containers.length, shimCpuSeconds: round(sum('shimCpuSeconds')), runcCpuSeconds: round(sum('runcCpuSeconds')), runcCalls: sum('runcCalls') };
    const events = Object.values(maps(input).syscalls).reduce((a, n) => a + n, 0);
    return {
      fields: { containers, containerd: roundCost(cost.containerd), unattributed: { shim: roundCost(cost.unattributed.shim), runc: roundCost(cost.unattributed.runc) }, totals },
      targets: targetsSeen(input.host, [], input.targets, input.selection),
      events,
    };
  },
  render(r) {
    const shown = r.containers.slice(0, 20);
    const table = renderTable(shown, [
      { title: 'NAMESPACE', get: (c) => c.namespace, align: 'left' },
      { title: 'CONTAINER', get: (c) => c.id, align: 'left' },
      { title: 'SHIM_CPU_MS', get: (c) => ms(c.shimCpuSeconds) },
      { title: 'RUNC_CPU_MS', get: (c) => ms(c.runcCpuSeconds) },
      { title: 'RUNC_CALLS', get: (c) => String(c.runcCalls) },
      { title: 'SYSCALLS', get: (c) => fmtInt(c.syscalls) },
      { title: 'RW_MS', get: (c) => ms(c.vfsSeconds) },
    ]);
    const line = (name: string, c: ProcessCost) => `${name}: ${ms(c.cpuSeconds)} ms CPU, ${fmtInt(c.syscalls)} syscalls, ${ms(c.vfsSeconds)} ms in read/write (${c.processes} processes)\n`;
    const t = r.totals;
    return (
      `runtime-cost: ${r.durationSeconds.toFixed(1)} s, backend ${r.backend}, attached at ${r.attachPoint}\n` +
      `${t.containers} containers: shims ${ms(t.shimCpuSeconds)} ms CPU, runc ${ms(t.runcCpuSeconds)} ms CPU in ${t.runcCalls} runc calls\n\n` +
      (shown.length ? table : '(no shim or runc ran while attached)\n') +
      (r.containers.length > shown.length ? `... and ${r.containers.length - shown.length} more (--json has them all)\n` : '') +
      '\n' +
      line('containerd', r.containerd) +
      (r.unattributed.shim.processes ? line('shims not tied to a container', r.unattributed.shim) : '') +
      (r.unattributed.runc.processes ? line('runc not tied to a container', r.unattributed.runc) : '')
    );
  },
};
