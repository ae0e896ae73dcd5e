import { describe, expect, it } from 'vitest';
import { parseChunks } from '../../parsers/lines.js';
import { PrometheusTextParser } from '../../parsers/prometheus-text.js';
import { containerdPanelView, initialContainerdPanel, reduceContainerdPanel } from '../../src/aggregate/containerd-panel.js';
import { grpcLatencyDiff } from '../../src/aggregate/grpc-latency.js';
import { fixtureBytes } from '../helpers/chunks.js';

const scrapeOf = (f: string) => parseChunks(new PrometheusTextParser(), [fixtureBytes(new URL(`../../fixtures/containerd/${f}`, import.meta.url).pathname)]);
const before = scrapeOf('metrics-before.txt.gz');
const after = scrapeOf('metrics-after.txt.gz');

describe('containerd panel reducer', () => {
  it('shows process figures from the first scrape, gRPC methods from the second', () => {
    const s1 = reduceContainerdPanel(initialContainerdPanel(), { type: 'scrape', atMs: 1_000, scrape: before });
    expect(s1.process!.rssBytes).toBeGreaterThan(0);
    expect(s1.methods).toEqual([]);
    expect(s1.cpuPercent).toBeNull();
    const s2 = reduceContainerdPanel(s1, { type: 'scrape', atMs: 6_000, scrape: after });
    expect(s2.methods).toEqual(grpcLatencyDiff(before, after));
    expect(s2.windowSeconds).toBe(5);
    expect(s2.cpuPercent).not.toBeNull();
    expect(s2.rssHistory).toHaveLength(2);
    expect(s2.histogram).toBe(true);
    const v = containerdPanelView(s2);
    const create = v.grpc.find((m) => m.method === '/containerd.services.tasks.v1.Tasks/Create')!;
    expect(create.perSec).toBeCloseTo(create.count / 5, 12);
    expect(v.goroutines).toBe(s2.process!.goroutines);
  });

  it('keeps an error until the next good scrape, and the window slides', () => {
    let s = reduceContainerdPanel(initialContainerdPanel(), { type: 'scrape', atMs: 0, scrape: before });
    s = reduceContainerdPanel(s, { type: 'error', atMs: 500, message: 'cannot reach' });
    expect(s.error).toBe('cannot reach');
    expect(s.process).not.toBeNull();
    for (let t = 1_000; t <= 30_000; t += 1_000) s = reduceContainerdPanel(s, { type: 'scrape', atMs: t, scrape: after }, { windowMs: 10_000, historyLength: 5 });
    expect(s.error).toBeNull();
    expect(s.windowSeconds).toBeGreaterThanOrEqual(10);
    expect(s.windowSeconds).toBeLessThan(12);
    // Same counters across the window: no call.
    expect(s.methods).toEqual([]);
    expect(s.rssHistory).toHaveLength(5);
  });
});

describe('containerd live source (poll runs of metrics text)', () => {
  it('builds the same view from lines as the reducer from whole scrapes', async () => {
    const { createContainerdLiveSource } = await import('../../src/containerd/live-source.js');
    const src = createContainerdLiveSource();
    const feed = (f: string, run: number, t: number) => {
      src.runStarted!(run, t, {});
      for (const l of fixtureBytes(new URL(`../../fixtures/containerd/${f}`, import.meta.url).pathname).toString('utf8').split('\n')) src.line(l, t, run);
      src.runEnded!(run, t);
    };
    feed('metrics-before.txt.gz', 0, 1_000);
    feed('metrics-after.txt.gz', 1, 6_000);
    const s = reduceContainerdPanel(reduceContainerdPanel(initialContainerdPanel(), { type: 'scrape', atMs: 1_000, scrape: before }), { type: 'scrape', atMs: 6_000, scrape: after });
    expect(src.output(6_000).containerd).toEqual(containerdPanelView(s));
    // A failed poll (a run without lines) keeps the figures and shows an error.
    src.runStarted!(2, 7_000, {});
    src.runEnded!(2, 7_000);
    const v = src.output(7_000).containerd;
    expect(v.error).toMatch(/no metrics/);
    expect(v.rssBytes).toBe(containerdPanelView(s).rssBytes);
  });
});
