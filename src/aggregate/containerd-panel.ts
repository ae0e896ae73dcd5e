/**
 * The containerd panel of the live view as a pure reducer: feed it metrics scrapes (and errors)
 * as they arrive; read goroutines, RSS, CPU and gRPC latency per method over a sliding window.
 * src/containerd/panel-source.ts polls the endpoint and dispatches the actions.
 */
import type { PromScrape } from '../../parsers/prometheus-text.js';
import { cpuPercent, processStats, type ProcessStats } from './go-process.js';
import { grpcLatencyDiff, hasGrpcHistogram, type MethodLatency } from './grpc-latency.js';

export type ContainerdPanelAction =
  | { type: 'scrape'; atMs: number; scrape: PromScrape }
  | { type: 'error'; atMs: number; message: string };

export interface ContainerdPanelState {
  /** Time of the latest scrape, or 0 before the first. */
  updatedAtMs: number;
  /** The latest failure, cleared by the next good scrape. */
  error: string | null;
  process: ProcessStats | null;
  /** CPU between the last two scrapes, % of one core. */
  cpuPercent: number | null;
  /** Up to `historyLength` latest values, oldest first (for sparklines). */
  rssHistory: number[];
  goroutineHistory: number[];
  /** gRPC calls per method over the window (most calls first). */
  methods: MethodLatency[];
  /** Seconds the methods cover (0 until two scrapes). */
  windowSeconds: number;
  /** False when containerd's config lacks grpc_histogram = true (no p50/p99 then). */
  histogram: boolean;
  /** Internal: recent scrapes, reduced to the gRPC series. */
  recent: Array<{ atMs: number; scrape: PromScrape }>;
}

export interface PanelOptions {
  /** Sliding window for gRPC figures, ms. */
  windowMs: number;
  historyLength: number;
}

export const PANEL_DEFAULTS: PanelOptions = { windowMs: 10_000, historyLength: 60 };

export function initialContainerdPanel(): ContainerdPanelState {
  return { updatedAtMs: 0, error: null, process: null, cpuPercent: null, rssHistory: [], goroutineHistory: [], methods: [], windowSeconds: 0, histogram: false, recent: [] };
}

const GRPC = ['grpc_server_handled_total', 'grpc_server_handling_seconds_bucket', 'grpc_server_handling_seconds_sum'];

/** Only the series the window needs, so a minute of history stays small. */
function grpcOnly(s: PromScrape): PromScrape {
  return { samples: new Map(GRPC.filter((n) => s.samples.has(n)).map((n) => [n, s.samples.get(n)!])), types: new Map(), lines: 0, unrecognized: 0 };
}

const push = (list: number[], v: number | null, max: number) => (v === null ? list : [...list, v].slice(-max));

export function reduceContainerdPanel(state: ContainerdPanelState, action: ContainerdPanelAction, o: PanelOptions = PANEL_DEFAULTS): ContainerdPanelState {
  if (action.type === 'error') return { ...state, error: action.message };
  const proc = processStats(action.scrape);
  const prev = state.process;
  const seconds = (action.atMs - state.updatedAtMs) / 1000;
  const recent = [...state.recent, { atMs: action.atMs, scrape: grpcOnly(action.scrape) }];
  // Keep the newest scrape at least windowMs old as the window's start.
  while (recent.length > 2 && action.atMs - recent[1]!.atMs >= o.windowMs) recent.shift();
  const first = recent[0]!;
  return {
    updatedAtMs: action.atMs,
    error: null,
    process: proc,
    cpuPercent: prev && state.updatedAtMs ? cpuPercent(prev, proc, seconds) : null,
    rssHistory: push(state.rssHistory, proc.rssBytes, o.historyLength),
    goroutineHistory: push(state.goroutineHistory, proc.goroutines, o.historyLength),
    methods: recent.length > 1 ? grpcLatencyDiff(first.scrape, action.scrape) : [],
    windowSeconds: recent.length > 1 ? (action.atMs - first.atMs) / 1000 : 0,
    histogram: hasGrpcHistogram(action.scrape),
    recent,
  };
}

/** What the panel draws: the shape src/ui/panels/containerd.ts reads. */
export interface ContainerdPanelView {
  goroutines: number | null;
  rssBytes: number | null;
  threads: number | null;
  cpuPercent: number | null;
  /** Busiest methods first, over the sliding window. */
  grpc: Array<{ method: string; perSec: number; count: number; errors: number; p50Seconds: number | null; p99Seconds: number | null }>;
  histogram: boolean;
  error: string | null;
}

export function containerdPanelView(s: ContainerdPanelState): ContainerdPanelView {
  const w = s.windowSeconds;
  return {
    goroutines: s.process?.goroutines ?? null,
    rssBytes: s.process?.rssBytes ?? null,
    threads: s.process?.threads ?? null,
    cpuPercent: s.cpuPercent,
    grpc: s.methods.map((m) => ({ method: m.method, perSec: w > 0 ? m.count / w : 0, count: m.count, errors: m.errors, p50Seconds: m.p50Seconds, p99Seconds: m.p99Seconds })),
    histogram: s.histogram,
    error: s.error,
  };
}
