import { reduceSyscallMaps, sortRows, type SyscallRow } from '../aggregate/syscalls.js';
import { syscallNamer } from '../host/syscalls.js';
import { fmtInt } from '../output/table.js';
import { mapCounts, syscallTable, targetsSeen } from './common.js';
import type { Summary, SummaryInput } from './types.js';

export interface SyscallCountFields extends Record<string, unknown> {
  syscalls: SyscallRow[];
  /** Per process (bpftrace backend only: strace -c sums every traced process). */
  processes: Array<{ pid: number; comm: string; role: string; calls: number; errors: number; seconds: number }>;
}

/** strace -c's table (the native personality's) as syscall rows. */
function fromStraceSummary(input: SummaryInput): SyscallRow[] {
  const table = input.straceSummary?.tables.find((t) => t.mode === null) ?? input.straceSummary?.tables[0];
  return sortRows((table?.rows ?? []).map((r) => ({ syscall: r.syscall, calls: r.calls, errors: r.errors, seconds: r.seconds ?? 0 })));
}

export const syscallCountSummary: Summary<SyscallCountFields> = {
  fields(input) {
    const { bpftrace, host, selection } = input;
    if (input.straceSummary && !bpftrace) {
      const syscalls = fromStraceSummary(input);
      return { fields: { syscalls, processes: [] }, targets: targetsSeen(host, [], input.targets, selection), events: syscalls.reduce((a, s) => a + s.calls, 0) };
    }
    const t = reduceSyscallMaps(mapCounts(bpftrace, '@calls'), mapCounts(bpftrace, '@errors'), mapCounts(bpftrace, '@ns'), syscallNamer());
    const targets = targetsSeen(host, t.processes, input.targets, selection);
    const role = new Map(targets.map((x) => [x.pid, x.role]));
    const processes = t.processes.map((p) => ({ pid: p.pid, comm: p.comm, role: role.get(p.pid) ?? 'other', calls: p.calls, errors: p.errors, seconds: p.seconds }));
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
    const who = r.backend === 'strace' ? 'from the traced processes and their children (strace -c sums them all)' : `from ${r.processes.length} processes: ${roles || 'none'}`;
    const head = `syscall-count: ${fmtInt(total)} syscalls in ${r.durationSeconds.toFixed(1)} s ${who}\n` + `backend ${r.backend}, attached at ${r.attachPoint}\n\n`;
    const table = syscallTable(r.syscalls);
    return head + table;
  },
};
