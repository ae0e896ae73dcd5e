import type { StraceCall } from '../../parsers/strace.js';
import { sortRows, type SyscallRow } from '../aggregate/syscalls.js';
import { callLine } from '../output/strace-call.js';
import { fmtInt, renderTable } from '../output/table.js';
import { syscallTable, targetsSeen } from './common.js';
import type { Summary } from './types.js';

export interface SyscallTraceFields extends Record<string, unknown> {
  /** As strace -c -w counts: calls that returned while attached, errors, summed -T seconds. */
  syscalls: SyscallRow[];
  /** The slowest calls with their arguments, slowest first. */
  slowest: StraceCall[];
  /** Calls that never returned while attached (thread exit, detach at stop). */
  neverReturned: number;
  /** Threads seen, per thread id: calls. */
  threads: number;
}

export const syscallTraceSummary: Summary<SyscallTraceFields> = {
  fields({ strace, host, targets: start, selection }) {
    const syscalls = sortRows((strace?.syscalls ?? []).map((s) => ({ syscall: s.syscall, calls: s.calls, errors: s.errors, seconds: s.seconds })));
    const events = syscalls.reduce((a, s) => a + s.calls, 0);
    return {
      fields: { syscalls, slowest: strace?.slowest ?? [], neverReturned: strace?.neverReturned ?? 0, threads: strace?.pids.length ?? 0 },
      targets: targetsSeen(host, [], start, selection),
      events,
    };
  },
  render(r) {
    const total = r.syscalls.reduce((a, s) => a + s.calls, 0);
    const head =
      `syscall-trace: ${fmtInt(total)} syscalls from ${fmtInt(r.threads)} threads in ${r.durationSeconds.toFixed(1)} s (${fmtInt(r.neverReturned)} did not return while attached)\n` +
      `backend ${r.backend}, attached at ${r.attachPoint}\n\n`;
    const slow = renderTable(r.slowest, [
      { title: 'SECONDS', get: (c) => (c.seconds === null ? '-' : c.seconds.toFixed(6)) },
      { title: 'TIME', get: (c) => c.time ?? '-', align: 'left' },
      { title: 'TID', get: (c) => String(c.pid) },
      { title: 'CALL', get: (c) => callLine(c, 90), align: 'left' },
    ]);
    const table = syscallTable(r.syscalls);
    return `${head}slowest calls:\n${slow}\nper syscall:\n${table}`;
  },
};
