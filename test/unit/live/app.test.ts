/**
 * The live view on recorded snapshots, through the real terminal frontend (Ink for keys, the line
 * writer for the screen) into a headless xterm: what a person sees, and what keys do.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { terminalFrontend, type Frontend } from '../../../src/ui/frontend.js';
import type { Effect } from '../../../src/ui/state.js';
import { lastWithSyscalls, liveRecording, replaySnapshots, withoutSource, PER_PROBE_FIXTURE } from '../../helpers/live-fixture.js';
import { FakeKeys, FakeTerminal } from '../../helpers/fake-terminal.js';

const snap = lastWithSyscalls(replaySnapshots());
const noVfs = lastWithSyscalls(replaySnapshots(withoutSource(liveRecording(PER_PROBE_FIXTURE), 'vfs')));

interface View {
  ui: Frontend;
  out: FakeTerminal;
  keys: FakeKeys;
  effects: Effect[];
  frame: () => Promise<string>;
}

let current: View | null = null;
afterEach(() => {
  current?.ui.close();
  current = null;
});

function mount(cols = 100, rows = 32, shown = snap): View {
  const out = new FakeTerminal(cols, rows);
  const keys = new FakeKeys();
  const effects: Effect[] = [];
  const ui = terminalFrontend((e) => effects.push(e), out as unknown as NodeJS.WriteStream, { stdin: keys as unknown as NodeJS.ReadStream });
  ui.show(shown);
  current = { ui, out, keys, effects, frame: async () => (await out.screen()).join('\n') };
  return current;
}

/** Waits for the screen itself: reads it until it matches, or fails with it after 5 s. */
async function frameWhere(v: View, ok: (f: string) => boolean): Promise<string> {
  const deadline = Date.now() + 5000;
  for (;;) {
    const f = await v.frame();
    if (ok(f)) return f;
    if (Date.now() > deadline) throw new Error(`no such screen within 5 s; the last one:\n${f}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}
const showing = (v: View, re: RegExp | string) => frameWhere(v, (f) => (typeof re === 'string' ? f.includes(re) : re.test(f)));
const gone = (v: View, text: string) => frameWhere(v, (f) => !f.includes(text));

describe('live view in a terminal', () => {
  it('shows the header, every panel, and honest waiting states, on every row but the last', async () => {
    const v = mount();
    const f = await showing(v, '7 containerd');
    const cd = snap.host.containerd[0]!;
    expect(f).toContain(`containerd ${snap.containerdVersion} pid ${cd.pid}`);
    for (const title of ['1 syscalls', '2 scheduler & counters', '3 VFS latency', '4 stacks', '5 events', '6 targets', '7 containerd']) expect(f).toContain(title);
    expect(f).toContain(snap.syscalls!.rows[0]!.syscall);
    expect(f).toMatch(/context switches +[\d.]+k?\/s/);
    const rows = f.split('\n');
    expect(rows).toHaveLength(32);
    expect(rows[30]).toMatch(/^ Tab\/1-7 focus/);
    expect(rows[31]).toBe('');
  });

  it('says why a panel has nothing: the VFS panel of a recording without its source', async () => {
    const f = await showing(mount(100, 32, noVfs), '3 VFS latency');
    expect(f).toMatch(/^not in this recording/m);
  });

  it('opens help with ?, drills into a target with 6 and Enter, backs out with Esc', async () => {
    const v = mount();
    await showing(v, '1 syscalls');
    v.keys.press('?');
    await showing(v, 'keys (Esc closes)');
    v.keys.press('\x1b');
    await gone(v, 'keys (Esc closes)');
    v.keys.press('6');
    v.keys.press('\r');
    const cd = snap.host.containerd[0]!;
    const f = await showing(v, `› pid ${cd.pid}`);
    expect(f).toContain(`containerd pid ${cd.pid}:`);
  });

  it('asks before strace and turns q into a quit effect', async () => {
    const v = mount();
    await showing(v, '1 syscalls');
    v.keys.press('s');
    expect(await showing(v, /with strace for 5 s\?/)).toMatch(/6\.5x slower/);
    v.keys.press('q');
    await showing(v, 'stopping tracers');
    expect(v.effects).toEqual([{ type: 'quit' }]);
  });

  it('re-lays on resize, and says when the terminal is too small', async () => {
    const v = mount();
    await showing(v, '1 syscalls');
    v.out.resize(70, 20);
    const narrow = await showing(v, /^1 syscalls 2 sched .* 7 containerd/m);
    expect(narrow.split('\n').filter((l) => l.trim()).length).toBe(19);
    v.out.resize(40, 10);
    await frameWhere(v, (f) => /terminal is 40x10; the live view needs at least 50x14/.test(f.replace(/\s+/g, ' ')));
  });

  it('writes only the rows that changed', async () => {
    const v = mount();
    await showing(v, '1 syscalls');
    const before = v.out.written.length;
    v.ui.dispatch({ type: 'key', key: 'down' });
    await new Promise((r) => setTimeout(r, 20));
    const moved = v.out.written.length - before;
    // A selection moved: a few rows rewritten, far less than a whole screen.
    expect(moved).toBeGreaterThan(0);
    expect(moved).toBeLessThan(before / 4);
  });
});

describe('keys typed faster than a read', () => {
  it('treats "6\\r" arriving in one chunk as 6 then Enter', async () => {
    const v = mount();
    await showing(v, '1 syscalls');
    v.keys.press('6\r');
    await showing(v, `› pid ${snap.host.containerd[0]!.pid}`);
  });
});
