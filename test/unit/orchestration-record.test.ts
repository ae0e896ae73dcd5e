/**
 * "The recording is the live event": the live feed writes each event once, as a record entry that
 * drives its engine through applyEntry (src/session/replay.ts) and goes to the recording as it is.
 * An engine fed the recorded entries then shows what the live one showed; status entries carry the
 * pid and droppedLines, and old recordings (without them) still apply.
 */
import { gunzipSync } from 'node:zlib';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { LiveEngine } from '../../src/session/live.js';
import { probeContextSync } from '../../src/session/probe-context.js';
import { LiveFeed } from '../../src/session/live-feed.js';
import { containerdLiveSource, panelLines } from '../../src/session/live-sources/containerd.js';
import type { LiveSourceDef } from '../../src/session/live-sources/types.js';
import type { RecordEntry } from '../../src/session/record-format.js';
import { applyEntry, readRecording } from '../../src/session/replay.js';

const metrics = panelLines(gunzipSync(readFileSync(new URL('../../fixtures/containerd/metrics-after.txt.gz', import.meta.url))).toString('utf8'));
const host = { containerd: [], shims: [], containers: [] };

describe('applyEntry', () => {
  it("a status entry's pid and droppedLines reach the engine; an empty message clears the one shown", () => {
    const g = new LiveEngine([containerdLiveSource], { arch: 'x64' }, 'replay', () => 0);
    const id = containerdLiveSource.id;
    applyEntry(g, { t: 1, type: 'status', source: id, state: 'failed', message: 'connection refused' });
    applyEntry(g, { t: 2, type: 'status', source: id, pid: 4242, droppedLines: 17 });
    expect(g.status(id)).toMatchObject({ state: 'failed', message: 'connection refused', pid: 4242, droppedLines: 17 });
    applyEntry(g, { t: 3, type: 'status', source: id, state: 'running', message: '' });
    expect(g.status(id)?.message).toBeUndefined();
    expect(g.status(id)).toMatchObject({ state: 'running', pid: 4242, droppedLines: 17 });
  });

  it('an old recording (no pid or droppedLines in its status entries) still applies entry by entry', () => {
    const rec = readRecording(new URL('../../fixtures/live/demo', import.meta.url).pathname);
    const status = rec.entries.filter((e) => e.type === 'status');
    expect(rec.entries.length).toBeGreaterThan(0);
    const g = new LiveEngine([containerdLiveSource], { arch: rec.meta.arch }, 'replay', () => 0);
    for (const e of rec.entries) applyEntry(g, e);
    for (const e of status) expect('droppedLines' in e).toBe(false);
  });
});

/**
 * A live feed over one poll source (containerd's, answering with fetch(call number)), recording
 * into entries; resolves once fetch has been called `calls` times and the feed has stopped.
 */
async function feedPolled(calls: number, fetch: (n: number) => string) {
  let n = 0;
  let reached!: () => void;
  const enough = new Promise<void>((r) => (reached = r));
  const def: LiveSourceDef = {
    ...containerdLiveSource,
    poll: {
      everyMs: 1,
      fetch: async () => {
        n++;
        if (n === calls) reached();
        return fetch(n);
      },
    },
  };
  let t = 0;
  const now = () => (t += 5);
  const live = new LiveEngine([def], { arch: 'x64' }, 'live', now);
  const entries: RecordEntry[] = [];
  const feed = new LiveFeed(live, { write: (e) => entries.push(e), close: () => undefined }, now);
  feed.start([def], probeContextSync(host, { pids: [], comms: [], containers: [], defaultTargets: true }, []));
  await enough;
  await feed.stop();
  return { def, live, entries, t };
}

describe('the live feed writes what drives its engine', () => {
  it('an engine fed the recorded entries shows what the live engine showed', async () => {
    // Answering from a captured scrape, failing once (status failed, then running again).
    const { def, live, entries, t } = await feedPolled(3, (n) => {
      if (n === 2) throw new Error('connection refused');
      return metrics;
    });
    const replayed = new LiveEngine([def], { arch: 'x64' }, 'replay', () => t);
    replayed.setStatus(def.id, { backend: live.status(def.id)?.backend });
    for (const e of entries) applyEntry(replayed, e);
    expect(entries.map((e) => e.type)).toEqual(expect.arrayContaining(['run', 'stdout', 'end', 'status']));
    expect(entries.some((e) => e.type === 'status' && e.state === 'failed' && e.message === 'connection refused')).toBe(true);
    expect(replayed.status(def.id)).toEqual(live.status(def.id));
    const panels = (g: LiveEngine) => {
      const { sources, containerd } = g.snapshot() as unknown as Record<string, unknown>;
      return { sources, containerd };
    };
    expect(panels(live).containerd).toBeDefined();
    expect(panels(replayed)).toEqual(panels(live));
  });
});

describe('a poll that keeps failing the same way', () => {
  it('records its failure once, and again only when the message changes', async () => {
    const { entries } = await feedPolled(5, (n) => {
      throw new Error(n < 4 ? 'no log found' : 'permission denied');
    });
    const failed = entries.filter((e) => e.type === 'status' && e.state === 'failed').map((e) => (e as { message?: string }).message);
    expect(failed).toEqual(['no log found', 'permission denied']);
    expect(entries.filter((e) => e.type === 'run').length).toBeGreaterThanOrEqual(5);
  });
});
