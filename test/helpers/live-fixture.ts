/** Plays the recorded live session in fixtures/live/ through the real engine, on a virtual clock. */
import { fileURLToPath } from 'node:url';
// (Two recordings: see fixtures/live/README.md.)
import type { LiveSnapshot } from '../../src/live-model/types.js';
import { readRecording, ReplayFeed, type Recording } from '../../src/session/replay.js';

/** A session recorded with today's sources (one kernel program, one stacks program, /proc counters). */
export const LIVE_FIXTURE = fileURLToPath(new URL('../../fixtures/live/demo', import.meta.url));
/** An older session: one tracer per probe (rotated), perf stat per process. Replays must still read it. */
export const PER_PROBE_FIXTURE = fileURLToPath(new URL('../../fixtures/live/per-probe', import.meta.url));

export function liveRecording(dir = LIVE_FIXTURE): Recording {
  return readRecording(dir);
}

/** Snapshots every `stepMs` of recorded time, to the end of the recording. */
export function replaySnapshots(rec: Recording = liveRecording(), stepMs = 500): LiveSnapshot[] {
  const feed = new ReplayFeed(rec, 1);
  const out: LiveSnapshot[] = [];
  for (let t = stepMs; ; t += stepMs) {
    feed.advanceTo(t);
    out.push(feed.engine.snapshot());
    if (feed.finished && t >= rec.durationMs) break;
  }
  return out;
}

/** The last snapshot that has syscall rates. */
export function lastWithSyscalls(snaps: LiveSnapshot[]): LiveSnapshot {
  const s = [...snaps].reverse().find((x) => x.syscalls && x.syscalls.rows.length > 0);
  if (!s) throw new Error('the fixture has no syscall rates');
  return s;
}

/** The recording as if a source had not run: its header entry and its output removed. */
export function withoutSource(rec: Recording, id: string): Recording {
  return {
    ...rec,
    meta: { ...rec.meta, sources: rec.meta.sources.filter((s) => s.id !== id) },
    entries: rec.entries.filter((e) => !('source' in e) || e.source !== id),
  };
}
