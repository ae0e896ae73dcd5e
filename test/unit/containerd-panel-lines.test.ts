/**
 * panelLines cuts containerd's metrics answer to what the live view's containerd panel reads: on
 * two real scrapes (fixtures/containerd/metrics-{before,after}.txt.gz) the panel must come out
 * the same from the cut text as from the whole text, with the text much smaller.
 */
import { describe, expect, it } from 'vitest';
import { parseChunks } from '../../parsers/lines.js';
import { PrometheusTextParser } from '../../parsers/prometheus-text.js';
import { containerdPanelView, initialContainerdPanel, reduceContainerdPanel } from '../../src/aggregate/containerd-panel.js';
import { panelLines } from '../../src/session/live-sources/containerd.js';
import { fixtureBytes } from '../helpers/chunks.js';

const text = (f: string) => fixtureBytes(new URL(`../../fixtures/containerd/${f}`, import.meta.url).pathname).toString('utf8');
const panel = (before: string, after: string) => {
  const scrape = (t: string) => parseChunks(new PrometheusTextParser(), [Buffer.from(t)]);
  let s = reduceContainerdPanel(initialContainerdPanel(), { type: 'scrape', atMs: 0, scrape: scrape(before) });
  s = reduceContainerdPanel(s, { type: 'scrape', atMs: 5000, scrape: scrape(after) });
  return containerdPanelView(s);
};

describe('panelLines', () => {
  const [a, b] = [text('metrics-before.txt.gz'), text('metrics-after.txt.gz')];

  it('gives the same panel as the whole answer', () => {
    const whole = panel(a, b);
    expect(JSON.stringify(whole)).toMatch(/Tasks\/Create/);
    expect(panel(panelLines(a), panelLines(b))).toEqual(whole);
  });

  it('keeps well under half of the text', () => {
    expect(panelLines(b).length).toBeLessThan(b.length / 2);
    expect(panelLines(b)).toMatch(/^go_goroutines /m);
    expect(panelLines(b)).not.toMatch(/^grpc_server_msg_sent_total/m);
  });
});
