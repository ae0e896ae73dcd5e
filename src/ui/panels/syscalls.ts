/** The syscalls panel: top syscalls by rate with errors, average and max latency and a sparkline. */
import type { SyscallLine } from '../../live-model/types.js';
import { fmtNs, fmtRate, sparkline } from '../format.js';
import type { UiState } from '../state.js';
import { col, seg, type Line } from '../text.js';
import { waitingLines } from './common.js';

/**
 * A syscall table; `trend` adds the sparkline column. Columns give way when narrow: the max
 * column is left out when no row knows its max, then the average, and the name column shrinks.
 * Scrolls to keep the selected row visible.
 */
export function syscallTable(rows: SyscallLine[], width: number, height: number, selected: string | null, focused: boolean, trend: boolean): Line[] {
  const hasMax = rows.some((r) => r.maxNs !== null);
  const name = Math.max(10, Math.min(16, width - 8 - 7 - 8 - (hasMax ? 8 : 0)));
  const showAvg = width >= name + 8 + 7 + 8;
  const showMax = hasMax && width >= name + 8 + 7 + 8 + 8;
  const fixed = name + 8 + 7 + (showAvg ? 8 : 0) + (showMax ? 8 : 0);
  const sparkW = trend && width - fixed - 2 >= 6 ? Math.min(40, width - fixed - 2) : 0;
  const head: Line = [
    seg(col('SYSCALL', name, 'left') + col('CALLS/S', 8) + col('ERR/S', 7) + (showAvg ? col('AVG', 8) : '') + (showMax ? col('MAX', 8) : '') + (sparkW ? '  ' + 'CALLS/S TREND'.slice(0, sparkW) : ''), { dim: true }),
  ];
  const room = Math.max(0, height - 1);
  const sel = selected === null ? -1 : rows.findIndex((r) => r.syscall === selected);
  const start = sel >= room ? sel - room + 1 : 0;
  const out: Line[] = [head];
  for (const [i, r] of rows.slice(start, start + room).entries()) {
    const inverse = start + i === sel && focused;
    out.push([
      seg(col(r.syscall, name, 'left') + col(fmtRate(r.callsPerSec), 8), { inverse }),
      seg(col(r.errorsPerSec > 0 ? fmtRate(r.errorsPerSec) : '0', 7), r.errorsPerSec > 0 ? { color: 'red', inverse } : { inverse }),
      seg((showAvg ? col(fmtNs(r.avgNs), 8) : '') + (showMax ? col(fmtNs(r.maxNs), 8) : ''), { inverse }),
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
