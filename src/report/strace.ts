/** `ctrscope report` for strace traces: syscalls by time spent, the slowest calls, what did not return. */
import { StraceParser, type StraceResult, type SyscallStat } from '../../parsers/strace.js';
import { callLine } from '../output/strace-call.js';
import { fmtInt, renderTable } from '../output/table.js';
import type { ReportRenderer } from './types.js';

/** Syscalls by seconds (then calls, then name): the order of strace -c. */
export function bySeconds(rows: readonly SyscallStat[]): SyscallStat[] {
  return [...rows].sort((a, b) => b.seconds - a.seconds || b.calls - a.calls || (a.syscall < b.syscall ? -1 : 1));
}

/** Average microseconds a call, cut to whole microseconds as strace prints it. */
export const usecsPerCall = (seconds: number, calls: number): number => (calls > 0 ? Math.floor((seconds / calls) * 1e6) : 0);

export const straceReport: ReportRenderer<StraceResult> = {
  parser: () => new StraceParser({ topN: 15, maxArgs: 120 }),
  recognized: (r) => r.syscalls.length + r.pending + r.neverReturned + r.uncounted + r.signals + r.exits > 0,
  json: (r) => ({
    format: 'strace',
    lines: r.lines,
    unrecognized: r.unrecognized,
    syscalls: bySeconds(r.syscalls).map(({ syscall, calls, errors, seconds }) => ({ syscall, calls, errors, seconds })),
  }),
  text(r) {
    const rows = bySeconds(r.syscalls);
    const calls = rows.reduce((a, s) => a + s.calls, 0);
    const errors = rows.reduce((a, s) => a + s.errors, 0);
    const seconds = rows.reduce((a, s) => a + s.seconds, 0);
    const out: string[] = [];
    out.push(
      `strace trace: ${fmtInt(r.lines)} lines (${fmtInt(r.unrecognized)} not understood), ${fmtInt(calls)} calls, ` +
        `${fmtInt(errors)} errors` +
        (r.hasDurations ? `, ${seconds.toFixed(6)} s inside syscalls (sum of -T)` : '') +
        `, ${r.pids.length} threads`,
    );
    if (!r.hasDurations) out.push('no -T times in this trace: calls and errors only (record with strace -T for times)');
    out.push('');
    out.push(
      renderTable(rows, [
        { title: 'syscall', get: (s) => s.syscall, align: 'left' },
        { title: 'calls', get: (s) => String(s.calls) },
        { title: 'errors', get: (s) => (s.errors ? String(s.errors) : '') },
        ...(r.hasDurations
          ? [
              { title: 'seconds', get: (s: SyscallStat) => s.seconds.toFixed(6) },
              { title: 'usecs/call', get: (s: SyscallStat) => String(usecsPerCall(s.seconds, s.calls)) },
            ]
          : []),
      ]).trimEnd(),
    );
    if (r.slowest.length > 0) {
      out.push('', 'slowest calls');
      out.push(
        renderTable(r.slowest, [
          { title: 'seconds', get: (c) => (c.seconds ?? 0).toFixed(6) },
          { title: 'pid', get: (c) => String(c.pid) },
          { title: 'started', get: (c) => c.time ?? '', align: 'left' },
          { title: 'call', get: (c) => callLine(c), align: 'left' },
        ]).trimEnd(),
      );
    }
    const notes: string[] = [];
    if (r.neverReturned) notes.push(`${r.neverReturned} calls never returned (thread exited or strace detached)`);
    if (r.pending) notes.push(`${r.pending} calls still running when the trace ended`);
    if (r.unavailable) notes.push(`${r.unavailable} calls ended "= ? <unavailable>": counted, time unknown`);
    if (r.uncounted) notes.push(`${r.uncounted} calls of unknown syscalls (??? or syscall_0x...) not counted, as strace does`);
    if (r.signals) notes.push(`${r.signals} signals delivered`);
    const table = r.summary?.tables[0];
    if (table?.total) {
      notes.push(
        `strace's own -c table at the end of the input says ${table.total.calls} calls, ${table.total.errors} errors` +
          (table.total.seconds !== null ? `, ${table.total.seconds.toFixed(6)} s` : ''),
      );
    }
    if (notes.length) out.push('', ...notes);
    return out.join('\n') + '\n';
  },
};
