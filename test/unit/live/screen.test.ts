/** The screen fills the terminal exactly, at every size, in every state. */
import { describe, expect, it } from 'vitest';
import { layout } from '../../../src/ui/layout.js';
import { screenLines } from '../../../src/ui/screen.js';
import { initialState, reduce, type UiKey, type UiState } from '../../../src/ui/state.js';
import { lineText } from '../../../src/ui/text.js';
import { plainSnapshot } from '../../../src/ui/plain.js';
import { lastWithSyscalls, replaySnapshots } from '../../helpers/live-fixture.js';
import { fixtureStacks } from '../../helpers/stacks-fixture.js';

const snap = { ...lastWithSyscalls(replaySnapshots()), stacks: fixtureStacks() };

function state(cols: number, rows: number, ...ks: UiKey[]): UiState {
  let s = reduce(initialState(cols, rows), { type: 'snapshot', snapshot: snap }).state;
  for (const key of ks) s = reduce(s, { type: 'key', key }).state;
  return s;
}

describe('screen', () => {
  it('gives every panel its rows: the columns add up to the body', () => {
    for (const [c, r] of [[80, 24], [100, 30], [160, 45], [250, 70]] as const) {
      const L = layout(c, r);
      expect(L.kind).toBe('grid');
      if (L.kind !== 'grid') continue;
      for (const col of L.columns) expect(col.panels.reduce((a, p) => a + p.height, 0)).toBe(L.body);
      expect(L.columns.reduce((a, x) => a + x.width, 0) + 1).toBe(c);
    }
  });

  it('draws rows - 1 lines of exactly cols cells at any size and with any overlay', () => {
    const sizes: Array<[number, number]> = [[50, 14], [64, 20], [79, 23], [80, 24], [97, 31], [120, 40], [200, 60]];
    const overlays: UiKey[][] = [[], ['?'], ['s'], ['4', 'down', 'down', 'enter'], ['6', 'enter']];
    for (const [c, r] of sizes)
      for (const ks of overlays) {
        const lines = screenLines(state(c, r, ...ks));
        expect(lines.length).toBe(r - 1);
        for (const l of lines) expect(lineText(l).length).toBe(c);
      }
  });

  it('draws the flame view with the selected frame named in the title', () => {
    const s = state(160, 45, '4', 'down');
    const text = screenLines(s).map(lineText).join('\n');
    const first = snap.stacks.folded[0]![0].split(';')[0]!;
    expect(text).toContain(`4 stacks`);
    expect(text).toMatch(new RegExp(`${first.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} \\d+\\.\\d%`));
  });

  it('prints a plain-text snapshot with every panel, unstyled', () => {
    const t = plainSnapshot(snap);
    expect(t).not.toMatch(/\x1b\[/);
    for (const title of ['1 syscalls', '2 scheduler', '3 VFS', '4 stacks', '5 events', '6 targets', '7 containerd']) expect(t).toContain(title);
    expect(t).toContain(snap.syscalls!.rows[0]!.syscall);
  });
});
