import { reduceSyscallMaps, sortRows, type SyscallRow } from '../aggregate/syscalls.js';
import { syscallNamer } from '../host/syscalls.js';
import { fmtInt } from '../output/table.js';
import { mapCounts, syscallTable, targetsSeen } from './common.js';
import type { Summary, SummaryInput } from './types.js';
import { maxBySyscall, parseSlowLine } from '../aggregate/slow-syscalls.js';

/** How many slow calls a report lists. */
const SLOW_SHOWN = 20;

export interface SlowCall {
  pid: number;
  comm: string;
  syscall: string;
  seconds: number;
}

export interface SyscallCountFields extends Record<string, unknown> {
  /** maxSeconds: the longest single call (bpftrace backend). */
  syscalls: Array<SyscallRow & { maxSeconds?: number }>;
  /** The slowest calls over 10 ms that are not waits by design (bpftrace backend), longest first. */
  slowCalls: SlowCall[];
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
      return { fields: { syscalls, slowCalls: [], processes: [] }, targets: targetsSeen(host, [], input.targets, selection), events: syscalls.reduce((a, s) => a + s.calls, 0) };
    }
    const t = reduceSyscallMaps(mapCounts(bpftrace, '@calls'), mapCounts(bpftrace, '@errors'), mapCounts(bpftrace, '@ns'), syscallNamer());
    const targets = targetsSeen(host, t.processes, input.targets, selection);
    const role = new Map(targets.map((x) => [x.pid, x.role]));
    const processes = t.processes.map((p) => ({ pid: p.pid, comm: p.comm, role: role.get(p.pid) ?? 'other', calls: p.calls, errors: p.errors, seconds: p.seconds }));
    const nameOf = syscallNamer();
    const maxNs = maxBySyscall(mapCounts(bpftrace, '@max'), nameOf);
    const syscalls = t.syscalls.map((r) => (maxNs.has(r.syscall) ? { ...r, maxSeconds: maxNs.get(r.syscall)! / 1e9 } : r));
    const slowCalls = (bpftrace?.printf ?? [])
      .map((l) => parseSlowLine(l, 0, nameOf))
      .filter((e): e is NonNullable<typeof e> => e !== null)
      .map((e) => ({ pid: e.pid, comm: e.comm, syscall: e.syscall, seconds: e.seconds }))
      .sort((a, b) => b.seconds - a.seconds)
      .slice(0, SLOW_SHOWN);
    return { fields: { syscalls, slowCalls, processes }, targets, events: t.totalCalls };
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
    const slow = r.slowCalls.length
      ? `\nslowest calls over 10 ms that are not waits by design:\n` + r.slowCalls.map((c) => `  ${(c.seconds * 1000).toFixed(1).padStart(8)} ms  ${c.syscall}  ${c.comm}[${c.pid}]`).join('\n') + '\n'
      : '';
    return head + table + slow;
  },
};
