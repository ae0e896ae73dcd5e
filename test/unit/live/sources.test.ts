/**
 * The VFS, stacks and containerd sources on the recorded session, each checked against the raw
 * recorded output read directly here (JSON and Prometheus text), not against our own aggregates.
 */
import { describe, expect, it } from 'vitest';
import type { RecordEntry } from '../../../src/session/record-format.js';
import { ReplayFeed } from '../../../src/session/replay.js';
import { liveRecording, replaySnapshots, PER_PROBE_FIXTURE } from '../../helpers/live-fixture.js';

const rec = liveRecording(PER_PROBE_FIXTURE);
const snaps = replaySnapshots(rec);
const last = snaps.at(-1)!;

/** The JSON lines a source printed (all its runs), in order. */
function jsonLines(source: string): Array<{ type: string; data: Record<string, unknown> }> {
  const byRun = new Map<number, string>();
  for (const e of rec.entries as Array<Extract<RecordEntry, { type: 'stdout' }>>) {
    if (e.type !== 'stdout' || e.source !== source) continue;
    byRun.set(e.run ?? 0, (byRun.get(e.run ?? 0) ?? '') + e.chunk);
  }
  return [...byRun.values()].flatMap((t) => t.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l)));
}

describe('live sources on fixtures/live/demo', () => {
  it('VFS: the window holds the reads of the latest print since attach, with p50 inside its bucket', () => {
    const prints = jsonLines('vfs').filter((o) => o.type === 'hist' && '@read_ns' in o.data);
    expect(prints.length).toBeGreaterThan(1);
    const buckets = prints.at(-1)!.data['@read_ns'] as Array<{ min?: number; max?: number; count: number }>;
    const total = buckets.reduce((a, b) => a + b.count, 0);
    const vfs = last.vfs!;
    // The recording is shorter than the 10 s window: everything since attaching counts.
    expect(vfs.read.count).toBe(total);
    let seen = 0;
    const median = buckets.find((b) => (seen += b.count) >= total / 2)!;
    expect(vfs.read.p50Ns!).toBeGreaterThanOrEqual(median.min ?? 0);
    expect(vfs.read.p50Ns!).toBeLessThanOrEqual(median.max ?? Infinity);
    expect(vfs.attachPoint).toBe(rec.meta.sources.find((s) => s.id === 'vfs')!.attachPoint);
  });

  it('stacks: every sample of every stopped run is in the flame view, once', () => {
    const printed = jsonLines('stacks').filter((o) => o.type === 'map' && '@stacks' in o.data);
    expect(printed.length).toBeGreaterThan(0);
    const samples = printed.reduce((a, o) => a + Object.values(o.data['@stacks'] as Record<string, number>).reduce((x, y) => x + y, 0), 0);
    expect(last.stacks!.samples).toBe(samples);
    expect(last.stacks!.folded.reduce((a, [, n]) => a + n, 0)).toBe(samples);
  });

  it('containerd: the goroutines and RSS the metrics text says', () => {
    const text = (rec.entries as Array<Extract<RecordEntry, { type: 'stdout' }>>).filter((e) => e.type === 'stdout' && e.source === 'containerd-metrics').map((e) => e.chunk).join('');
    const gauge = (name: string) => Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(text)![1]);
    expect(last.containerd!.goroutines).toBe(gauge('go_goroutines'));
    expect(last.containerd!.rssBytes).toBe(gauge('process_resident_memory_bytes'));
  });

  it('shows a panel only once its source has data, and its state before', () => {
    const first = snaps[0]!;
    expect(first.stacks?.samples ?? 0).toBe(0);
    expect(first.sources.find((s) => s.id === 'stacks')!.backend).toBe('bpftrace');
  });
});

/** Each stdout chunk of a source with its time (chunks hold whole lines in these captures). */
function timedLines(source: string): Array<{ t: number; line: string }> {
  const out: Array<{ t: number; line: string }> = [];
  let rest = '';
  for (const e of rec.entries as Array<Extract<RecordEntry, { type: 'stdout' }>>) {
    if (e.type !== 'stdout' || e.source !== source) continue;
    const parts = (rest + e.chunk).split('\n');
    rest = parts.pop()!;
    for (const line of parts) out.push({ t: e.t, line });
  }
  return out;
}

describe('live sources on fixtures/live/demo: sched and events', () => {
  it('sched: totals and per-process rates are what perf printed; missing hardware counters stay unsupported', () => {
    // perf stat -x, rows of every run: "TIME,VALUE,,EVENT,..." (VALUE may be <not counted>).
    const rows = (rec.entries as Array<Extract<RecordEntry, { type: 'stdout' }>>)
      .filter((e) => e.type === 'stdout' && e.source === 'sched')
      .flatMap((e) => e.chunk.split('\n').filter(Boolean).map((l) => ({ t: e.t, run: e.run ?? 0, f: l.trim().split(',') })));
    const ctx = rows.filter((r) => r.f[3] === 'context-switches' && /^\d+$/.test(r.f[1]!));
    expect(ctx.length).toBeGreaterThan(1);
    const counter = (snap: typeof last, name: string) => snap.sched!.counters.find((c) => c.name === name)!;
    expect(counter(last, 'context switches').total).toBe(ctx.reduce((a, r) => a + Number(r.f[1]), 0));
    // containerd's perf (run 0): right after its second interval, its rate is that interval's
    // count over the interval's length.
    const [a, b] = ctx.filter((r) => r.run === 0).slice(0, 2) as [(typeof ctx)[0], (typeof ctx)[0]];
    const feed = new ReplayFeed(rec, 1);
    feed.advanceTo(b.t);
    const cd = feed.engine.snapshot().targets.find((x) => x.role === 'containerd')!;
    expect(cd.metrics['ctx-sw/s']).toBeCloseTo(Number(b.f[1]) / (Number(b.f[0]) - Number(a.f[0])), 6);
    const cacheRow = rows.find((r) => r.f[3] === 'cache-misses')!;
    if (cacheRow.f[1] === '<not supported>') expect(counter(last, 'cache misses')).toMatchObject({ supported: false, perSec: null, total: null });
  });

  it('file opens: the open rate is the growth of the recorded @opens between two interval prints', () => {
    const prints = timedLines('file-opens').filter(({ line }) => line.startsWith('{"type": "map", "data": {"@opens"'));
    expect(prints.length).toBeGreaterThan(2);
    const sum = (p: { line: string }) => Object.values(JSON.parse(p.line).data['@opens'] as Record<string, number>).reduce((x, y) => x + y, 0);
    // Two interval prints (the exit print at SIGINT comes last, in another order): the 1st and 2nd.
    const [a, b] = prints.slice(0, 2) as [{ t: number; line: string }, { t: number; line: string }];
    const feed = new ReplayFeed(rec, 1);
    feed.advanceTo(b.t);
    expect(feed.engine.snapshot().events!.perSec.open).toBeCloseTo((sum(b) - sum(a)) / ((b.t - a.t) / 1000), 6);
    const last = replaySnapshots(rec).at(-1)!;
    // Newest first, each naming a path the maps hold.
    const paths = Object.keys(JSON.parse(b.line).data['@opens']).map((k) => k.split(',')[0]);
    const opens = last.events!.items.filter((e) => e.kind === 'open');
    expect(opens.length).toBeGreaterThan(0);
    expect(paths.some((p) => opens[0]!.text.includes(p!))).toBe(true);
    expect(last.events!.items.map((e) => e.t)).toEqual([...last.events!.items.map((e) => e.t)].sort((x, y) => y - x));
  });

  it('process exec: every exec event names a program the @execs map holds', () => {
    const prints = timedLines('process-exec').filter(({ line }) => line.startsWith('{"type": "map", "data": {"@execs"'));
    const programs = new Set(prints.flatMap((p) => Object.keys(JSON.parse(p.line).data['@execs']).map((k) => k.slice(0, k.lastIndexOf(',')))));
    const execs = last.events!.items.filter((e) => e.kind === 'exec');
    expect(execs.length).toBeGreaterThan(0);
    for (const e of execs) expect(programs.has(e.text.replace(/ +×\d+$/, ''))).toBe(true);
  });
});
