/**
 * The VFS, stacks and containerd sources on the recorded session, each checked against the raw
 * recorded output read directly here (JSON and Prometheus text), not against our own aggregates.
 */
import { describe, expect, it } from 'vitest';
import type { RecordEntry } from '../../../src/session/record-format.js';
import { liveRecording, replaySnapshots } from '../../helpers/live-fixture.js';

const rec = liveRecording();
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
