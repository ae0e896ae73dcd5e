/** Recent events, newest first: file opens, process execs, slow syscalls. */
import type { EventKind } from '../../live-model/types.js';
import { fmtRate } from '../format.js';
import type { UiState } from '../state.js';
import { col, seg, type Line, type Seg } from '../text.js';
import { waitingLines } from './common.js';

const KIND: Record<EventKind, { label: string; color: Seg['color'] }> = {
  open: { label: 'open', color: 'blue' },
  exec: { label: 'exec', color: 'green' },
  slow: { label: 'slow', color: 'red' },
};

export function eventsLines(s: UiState, width: number, height: number): Line[] {
  const v = s.shown?.events;
  if (!v) return waitingLines(s.shown, 'events');
  if (v.items.length === 0) return [[seg('no events yet', { dim: true })]];
  const start = s.selEvent >= height ? s.selEvent - height + 1 : 0;
  return v.items.slice(start, start + height).map((e, i) => {
    const isSel = s.focus === 'events' && start + i === s.selEvent;
    const k = KIND[e.kind];
    return [
      seg(col(`+${(e.t / 1000).toFixed(1)}s`, 8) + ' ', { dim: true, inverse: isSel }),
      seg(col(k.label, 5, 'left'), { color: k.color, inverse: isSel }),
      seg(`${e.comm}${e.pid === null ? "" : `[${e.pid}]`} `, { inverse: isSel }),
      seg(e.text.slice(0, Math.max(0, width)), { inverse: isSel }),
    ];
  });
}

export function eventsTitle(s: UiState): string {
  const r = s.shown?.events?.perSec;
  if (!r) return '';
  return (Object.keys(KIND) as EventKind[])
    .filter((k) => r[k] !== undefined)
    .map((k) => `${k} ${fmtRate(r[k])}/s`)
    .join(' · ');
}
