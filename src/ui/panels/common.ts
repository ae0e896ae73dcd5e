/** Pieces every panel uses: its title line and what it says while its data source is not there. */
import { AWAITED, PANEL_IDS, type LiveSnapshot, type PanelId } from '../../live-model/types.js';
import { seg, type Line } from '../text.js';

export const TITLES: Record<PanelId, string> = {
  syscalls: 'syscalls',
  sched: 'scheduler & counters',
  vfs: 'VFS latency',
  stacks: 'stacks',
  events: 'events',
  targets: 'targets',
  containerd: 'containerd',
};

/** Short names for the tab bar of the narrow layout. */
export const SHORT: Record<PanelId, string> = {
  syscalls: 'syscalls',
  sched: 'sched',
  vfs: 'vfs',
  stacks: 'stacks',
  events: 'events',
  targets: 'targets',
  containerd: 'containerd',
};

export function titleLine(id: PanelId, focused: boolean, extra = ''): Line {
  const n = PANEL_IDS.indexOf(id) + 1;
  const head = ` ${n} ${TITLES[id]} `;
  return [
    seg(head, focused ? { inverse: true, bold: true, color: 'cyan' } : { bold: true }),
    seg(extra ? ` ${extra}` : '', { dim: true }),
  ];
}

/** Why a panel has no data: its source's state, or the probe it waits for. Never invents numbers. */
export function waitingLines(snap: LiveSnapshot | null, id: PanelId): Line[] {
  const feeding = snap?.sources.filter((s) => s.panels.includes(id)) ?? [];
  const leftOut = (snap?.session.without ?? []).filter((w) => w.panels.includes(id)).map((w) => w.source);
  if (feeding.length === 0 && leftOut.length) return [[seg(`left out: --without ${leftOut.join(',')}`, { dim: true })]];
  if (feeding.length === 0) return [[seg(`waiting for probe ${AWAITED[id]}`, { dim: true })], [seg('(not in this build yet)', { dim: true })]];
  return feeding.map((s) => {
    switch (s.state) {
      case 'missing':
        return [seg(s.message ?? `waiting for probe ${s.probe}`, { dim: true })];
      case 'failed':
        return [seg(`${s.probe}: ${s.message ?? 'failed'}`, { color: 'red' })];
      case 'stopped':
        return [seg(`${s.probe}: stopped`, { dim: true })];
      default:
        return [seg(`${s.probe}: starting ${s.backend ?? ''}… (first numbers after two prints)`, { dim: true })];
    }
  });
}
