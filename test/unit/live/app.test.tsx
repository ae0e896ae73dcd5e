/** The Ink view on recorded snapshots: what a person sees, and what keys do, without a terminal. */
import { render } from 'ink-testing-library';
import { afterEach, describe, expect, it } from 'vitest';
import { App } from '../../../src/ui/App.js';
import { initialState, type Effect } from '../../../src/ui/state.js';
import { UiStore } from '../../../src/ui/store.js';
import { lastWithSyscalls, liveRecording, replaySnapshots, withoutSource } from '../../helpers/live-fixture.js';

const snap = lastWithSyscalls(replaySnapshots());
const noVfs = lastWithSyscalls(replaySnapshots(withoutSource(liveRecording(), 'vfs')));
const tick = () => new Promise((r) => setTimeout(r, 30));

function mount(cols = 100, rows = 32, shown = snap) {
  const effects: Effect[] = [];
  const store = new UiStore(initialState(cols, rows), (e) => effects.push(e));
  store.dispatch({ type: 'snapshot', snapshot: shown });
  const app = render(<App store={store} />);
  return { ...app, store, effects, frame: () => app.lastFrame() ?? '' };
}

let current: ReturnType<typeof mount> | null = null;
afterEach(() => current?.unmount());

describe('live view (ink-testing-library)', () => {
  it('shows the header, every panel, and honest waiting states', () => {
    const v = (current = mount());
    const f = v.frame();
    const cd = snap.host.containerd[0]!;
    expect(f).toContain(`containerd ${snap.containerdVersion} pid ${cd.pid}`);
    for (const title of ['1 syscalls', '2 scheduler & counters', '3 VFS latency', '4 stacks', '5 events', '6 targets', '7 containerd']) expect(f).toContain(title);
    expect(f).toContain(snap.syscalls!.rows[0]!.syscall);
    expect(f).toMatch(/context switches +[\d.]+k?\/s/);
    expect(f.split('\n').length).toBe(31);
  });

  it('says why a panel has nothing: the VFS panel of a recording without its source', () => {
    const f = (current = mount(100, 32, noVfs)).frame();
    expect(f).toContain('3 VFS latency');
    expect(f).toMatch(/^not in this recording/m);
  });

  it('opens help with ?, drills into a target with 6 and Enter, backs out with Esc', async () => {
    const v = (current = mount());
    v.stdin.write('?');
    await tick();
    expect(v.frame()).toContain('keys (Esc closes)');
    v.stdin.write('\x1b');
    await tick();
    expect(v.frame()).not.toContain('keys (Esc closes)');
    v.stdin.write('6');
    await tick();
    v.stdin.write('\r');
    await tick();
    const cd = snap.host.containerd[0]!;
    expect(v.frame()).toContain(`› pid ${cd.pid}`);
    expect(v.frame()).toContain(`containerd pid ${cd.pid}:`);
  });

  it('asks before strace and turns q into a quit effect', async () => {
    const v = (current = mount());
    v.stdin.write('s');
    await tick();
    expect(v.frame()).toMatch(/with strace for 5 s\?/);
    expect(v.frame()).toMatch(/6\.5x slower/);
    v.stdin.write('q');
    await tick();
    expect(v.effects).toEqual([{ type: 'quit' }]);
    expect(v.frame()).toContain('stopping tracers');
  });

  it('re-lays on resize, and says when the terminal is too small', async () => {
    const v = (current = mount());
    v.store.dispatch({ type: 'resize', cols: 70, rows: 20 });
    await tick();
    expect(v.frame()).toMatch(/^1 syscalls 2 sched .* 7 containerd/m);
    expect(v.frame().split('\n').length).toBe(19);
    v.store.dispatch({ type: 'resize', cols: 40, rows: 10 });
    await tick();
    expect(v.frame().replace(/\s+/g, ' ')).toMatch(/terminal is 40x10; the live view needs at least 50x14/);
  });
});

describe('keys typed faster than a read', () => {
  it('treats "6\\r" arriving in one chunk as 6 then Enter', async () => {
    const v = (current = mount());
    v.stdin.write('6\r');
    await tick();
    expect(v.frame()).toContain(`› pid ${snap.host.containerd[0]!.pid}`);
  });
});
