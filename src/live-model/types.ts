/**
 * The immutable snapshot the live view renders: everything the engine aggregated up to a moment.
 * A part is absent when no source feeds it (yet); panels then say which probe they wait for.
 */
import type { ContainerdPanelView } from '../aggregate/containerd-panel.js';
import type { ContainerdLogView } from '../aggregate/containerd-log-panel.js';
import type { StartsView } from '../aggregate/start-watch.js';
import type { HostTargets } from '../targets/discover.js';

/** The seven panels, in the order of the keys 1–7. */
export const PANEL_IDS = ['syscalls', 'sched', 'vfs', 'stacks', 'events', 'targets', 'containerd'] as const;
export type PanelId = (typeof PANEL_IDS)[number];

/** Which probe each panel is waiting for while no source feeds it. */
export const AWAITED: Record<PanelId, string> = {
  syscalls: 'live-kernel',
  sched: 'sched (/proc counters)',
  vfs: 'live-kernel',
  stacks: 'live-stacks',
  events: 'live-kernel',
  targets: 'live-kernel',
  containerd: 'grpc-latency (containerd metrics)',
};

/** How a data source (one probe, one tracer) is doing. */
export interface SourceStatus {
  id: string;
  probe: string;
  panels: PanelId[];
  /** missing: the probe or its parser is not in this build; failed: the tracer could not run. */
  state: 'missing' | 'starting' | 'running' | 'stopped' | 'failed';
  backend?: string;
  attachPoint?: string;
  pid?: number;
  message?: string;
  eventsPerSec: number;
  lost: number;
  /** Output lines the runner dropped because ctrscope fell behind. */
  droppedLines: number;
  unrecognized: number;
}

/** One syscall's rates over the latest window. Latencies in nanoseconds; null when unknown. */
export interface SyscallLine {
  syscall: string;
  callsPerSec: number;
  errorsPerSec: number;
  avgNs: number | null;
  maxNs: number | null;
  /** calls/s, oldest first, one value per probe print. */
  history: number[];
}

export interface SyscallsView {
  rows: SyscallLine[];
  callsPerSec: number;
  errorsPerSec: number;
  /** Seconds the rates are measured over. */
  windowS: number;
}

/** A counter such as context switches; perSec null and supported false when the host lacks it. */
export interface CounterLine {
  name: string;
  perSec: number | null;
  total: number | null;
  supported: boolean;
}

export interface SchedView {
  counters: CounterLine[];
  /** How many processes the counts cover (older recordings: one perf stat per process). */
  processes: number;
  /** The counters are no longer read (session stopping, replay over): these are the last figures. */
  stale?: boolean;
}

export interface HistBar {
  /** Bucket bounds in nanoseconds; high is null for the open-ended last bucket. */
  low: number;
  high: number | null;
  count: number;
}

export interface LatencyHist {
  buckets: HistBar[];
  count: number;
  p50Ns: number | null;
  p99Ns: number | null;
}

export interface VfsView {
  read: LatencyHist;
  write: LatencyHist;
  attachPoint?: string;
}

export interface StacksView {
  /** Folded stacks ("a;b;c") with their sample counts, hottest first. */
  folded: Array<[string, number]>;
  samples: number;
}

export type EventKind = 'open' | 'exec' | 'slow';

export interface EventItem {
  /** ms since the session started */
  t: number;
  kind: EventKind;
  /** null for events counted over every process of a comm (opens: live-kernel.bt keys them by comm). */
  pid: number | null;
  comm: string;
  text: string;
}

export interface EventsView {
  items: EventItem[];
  perSec: Partial<Record<EventKind, number>>;
}

/** What one target did over the latest window, merged from every source that splits by process. */
export interface TargetLine {
  pid: number;
  comm: string;
  role: 'containerd' | 'shim' | 'container' | 'other';
  /** e.g. "ctrscope/web-1" for a shim. */
  label: string;
  alive: boolean;
  syscallsPerSec: number | null;
  errorsPerSec: number | null;
  avgNs: number | null;
  /** Further per-target numbers by name (ctx-sw/s ...), from other sources. */
  metrics: Record<string, number | null>;
  /** The target's own syscall table, for drilling in. */
  syscalls: SyscallLine[];
  /** How many processes this line stands for (forks of shims that exited are grouped). */
  processes: number;
}

/** containerd's own signals (goroutines, gRPC latency, RSS): the containerd module's panel view. */
export type ContainerdView = ContainerdPanelView;
/** Container starts watched live: counts and phase percentiles (src/aggregate/start-watch.ts). */
export type { StartsView };

export interface SelfUsage {
  /** CPU of ctrscope itself and of its tracers (live ones and those that exited), percent of one core. */
  cpuPct: number;
  tracersCpuPct: number;
  /** Resident memory of ctrscope and of its live tracers, MiB (absent in older recordings). */
  rssMiB?: number;
  tracersRssMiB?: number;
}

export interface SessionInfo {
  mode: 'live' | 'replay';
  /** False when --pid/--comm/--container chose the targets: then not every shim is traced. */
  defaultTargets?: boolean;
  elapsedS: number;
  recordingTo?: string;
  replay?: { from: string; speed: number; finished: boolean };
  demo?: { started: number; failed: number; running: number };
  /** What the kernel side of the tracers is known to cost (the live probes' measured overhead). */
  kernelCost?: string;
  /** --without: the sources a person left out, with the panels they feed (which say so). */
  without?: Array<{ source: string; panels: PanelId[] }>;
  /** --otlp-endpoint: spans of the starts sent so far (src/otel/exporter.ts stats). */
  otlp?: { traces: number; spansSent: number; spansDropped: number };
}

export interface LiveSnapshot {
  /** ms since the session started */
  t: number;
  seq: number;
  session: SessionInfo;
  host: HostTargets;
  containerdVersion: string | null;
  sources: SourceStatus[];
  eventsPerSec: number;
  /** Events the kernel side lost (bpftrace's lost_events), all sources. */
  lost: number;
  /** Output lines ctrscope dropped because it fell behind, all sources. */
  droppedLines: number;
  self: SelfUsage | null;
  syscalls?: SyscallsView;
  sched?: SchedView;
  vfs?: VfsView;
  stacks?: StacksView;
  events?: EventsView;
  targets: TargetLine[];
  containerd?: ContainerdView;
  /** containerd's log: errors and warnings per second, the newest error. */
  containerdLog?: ContainerdLogView;
  starts?: StartsView;
}

/**
 * TargetLine.metrics of the targets panel's RT CPU column: what a shim's container cost the
 * runtime so far, CPU seconds of its shim processes and of the runc calls for it (summed over the
 * sources' parts: live-sources/runtime-cost.ts, sched.ts).
 */
export const RT_SHIM = 'rt-shim-s';
export const RT_RUNC = 'rt-runc-s';
