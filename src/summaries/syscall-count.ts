import { reduceSyscallMaps, type SyscallRow } from '../aggregate/syscalls.js';
import { syscallNamer } from '../host/syscalls.js';
import { roleOf } from '../targets/discover.js';
import { fmtInt, fmtSeconds, renderTable } from '../output/table.js';
import type { Summary } from './types.js';

type Counts = Record<string, number>;
const mapValue = (m: { value: unknown } | undefined): Counts => (m && typeof m.value === 'object' && m.value !== null ? (m.value as Counts) : {});

export interface SyscallCountFields extends Record<string, unknown> {
  syscalls: SyscallRow[];
  processes: Array<{ pid: number; comm: string; role: string; calls: number; errors: number; seconds: number }>;
}

export const syscallCountSummary: Summary<SyscallCountFields> = {
  fields({ bpftrace, host }) {
    const maps = bpftrace?.maps;
    const t = reduceSyscallMaps(mapValue(maps?.get('@calls')), mapValue(maps?.get('@errors')), mapValue(maps?.get('@ns')), syscallNamer());
    const processes = t.processes.map((p) => ({ pid: p.pid, comm: p.comm, role: roleOf(p.pid, p.comm, host), calls: p.calls, errors: p.errors, seconds: p.seconds }));
    const seen = new Set(processes.map((p) => p.pid));
    const targets = [
      ...host.containerd.filter((c) => !seen.has(c.pid)).map((c) => ({ pid: c.pid, comm: c.comm, role: 'containerd' })),
      ...processes.map(({ pid, comm, role }) => ({ pid, comm, role })),
    ];
    return { fields: { syscalls: t.syscalls, processes }, targets, events: t.totalCalls };
  },
  render(r) {
    const total = r.syscalls.reduce((a, s) => a + s.calls, 0);
    const byRole = new Map<string, { n: number; calls: number }>();
    for (const p of r.processes) {
      const e = byRole.get(p.role) ?? { n: 0, calls: 0 };
      e.n++;
      e.calls += p.calls;
      byRole.set(p.role, e);
    }
    const roles = [...byRole].map(([role, e]) => `${role} ${e.n} (${fmtInt(e.calls)} calls)`).join(', ');
    const head = `syscall-count: ${fmtInt(total)} syscalls in ${r.durationSeconds.toFixed(1)} s from ${r.processes.length} processes: ${roles || 'none'}\n` +
      `backend ${r.backend}, attached at ${r.attachPoint}\n\n`;
    const table = renderTable(r.syscalls, [
      { title: 'SYSCALL', get: (s) => s.syscall, align: 'left' },
      { title: 'CALLS', get: (s) => fmtInt(s.calls) },
      { title: 'ERRORS', get: (s) => fmtInt(s.errors) },
      { title: 'SECONDS', get: (s) => fmtSeconds(s.seconds) },
      { title: 'AVG_US', get: (s) => (s.calls ? ((s.seconds / s.calls) * 1e6).toFixed(1) : '-') },
    ]);
    return head + table;
  },
};
