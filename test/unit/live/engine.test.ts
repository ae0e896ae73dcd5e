/**
 * The live engine on a real recording: rates checked against the recorded bpftrace maps read
 * directly here, and the same snapshots whatever the chunk boundaries.
 */
import { describe, expect, it } from 'vitest';
import { syscallNamer } from '../../../src/host/syscalls.js';
import type { RecordEntry } from '../../../src/session/record-format.js';
import { ReplayFeed } from '../../../src/session/replay.js';
import { liveRecording, replaySnapshots, withoutSource, PER_PROBE_FIXTURE } from '../../helpers/live-fixture.js';

type Stdout = Extract<RecordEntry, { type: 'stdout' }>;

/** The @calls and @ns prints of the recording, each with the time its chunk arrived. */
function prints(entries: RecordEntry[]) {
  const out: Array<{ t: number; calls: Record<string, number> }> = [];
  let text = '';
  for (const e of entries) {
    if (e.type !== 'stdout') continue;
    text += (e as Stdout).chunk;
    let nl;
    while ((nl = text.indexOf('\n')) !== -1) {
      const line = text.slice(0, nl);
      text = text.slice(nl + 1);
      if (!line.startsWith('{')) continue;
      const o = JSON.parse(line);
      if (o.type === 'map' && o.data['@calls']) out.push({ t: e.t, calls: o.data['@calls'] });
    }
  }
  return out;
}

describe('live engine on fixtures/live/demo', () => {
  const rec = liveRecording(PER_PROBE_FIXTURE);

  it('reports the calls/s the recorded maps give between two prints', () => {
    const ps = prints(rec.entries);
    expect(ps.length).toBeGreaterThan(2);
    // Two consecutive full prints (the last one is bpftrace's exit print; take the two before it).
    const a = ps[ps.length - 3]!;
    const b = ps[ps.length - 2]!;
    const sum = (m: Record<string, number>) => Object.values(m).reduce((x, y) => x + y, 0);
    const expected = (sum(b.calls) - sum(a.calls)) / ((b.t - a.t) / 1000);
    const feed = new ReplayFeed(rec, 1);
    // Up to just before the next print group: the engine has read b's group whole.
    feed.advanceTo(ps[ps.length - 1]!.t - 1);
    const snap = feed.engine.snapshot();
    expect(snap.syscalls!.callsPerSec).toBeCloseTo(expected, 6);
    // The top syscall is the one whose count grew most between those prints.
    const nameOf = syscallNamer(rec.meta.arch);
    const growth = new Map<string, number>();
    for (const [k, v] of Object.entries(b.calls)) {
      const name = nameOf(Number(k.split(',').pop()));
      growth.set(name, (growth.get(name) ?? 0) + v - (a.calls[k] ?? 0));
    }
    const top = [...growth].sort((x, y) => y[1] - x[1])[0]!;
    expect(snap.syscalls!.rows[0]!.syscall).toBe(top[0]);
    expect(snap.syscalls!.rows[0]!.callsPerSec).toBeCloseTo(top[1] / ((b.t - a.t) / 1000), 6);
  });

  it('splits the numbers by target: containerd has its own line, and all lines add up', () => {
    const ps = prints(rec.entries);
    const a = ps[ps.length - 3]!;
    const b = ps[ps.length - 2]!;
    const feed = new ReplayFeed(rec, 1);
    feed.advanceTo(ps[ps.length - 1]!.t - 1);
    const snap = feed.engine.snapshot();
    const pid = snap.host.containerd[0]!.pid;
    const ofPid = (m: Record<string, number>) => Object.entries(m).filter(([k]) => Number(k.split(',').at(-2)) === pid).reduce((x, [, v]) => x + v, 0);
    const expected = (ofPid(b.calls) - ofPid(a.calls)) / ((b.t - a.t) / 1000);
    const containerd = snap.targets.find((t) => t.role === 'containerd')!;
    expect(containerd.pid).toBe(pid);
    expect(containerd.syscallsPerSec).toBeCloseTo(expected, 6);
    const total = snap.targets.reduce((x, t) => x + (t.syscallsPerSec ?? 0), 0);
    expect(total).toBeCloseTo(snap.syscalls!.callsPerSec, 6);
  });

  it('gives the same snapshots whatever the chunk boundaries', () => {
    const resplit: RecordEntry[] = [];
    let seed = 7;
    const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    for (const e of rec.entries) {
      if (e.type !== 'stdout') {
        resplit.push(e);
        continue;
      }
      let c = e.chunk;
      while (c.length) {
        const n = 1 + Math.floor(rand() * 300);
        resplit.push({ ...e, chunk: c.slice(0, n) });
        c = c.slice(n);
      }
    }
    const strip = (s: ReturnType<typeof replaySnapshots>) => s.map(({ seq: _seq, ...rest }) => rest);
    expect(strip(replaySnapshots({ ...rec, entries: resplit }))).toEqual(strip(replaySnapshots(rec)));
  });

  it('leaves a panel empty when nothing feeds it, and says why, never inventing its numbers', () => {
    const snap = replaySnapshots(withoutSource(rec, 'sched')).at(-1)!;
    expect(snap.sched).toBeUndefined();
    expect(snap.sources.find((s) => s.id === 'sched')).toMatchObject({ state: 'missing', message: 'not in this recording' });
    const syscalls = snap.sources.find((s) => s.id === 'syscalls')!;
    expect(syscalls.backend).toBe('bpftrace');
    expect(syscalls.attachPoint).toMatch(/raw_syscalls/);
  });

  it('reset forgets histories and rates until the next two prints', () => {
    const feed = new ReplayFeed(rec, 1);
    feed.advanceTo(rec.durationMs - 1500);
    expect(feed.engine.snapshot().syscalls!.rows[0]!.history.length).toBeGreaterThan(0);
    feed.engine.reset();
    const after = feed.engine.snapshot();
    expect(after.syscalls!.rows).toEqual([]);
    expect(after.syscalls!.callsPerSec).toBe(0);
  });
});

describe('a rotated tracer (the feed restarts syscall-count every 10 s)', () => {
  it('carries rates and histories on, and ignores what the old run prints after the new one started', () => {
    const rec = liveRecording(PER_PROBE_FIXTURE);
    const out = rec.entries.filter((e): e is Extract<RecordEntry, { type: 'stdout' }> => e.type === 'stdout' && e.source === 'syscalls');
    const span = out.at(-1)!.t + 100;
    // The same capture played twice, the second time as run 1 (hand-made composition of real
    // output); run 0's exit print arrives after run 1 started, as it does when rotating.
    const entries: RecordEntry[] = [
      ...rec.entries.filter((e) => !(e.type === 'stdout' && e.source === 'syscalls')),
      ...out.slice(0, -1).map((e) => ({ ...e, run: 0 })),
      { t: span, type: 'run', source: 'syscalls', run: 1 },
      { ...out.at(-1)!, t: span + 5, run: 0 },
      ...out.map((e) => ({ ...e, t: e.t + span, run: 1 })),
    ];
    const rotated = replaySnapshots({ ...rec, entries: entries.sort((a, b) => a.t - b.t), durationMs: 2 * span });
    const once = replaySnapshots(rec);
    const a = once.filter((s) => s.syscalls).at(-2)!.syscalls!;
    const b = rotated.filter((s) => s.syscalls).at(-2)!.syscalls!;
    // The second run's rates are the first run's (same capture), and the history kept growing.
    expect(b.callsPerSec).toBeCloseTo(a.callsPerSec, 6);
    expect(b.rows[0]!.history.length).toBeGreaterThan(a.rows[0]!.history.length);
  });
});
