/**
 * The live fixture recorded with today's sources (fixtures/live/demo: one kernel program, one
 * stacks program, /proc counters, containerd's metrics; scripts/record-fixtures-live.sh) replays
 * into every panel, from one tracer run per source: nothing was restarted during the session.
 */
import { describe, expect, it } from 'vitest';
import { liveRecording, replaySnapshots } from '../../helpers/live-fixture.js';

describe('the recorded live session with one kernel program', () => {
  const rec = liveRecording();
  const snaps = replaySnapshots(rec);
  const last = snaps.at(-1)!;

  it('ran each tracer once for the whole session', () => {
    const runs = rec.entries.filter((e) => e.type === 'run' && (e.source === 'kernel' || e.source === 'stacks'));
    expect(runs.map((e) => (e as { source: string }).source).sort()).toEqual(['kernel', 'stacks']);
    expect(rec.meta.sources.map((s) => s.id).sort()).toEqual(['containerd-metrics', 'kernel', 'sched', 'stacks']);
  });

  it('fills every panel', () => {
    const s = [...snaps].reverse().find((x) => x.syscalls && x.vfs && x.sched && x.stacks && x.events && x.containerd);
    expect(s, 'a snapshot with every panel fed').toBeDefined();
    expect(s!.syscalls!.rows.length).toBeGreaterThan(5);
    expect(s!.vfs!.read.count + s!.vfs!.write.count).toBeGreaterThan(0);
    expect(s!.sched!.counters.find((c) => c.name === 'context switches')!.perSec).toBeGreaterThan(0);
    expect(s!.stacks!.samples).toBeGreaterThan(0);
    expect(s!.events!.items.some((e) => e.kind === 'open')).toBe(true);
    expect(s!.targets.some((t) => t.role === 'containerd' && (t.syscallsPerSec ?? 0) > 0)).toBe(true);
  });

  it('the demo started containers, and their shims are in the events and targets', () => {
    expect(last.session.demo!.started).toBeGreaterThan(0);
    const execs = snaps.flatMap((x) => x.events?.items ?? []).filter((e) => e.kind === 'exec');
    expect(execs.some((e) => e.text.includes('containerd-shim-runc-v2'))).toBe(true);
  });
});
