/** The Ink view on recorded snapshots: what a person sees, and what keys do, without a terminal. */
import { render } from 'ink-testing-library';
import { afterEach, describe, expect, it } from 'vitest';
import { App } from '../../../src/ui/App.js';
import { initialState, type Effect } from '../../../src/ui/state.js';
import { UiStore } from '../../../src/ui/store.js';
import { lastWithSyscalls, liveRecording, replaySnapshots, withoutSource, PER_PROBE_FIXTURE } from '../../helpers/live-fixture.js';

const snap = lastWithSyscalls(replaySnapshots());
const noVfs = lastWithSyscalls(replaySnapshots(withoutSource(liveRecording(PER_PROBE_FIXTURE), 'vfs')));

/** Waits for the frame itself: polls the last one until it matches, or fails with it after 5 s. */
async function frameWhere(v: { frame: () => string }, ok: (f: string) => boolean): Promise<string> {
  const deadline = Date.now() + 5000;
  for (;;) {
    const f = v.frame();
    if (ok(f)) return f;
    if (Date.now() > deadline) throw new Error(`no such frame within 5 s; the last one:\n${f}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}
const showing = (v: { frame: () => string }, re: RegExp | string) => frameWhere(v, (f) => (typeof re === 'string' ? f.includes(re) : re.test(f)));
const gone = (v: { frame: () => string }, text: string) => frameWhere(v, (f) => !f.includes(text));

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
    await showing(v, 'keys (Esc closes)');
    v.stdin.write('\x1b');
    await gone(v, 'keys (Esc closes)');
    // Focus moves without a visible change here (no colours): Enter right after it.
    v.stdin.write('6');
    v.stdin.write('\r');
    const cd = snap.host.containerd[0]!;
    const f = await showing(v, `› pid ${cd.pid}`);
    expect(f).toContain(`containerd pid ${cd.pid}:`);
  });

  it('asks before strace and turns q into a quit effect', async () => {
    const v = (current = mount());
    v.stdin.write('s');
    expect(await showing(v, /with strace for 5 s\?/)).toMatch(/6\.5x slower/);
    v.stdin.write('q');
    await showing(v, 'stopping tracers');
    expect(v.effects).toEqual([{ type: 'quit' }]);
  });

  it('re-lays on resize, and says when the terminal is too small', async () => {
    const v = (current = mount());
    v.store.dispatch({ type: 'resize', cols: 70, rows: 20 });
    const narrow = await showing(v, /^1 syscalls 2 sched .* 7 containerd/m);
    expect(narrow.split('\n').length).toBe(19);
    v.store.dispatch({ type: 'resize', cols: 40, rows: 10 });
    await frameWhere(v, (f) => /terminal is 40x10; the live view needs at least 50x14/.test(f.replace(/\s+/g, ' ')));
  });
});

describe('keys typed faster than a read', () => {
  it('treats "6\\r" arriving in one chunk as 6 then Enter', async () => {
    const v = (current = mount());
    v.stdin.write('6\r');
    await showing(v, `› pid ${snap.host.containerd[0]!.pid}`);
  });
});
