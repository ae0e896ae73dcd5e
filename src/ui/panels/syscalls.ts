/** The syscalls panel: top syscalls by rate with errors, average and max latency and a sparkline. */
import type { SyscallLine } from '../../session/live-types.js';
import { fmtNs, fmtRate, sparkline } from '../format.js';
import type { UiState } from '../state.js';
import { col, seg, type Line } from '../text.js';
import { waitingLines } from './common.js';

const W = { name: 16, calls: 8, err: 7, avg: 8, max: 8 };

/** A syscall table; `trend` adds the sparkline column. Scrolls to keep the selected row visible. */
export function syscallTable(rows: SyscallLine[], width: number, height: number, selected: string | null, focused: boolean, trend: boolean): Line[] {
  const fixed = W.name + W.calls + W.err + W.avg + W.max;
  const sparkW = trend ? Math.max(0, Math.min(40, width - fixed - 2)) : 0;
  const head: Line = [seg(col('SYSCALL', W.name, 'left') + col('CALLS/S', W.calls) + col('ERR/S', W.err) + col('AVG', W.avg) + col('MAX', W.max) + (sparkW ? '  ' + 'CALLS/S TREND'.slice(0, sparkW) : ''), { dim: true })];
  const room = Math.max(0, height - 1);
  const sel = selected === null ? -1 : rows.findIndex((r) => r.syscall === selected);
  const start = sel >= room ? sel - room + 1 : 0;
  const out: Line[] = [head];
  for (const [i, r] of rows.slice(start, start + room).entries()) {
    const isSel = start + i === sel && focused;
    out.push([
      seg(col(r.syscall, W.name, 'left') + col(fmtRate(r.callsPerSec), W.calls), { inverse: isSel }),
      seg(col(r.errorsPerSec > 0 ? fmtRate(r.errorsPerSec) : '0', W.err), r.errorsPerSec > 0 ? { color: 'red', inverse: isSel } : { inverse: isSel }),
      seg(col(fmtNs(r.avgNs), W.avg) + col(fmtNs(r.maxNs), W.max), { inverse: isSel }),
      seg(sparkW ? '  ' + sparkline(r.history, sparkW) : '', { color: 'green' }),
    ]);
  }
  if (rows.length === 0) out.push([seg('no syscalls in the last window', { dim: true })]);
  return out;
}

export function syscallsLines(s: UiState, width: number, height: number): Line[] {
  const v = s.shown?.syscalls;
  if (!v) return waitingLines(s.shown, 'syscalls');
  return syscallTable(v.rows, width, height, s.selSyscall, s.focus === 'syscalls', true);
}

export function syscallsTitle(s: UiState): string {
  const v = s.shown?.syscalls;
  return v ? `${fmtRate(v.callsPerSec)} calls/s, ${fmtRate(v.errorsPerSec)} errors/s over ${v.windowS.toFixed(1)} s` : '';
}
