/**
 * panelLines cuts containerd's metrics answer to what the live view's containerd panel reads: on
 * two real scrapes (fixtures/containerd/metrics-{before,after}.txt.gz) the panel must come out
 * the same from the cut text as from the whole text, with the text much smaller.
 */
import { describe, expect, it } from 'vitest';
import { parseChunks } from '../../parsers/lines.js';
import { PrometheusTextParser } from '../../parsers/prometheus-text.js';
import { containerdPanelView, initialContainerdPanel, reduceContainerdPanel } from '../../src/aggregate/containerd-panel.js';
import { hasGrpcHistogram } from '../../src/aggregate/grpc-latency.js';
import { panelLines } from '../../src/session/live-sources/containerd.js';
import { fixtureBytes } from '../helpers/chunks.js';

const text = (f: string) => fixtureBytes(new URL(`../../fixtures/containerd/${f}`, import.meta.url).pathname).toString('utf8');
const panel = (before: string, after: string) => {
  const scrape = (t: string) => parseChunks(new PrometheusTextParser(), [Buffer.from(t)]);
  let s = reduceContainerdPanel(initialContainerdPanel(), { type: 'scrape', atMs: 0, scrape: scrape(before) });
  s = reduceContainerdPanel(s, { type: 'scrape', atMs: 5000, scrape: scrape(after) });
  return containerdPanelView(s);
};

const scrapeOf = (t: string) => parseChunks(new PrometheusTextParser(), [Buffer.from(t)]);

describe('panelLines', () => {
  const [a, b] = [text('metrics-before.txt.gz'), text('metrics-after.txt.gz')];

  it('gives the same panel as the whole answer', () => {
    const whole = panel(a, b);
    expect(JSON.stringify(whole)).toMatch(/Tasks\/Create/);
    expect(panel(panelLines(a), panelLines(b))).toEqual(whole);
  });

  it('keeps well under half of the text, and few of the gRPC series never called', () => {
    expect(panelLines(b).length).toBeLessThan(b.length / 2);
    const lines = (t: string) => t.split('\n').filter((l) => l.startsWith('grpc_server_handling_seconds_')).length;
    expect(lines(panelLines(b))).toBeLessThan(lines(b) / 3);
    expect(panelLines(b)).toMatch(/^go_goroutines /m);
    expect(panelLines(b)).not.toMatch(/^grpc_server_msg_sent_total/m);
  });

  it('a method never called keeps its +Inf bucket: with no calls at all the histogram is still seen as on', () => {
    // Hand-written: a quiet containerd (no scrape of a real one lacks every call).
    const quiet = [
      'grpc_server_handling_seconds_bucket{grpc_method="Get",grpc_service="containerd.services.version.v1.Version",grpc_type="unary",le="0.005"} 0',
      'grpc_server_handling_seconds_bucket{grpc_method="Get",grpc_service="containerd.services.version.v1.Version",grpc_type="unary",le="+Inf"} 0',
      'grpc_server_handling_seconds_sum{grpc_method="Get",grpc_service="containerd.services.version.v1.Version",grpc_type="unary"} 0',
      'grpc_server_handling_seconds_count{grpc_method="Get",grpc_service="containerd.services.version.v1.Version",grpc_type="unary"} 0',
      '',
    ].join('\n');
    const cut = panelLines(quiet);
    expect(cut.trim().split('\n')).toEqual([quiet.split('\n')[1]]);
    expect(hasGrpcHistogram(scrapeOf(cut))).toBe(true);
  });
});
