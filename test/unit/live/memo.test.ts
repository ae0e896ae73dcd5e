/**
 * The screen memo: a panel whose inputs did not change is not rebuilt (its line builder is not
 * even called), the memoized screen is the same as one drawn from scratch, and the flame view
 * lays out again only for a new stacks array.
 */
import { describe, expect, it, vi } from 'vitest';
import { buildFlame } from '../../../src/ui/flame.js';
import { icicleRows } from '../../../src/ui/panels/stacks.js';
import { ScreenMemo, screenLines } from '../../../src/ui/screen.js';
import { initialState, reduce, type UiKey, type UiState } from '../../../src/ui/state.js';
import { lineText } from '../../../src/ui/text.js';
import { lastWithSyscalls, replaySnapshots } from '../../helpers/live-fixture.js';
import { fixtureStacks } from '../../helpers/stacks-fixture.js';

// Counts the calls of two panels' line builders; screen.ts gets these wrapped ones.
const calls = vi.hoisted(() => ({ sched: 0, containerd: 0 }));
vi.mock('../../../src/ui/panels/sched.js', async (orig) => {
  const m = await orig<typeof import('../../../src/ui/panels/sched.js')>();
  return { ...m, schedLines: (...a: Parameters<typeof m.schedLines>) => (calls.sched++, m.schedLines(...a)) };
});
vi.mock('../../../src/ui/panels/containerd.js', async (orig) => {
  const m = await orig<typeof import('../../../src/ui/panels/containerd.js')>();
  return { ...m, containerdLines: (...a: Parameters<typeof m.containerdLines>) => (calls.containerd++, m.containerdLines(...a)) };
});

const snaps = replaySnapshots();
const last = lastWithSyscalls(snaps);
const withData = { ...last, stacks: fixtureStacks() };

const show = (s: UiState, snapshot: typeof last) => reduce(s, { type: 'snapshot', snapshot }).state;
const press = (s: UiState, ...keys: UiKey[]) => keys.reduce((x, key) => reduce(x, { type: 'key', key }).state, s);

describe('screen memo', () => {
  it('does not rebuild the sched panel when only the syscalls changed, and does when its own slice did', () => {
    expect(last.sched).toBeDefined();
    const memo = new ScreenMemo();
    const s1 = show(initialState(160, 48), withData);
    screenLines(s1, memo);
    const base = { ...calls };
    // The next snapshot: new syscall rates, the same sched object.
    const s2 = show(s1, { ...withData, seq: withData.seq + 1, syscalls: { ...withData.syscalls!, rows: withData.syscalls!.rows.slice(1) } });
    const lines = screenLines(s2, memo);
    expect(calls.sched).toBe(base.sched);
    expect(calls.containerd).toBe(base.containerd);
    expect(lines.map(lineText).join('\n')).not.toContain(`\n${withData.syscalls!.rows[0]!.syscall} `);
    // A new sched object is drawn again.
    screenLines(show(s2, { ...withData, seq: withData.seq + 2, sched: { ...withData.sched! } }), memo);
    expect(calls.sched).toBe(base.sched + 1);
    expect(calls.containerd).toBe(base.containerd);
  });

  it('hands back the same line objects for unchanged rows, so the view skips them', () => {
    const memo = new ScreenMemo();
    const s1 = show(initialState(160, 48), withData);
    const a = screenLines(s1, memo);
    // Moving the focus from syscalls to sched redraws those two panels' rows, not the header.
    const b = screenLines(press(s1, 'tab'), memo);
    expect(b.slice(0, 3)).toEqual(a.slice(0, 3));
    expect(b[0]).toBe(a[0]);
    expect(b[3]).not.toBe(a[3]);
  });

  it('draws the same screen as without a memo, through the recording and every key', () => {
    const memo = new ScreenMemo();
    let s = initialState(120, 40);
    const keys: UiKey[] = ['down', 'tab', '4', 'down', 'down', 'enter', 'right', '6', 'down', 'enter', 'escape', '5', 'down', '?', 'escape', 'p', 's', 'n'];
    let compared = 0;
    for (const [i, snap] of [...snaps, withData].entries()) {
      s = show(s, snap);
      if (keys[i]) s = press(s, keys[i]!);
      expect(screenLines(s, memo).map(lineText)).toEqual(screenLines(s).map(lineText));
      compared++;
    }
    expect(compared).toBe(snaps.length + 1);
    expect(snaps.length).toBeGreaterThan(5);
  });

  it('lays the flame view out again only for a new stacks array', () => {
    const stacks = fixtureStacks();
    const root = buildFlame(stacks.folded);
    const a = icicleRows(root, [], 80, 6);
    const b = icicleRows(root, [], 80, 6);
    expect(a.length).toBeGreaterThan(2);
    expect(b[2]).toBe(a[2]);
    const again = buildFlame([...stacks.folded]);
    expect(icicleRows(again, [], 80, 6)[2]).not.toBe(a[2]);
    expect(icicleRows(again, [], 80, 6)[2]).toEqual(a[2]);
  });
});
