/**
 * The live view's containerd panel as a poll source (see ./types.ts):
 * every few seconds the metrics text is fetched and cut to the families the panel reads
 * (panelLines); each answer is one run whose lines feed a Prometheus parser; at the run's end the
 * scrape goes through reduceContainerdPanel. Recordings keep that text, so a replay rebuilds the
 * same panel.
 */
import { PrometheusTextParser } from '../../../parsers/prometheus-text.js';
import type { LiveSource, LiveSourceDef, SourceOutput } from './types.js';
import { containerdPanelView, initialContainerdPanel, reduceContainerdPanel, type ContainerdPanelView } from '../../aggregate/containerd-panel.js';
import { metricsUrl } from '../../containerd/endpoints.js';
import { getUrl } from '../../containerd/http.js';

/** What this source adds to a snapshot: the panel's view beside the usual counters. */
export type ContainerdSourceOutput = SourceOutput & { containerd: ContainerdPanelView };

export function createContainerdLiveSource(): LiveSource & { output(t: number): ContainerdSourceOutput } {
  let state = initialContainerdPanel();
  let parser = new PrometheusTextParser();
  let run = -1;
  let unrecognized = 0;
  return {
    runStarted(r) {
      run = r;
      parser = new PrometheusTextParser();
    },
    line(text, _t, r) {
      if (r === run) parser.line(text);
    },
    runEnded(r, t) {
      if (r !== run) return;
      const scrape = parser.result();
      unrecognized += scrape.unrecognized;
      // A failed fetch ends its run with no line: the panel keeps its figures and shows the error.
      state = scrape.samples.size > 0 ? reduceContainerdPanel(state, { type: 'scrape', atMs: t, scrape }) : reduceContainerdPanel(state, { type: 'error', atMs: t, message: 'no metrics in the answer' });
    },
    reset() {
      state = initialContainerdPanel();
    },
    output() {
      return { eventsPerSec: 0, lost: 0, unrecognized, containerd: containerdPanelView(state) };
    },
  };
}

let url: string | undefined;

/** The metric families the panel reads (containerd-panel.ts, go-process.ts). */
const PANEL_FAMILIES = /^(grpc_server_handled_total|grpc_server_handling_seconds_(bucket|sum|count)|process_(resident_memory_bytes|cpu_seconds_total|open_fds)|go_(goroutines|threads|memstats_heap_inuse_bytes))[{ ]/;

/**
 * Keeps what the panel reads of containerd's answer (about 600 KB, most of it gRPC series): its
 * families, without the handled-call counters that are still 0 (one per method and gRPC code
 * that never happened; a counter that stays 0 adds nothing to a rate). Pure.
 */
export function panelLines(text: string): string {
  const out: string[] = [];
  for (const l of text.split('\n')) {
    if (!PANEL_FAMILIES.test(l)) continue;
    if (l.startsWith('grpc_server_handled_total') && l.endsWith(' 0')) continue;
    out.push(l);
  }
  return out.length ? out.join('\n') + '\n' : '';
}

export const containerdLiveSource: LiveSourceDef = {
  id: 'containerd-metrics',
  probe: 'grpc-latency',
  panels: ['containerd'],
  create: () => createContainerdLiveSource(),
  poll: {
    everyMs: 1000,
    async fetch() {
      try {
        url ??= metricsUrl(undefined);
        return panelLines((await getUrl(url, { timeoutMs: 5000, maxBytes: 64 * 1024 * 1024 })).toString('utf8'));
      } catch (e) {
        // containerd may have restarted with another config: look the address up again next time.
        url = undefined;
        throw e;
      }
    },
  },
};
