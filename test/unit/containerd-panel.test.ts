import { describe, expect, it } from 'vitest';
import { parseChunks } from '../../parsers/lines.js';
import { PrometheusTextParser } from '../../parsers/prometheus-text.js';
import { containerdPanelView, initialContainerdPanel, reduceContainerdPanel } from '../../src/aggregate/containerd-panel.js';
import { fixtureBytes } from '../helpers/chunks.js';

const scrapeOf = (f: string) => parseChunks(new PrometheusTextParser(), [fixtureBytes(new URL(`../../fixtures/containerd/${f}`, import.meta.url).pathname)]);
const before = scrapeOf('metrics-before.txt.gz');
const after = scrapeOf('metrics-after.txt.gz');

/**
 * The gRPC calls between the two fixtures, read from their text with a regular expression (not
 * through the parser or the aggregate under test): per method, calls (grpc_server_handled_total
 * growth), failed calls by code, and mean seconds (handling_seconds_sum / _count growth).
 */
function expectedMethods() {
  const read = (f: string) => {
    const m = new Map<string, number>();
    const text = fixtureBytes(new URL(`../../fixtures/containerd/${f}`, import.meta.url).pathname).toString('utf8');
    for (const l of text.split('\n')) {
      const x = /^(grpc_server_handled_total|grpc_server_handling_seconds_sum|grpc_server_handling_seconds_count)\{(.*)\} (\S+)$/.exec(l);
      if (!x) continue;
      const label = (n: string) => new RegExp(`(?:^|,)${n}="([^"]*)"`).exec(x[2]!)?.[1] ?? '';
      m.set(`${x[1]} /${label('grpc_service')}/${label('grpc_method')} ${label('grpc_code')}`, Number(x[3]));
    }
    return m;
  };
  const [a, b] = [read('metrics-before.txt.gz'), read('metrics-after.txt.gz')];
  const out = new Map<string, { method: string; count: number; errors: number; errorsByCode: Record<string, number>; meanSeconds: number | null }>();
  for (const [k, v] of b) {
    const [name, method, code] = k.split(' ') as [string, string, string];
    const d = v - (a.get(k) ?? 0);
    if (name !== 'grpc_server_handled_total' || d <= 0) continue;
    const r = out.get(method) ?? { method, count: 0, errors: 0, errorsByCode: {}, meanSeconds: null };
    r.count += d;
    if (code !== 'OK') {
      r.errors += d;
      r.errorsByCode[code] = (r.errorsByCode[code] ?? 0) + d;
    }
    out.set(method, r);
  }
  for (const r of out.values()) {
    const n = b.get(`grpc_server_handling_seconds_count ${r.method} `)! - (a.get(`grpc_server_handling_seconds_count ${r.method} `) ?? 0);
    const sum = b.get(`grpc_server_handling_seconds_sum ${r.method} `)! - (a.get(`grpc_server_handling_seconds_sum ${r.method} `) ?? 0);
    r.meanSeconds = n > 0 ? sum / n : null;
  }
  return [...out.values()];
}
const byName = <T extends { method: string }>(xs: T[]) => [...xs].sort((p, q) => p.method.localeCompare(q.method));

describe('containerd panel reducer', () => {
  it('shows process figures from the first scrape, gRPC methods from the second', () => {
    const s1 = reduceContainerdPanel(initialContainerdPanel(), { type: 'scrape', atMs: 1_000, scrape: before });
    expect(s1.process!.rssBytes).toBeGreaterThan(0);
    expect(s1.methods).toEqual([]);
    expect(s1.cpuPercent).toBeNull();
    const s2 = reduceContainerdPanel(s1, { type: 'scrape', atMs: 6_000, scrape: after });
    const want = expectedMethods();
    expect(want.length).toBeGreaterThan(5);
    expect(byName(s2.methods).map(({ method, count, errors, errorsByCode }) => ({ method, count, errors, errorsByCode }))).toEqual(
      byName(want).map(({ method, count, errors, errorsByCode }) => ({ method, count, errors, errorsByCode })),
    );
    for (const m of s2.methods) {
      const w = want.find((x) => x.method === m.method)!;
      expect(m.meanSeconds, m.method).toBeCloseTo(w.meanSeconds!, 9);
      expect(m.p50Seconds, m.method).not.toBeNull();
      expect(m.p50Seconds!).toBeLessThanOrEqual(m.p99Seconds!);
    }
    // Most calls first.
    expect(s2.methods.map((m) => m.count)).toEqual(want.map((m) => m.count).sort((p, q) => q - p));
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
    const { createContainerdLiveSource } = await import('../../src/session/live-sources/containerd.js');
    const src = createContainerdLiveSource();
    const feed = (f: string, run: number, t: number) => {
      src.runStarted!(run, t, {});
      for (const l of fixtureBytes(new URL(`../../fixtures/containerd/${f}`, import.meta.url).pathname).toString('utf8').split('\n')) src.line(l, t, run);
      src.runEnded!(run, t);
    };
    feed('metrics-before.txt.gz', 0, 1_000);
    feed('metrics-after.txt.gz', 1, 6_000);
    const s = reduceContainerdPanel(reduceContainerdPanel(initialContainerdPanel(), { type: 'scrape', atMs: 1_000, scrape: before }), { type: 'scrape', atMs: 6_000, scrape: after });
    const view = src.output(6_000).containerd;
    expect(view).toEqual(containerdPanelView(s));
    // And those figures are the fixtures' own: calls per method over the 5 s between the polls.
    const want = expectedMethods();
    expect(want.length).toBeGreaterThan(5);
    expect(byName(view.grpc).map(({ method, count, errors, perSec }) => ({ method, count, errors, perSec }))).toEqual(
      byName(want).map(({ method, count, errors }) => ({ method, count, errors, perSec: count / 5 })),
    );
    // A failed poll (a run without lines) keeps the figures and shows an error.
    src.runStarted!(2, 7_000, {});
    src.runEnded!(2, 7_000);
    const v = src.output(7_000).containerd;
    expect(v.error).toMatch(/no metrics/);
    expect(v.rssBytes).toBe(containerdPanelView(s).rssBytes);
  });
});
