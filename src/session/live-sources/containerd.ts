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
 * families, without the series of gRPC methods never called. A handled-call counter that is 0
 * adds nothing to a rate (an absent series counts as 0: grpc-latency.ts `grow`); a method whose
 * handling-seconds _count is 0 keeps only its +Inf bucket (so the panel still knows the histogram
 * is on), not its other buckets and _sum, all 0 (a method called since is then compared with 0,
 * as it was). Of 1,825 panel lines in a scrape under a start loop, 1,454 are such zeros. Pure.
 */
export function panelLines(text: string): string {
  const lines = text.split('\n');
  // Label sets ("grpc_method=...,grpc_type=...") of the methods whose histogram counted nothing.
  const idle = new Set<string>();
  for (const l of lines) {
    if (l.startsWith('grpc_server_handling_seconds_count{') && l.endsWith('} 0')) idle.add(l.slice(35, -3));
  }
  const out: string[] = [];
  for (const l of lines) {
    if (!PANEL_FAMILIES.test(l)) continue;
    if (l.startsWith('grpc_server_')) {
      if (l.startsWith('grpc_server_handled_total') && l.endsWith(' 0')) continue;
      if (idle.size > 0 && l.startsWith('grpc_server_handling_seconds_') && l.endsWith(' 0') && idle.has(seriesLabels(l)) && !l.includes('le="+Inf"')) continue;
    }
    out.push(l);
  }
  return out.length ? out.join('\n') + '\n' : '';
}

/** The labels of a handling-seconds line without its le: the same text for its buckets, _sum and _count. */
function seriesLabels(l: string): string {
  const open = l.indexOf('{');
  const le = l.indexOf(',le="', open);
  return l.slice(open + 1, le >= 0 ? le : l.indexOf('}', open));
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
