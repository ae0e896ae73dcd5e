/** Scheduler and hardware counters: rates, or a plain statement that the host lacks them. */
import { fmtRate } from '../format.js';
import type { UiState } from '../state.js';
import { col, seg, type Line } from '../text.js';
import { waitingLines } from './common.js';

export function schedLines(s: UiState, width: number): Line[] {
  const v = s.shown?.sched;
  if (!v) return waitingLines(s.shown, 'sched');
  const nameW = Math.max(10, Math.min(18, width - 12)) + 1;
  const totals = width >= nameW + 11 + 24;
  return v.counters.map((c) =>
    c.supported
      ? [seg(col(c.name, nameW - 1, 'left') + ' '), seg(col(fmtRate(c.perSec), 9) + '/s'), seg(totals && c.total != null ? col(fmtRate(c.total), 10) + ' since start/reset' : '', { dim: true })]
      : [seg(col(c.name, nameW - 1, 'left') + ' '), seg('not supported on this host', { color: 'yellow' })],
  );
}

export function schedTitle(s: UiState): string {
  const v = s.shown?.sched;
  if (!v) return '';
  if (v.stale) return 'last figures: the counters are no longer read';
  return `/proc on ${v.processes} process${v.processes === 1 ? '' : 'es'} · per second`;
}
