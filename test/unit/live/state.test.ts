/** The live view's reducer, driven by snapshots replayed from a real recording; nothing is rendered. */
import { describe, expect, it } from 'vitest';
import type { LiveSnapshot } from '../../../src/live-model/types.js';
import { buildFlame, nodeAt } from '../../../src/ui/flame.js';
import { initialState, reduce, type Effect, type UiAction, type UiKey, type UiState } from '../../../src/ui/state.js';
import { lastWithSyscalls, replaySnapshots } from '../../helpers/live-fixture.js';
import { fixtureStacks } from '../../helpers/stacks-fixture.js';

function run(s: UiState, ...actions: UiAction[]): { state: UiState; effects: Effect[] } {
  const effects: Effect[] = [];
  for (const a of actions) {
    const r = reduce(s, a);
    s = r.state;
    effects.push(...r.effects);
  }
  return { state: s, effects };
}
const keys = (...ks: UiKey[]): UiAction[] => ks.map((key) => ({ type: 'key', key }));

const snaps = replaySnapshots();
const snap = lastWithSyscalls(snaps);
const withSnap = run(initialState(120, 40), { type: 'snapshot', snapshot: snap }).state;

describe('live view reducer', () => {
  it('focuses panels with Tab, Shift-Tab and 1–7', () => {
    expect(run(withSnap, ...keys('tab')).state.focus).toBe('sched');
    expect(run(withSnap, ...keys('shift-tab')).state.focus).toBe('containerd');
    expect(run(withSnap, ...keys('6')).state.focus).toBe('targets');
    expect(run(withSnap, ...keys('4', 'tab', 'tab', 'tab', 'tab')).state.focus).toBe('syscalls');
  });

  it('selects syscalls by name, so the selection stays on the row while rates reorder', () => {
    const rows = snap.syscalls!.rows;
    const s = run(withSnap, ...keys('down', 'down')).state;
    expect(s.selSyscall).toBe(rows[1]!.syscall);
    expect(run(s, ...keys('up', 'up', 'up')).state.selSyscall).toBe(rows[0]!.syscall);
    const later = snaps.filter((x) => x.syscalls?.rows.some((r) => r.syscall === rows[1]!.syscall));
    expect(run(s, { type: 'snapshot', snapshot: later[0]! }).state.selSyscall).toBe(rows[1]!.syscall);
  });

  it('drills into the selected target with Enter and backs out with Esc', () => {
    const targets = snap.targets.filter((t) => t.pid > 0);
    const s = run(withSnap, ...keys('6', 'down', 'down', 'enter')).state;
    expect(s.drill).toBe(targets[Math.min(1, targets.length - 1)]!.pid);
    expect(run(s, ...keys('escape')).state.drill).toBeNull();
  });

  it('pauses: the shown snapshot stays while new ones arrive, and resuming shows the latest', () => {
    const [a, b] = [snaps[1]!, snaps[2]!];
    let s = run(initialState(), { type: 'snapshot', snapshot: a }, ...keys('p'), { type: 'snapshot', snapshot: b }).state;
    expect(s.paused).toBe(true);
    expect(s.shown).toBe(a);
    s = run(s, ...keys('p')).state;
    expect(s.shown).toBe(b);
  });

  it('asks before strace, names the target, and runs it only after y', () => {
    const containerd = snap.targets.find((t) => t.role === 'containerd')!;
    let r = run(withSnap, ...keys('s'));
    expect(r.effects).toEqual([]);
    expect(r.state.overlay).toEqual({ kind: 'confirm-strace', pid: containerd.pid, label: containerd.label });
    expect(run(r.state, ...keys('n')).effects).toEqual([]);
    expect(run(r.state, ...keys('escape')).state.overlay).toBeNull();
    r = run(r.state, ...keys('y'));
    expect(r.effects).toEqual([{ type: 'strace', pid: containerd.pid, label: containerd.label }]);
    expect(r.state.strace?.state).toBe('running');
  });

  it('closes the strace result with Esc before backing out of a zoom or drill-in', () => {
    let s = run(withSnap, ...keys('6', 'enter', 's', 'y')).state;
    s = run(s, { type: 'strace', view: { pid: 1, label: 'x', state: 'done', lines: ['table'] } }).state;
    s = run(s, ...keys('escape')).state;
    expect(s.strace).toBeNull();
    expect(s.drill).not.toBeNull();
    expect(run(s, ...keys('escape')).state.drill).toBeNull();
  });

  it('quits once, from anywhere, with q or Ctrl-C', () => {
    expect(run(withSnap, ...keys('?', 'q')).effects).toEqual([{ type: 'quit' }]);
    expect(run(withSnap, ...keys('s', 'ctrl-c', 'q', 'y')).effects).toEqual([{ type: 'quit' }]);
  });

  it('asks for reset and export as effects, and toggles help', () => {
    expect(run(withSnap, ...keys('r')).effects).toEqual([{ type: 'reset' }]);
    expect(run(withSnap, ...keys('e')).effects).toEqual([{ type: 'export' }]);
    const h = run(withSnap, ...keys('?')).state;
    expect(h.overlay).toEqual({ kind: 'help' });
    expect(run(h, ...keys('1')).state.focus).toBe('syscalls');
    expect(run(h, ...keys('?')).state.overlay).toBeNull();
  });

  it('records resizes', () => {
    expect(run(withSnap, { type: 'resize', cols: 70, rows: 20 }).state).toMatchObject({ cols: 70, rows: 20 });
  });

  it('moves through the flame view and zooms into a frame (real containerd stacks)', () => {
    const stacks = fixtureStacks();
    const s0 = run(initialState(), { type: 'snapshot', snapshot: { ...snap, stacks } as LiveSnapshot }, ...keys('4')).state;
    const root = buildFlame(stacks.folded);
    let s = run(s0, ...keys('down')).state;
    expect(s.flameSel).toEqual([root.children[0]!.name]);
    s = run(s, ...keys('down', 'down')).state;
    expect(s.flameSel.length).toBe(3);
    const deep = nodeAt(root, s.flameSel).node;
    s = run(s, ...keys('enter')).state;
    expect(s.flameZoom).toEqual(s.flameSel);
    // Up never leaves the zoomed frame; Esc zooms out one level.
    expect(run(s, ...keys('up', 'up')).state.flameSel).toEqual(s.flameZoom);
    expect(run(s, ...keys('escape')).state.flameZoom.length).toBe(2);
    if (root.children.length > 1) expect(run(s0, ...keys('down', 'right')).state.flameSel).toEqual([root.children[1]!.name]);
    expect(deep.value).toBeGreaterThan(0);
  });
});
