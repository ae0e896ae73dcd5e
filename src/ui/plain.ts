/** Plain-text snapshots for when stdout is not a terminal: the same panels, one after another, no styles. */
import { PANEL_IDS, type LiveSnapshot, type PanelId } from '../live-model/types.js';
import { headerLines } from './header.js';
import { ScreenMemo } from './memo.js';
import { panelLines } from './screen.js';
import { initialState, type UiState } from './state.js';
import { lineText, type Line } from './text.js';

const HEIGHTS: Record<PanelId, number> = { syscalls: 12, sched: 7, vfs: 10, stacks: 8, events: 9, targets: 10, containerd: 5 };

const text = (l: Line) => lineText(l).trimEnd();

// One state and memo for every snapshot: a panel whose input did not change since the last
// snapshot (stacks print every 10 s, containerd's metrics every 10 s) is not built again.
const memo = new ScreenMemo();
let base: UiState | null = null;

export function plainSnapshot(snap: LiveSnapshot, width = 100): string {
  if (base?.cols !== width) base = initialState(width, 50);
  const s = { ...base, shown: snap, latest: snap };
  const out: string[] = headerLines(snap, s).map(text);
  for (const id of PANEL_IDS) {
    const lines = panelLines(s, id, width, HEIGHTS[id], memo).map(text);
    while (lines.length > 1 && lines[lines.length - 1] === '') lines.pop();
    out.push('', ...lines);
  }
  return out.join('\n') + '\n';
}
