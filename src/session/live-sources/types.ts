/**
 * A live data source: one probe from probes/ whose tracer output is read line by line and turned
 * into its part of the snapshot. Adding a panel's data is one module implementing LiveSourceDef,
 * listed in ./index.ts.
 */
import type { HostTargets } from '../../targets/discover.js';
import type { ContainerdLogView } from '../../aggregate/containerd-log-panel.js';
import type { FrameSymbolizer } from '../../../parsers/bpftrace-stacks.js';
import type { ContainerdView, EventItem, StartsView, EventKind, PanelId, SchedView, StacksView, SyscallLine, SyscallsView, TargetLine, VfsView } from '../../live-model/types.js';

/** Per-target numbers a source adds to the targets panel. */
export type TargetPart = Pick<TargetLine, 'pid' | 'comm'> & Partial<Pick<TargetLine, 'syscallsPerSec' | 'errorsPerSec' | 'avgNs'>> & {
  metrics?: Record<string, number | null>;
  syscalls?: SyscallLine[];
};

/** What a source contributes to a snapshot. */
export interface SourceOutput {
  eventsPerSec: number;
  lost: number;
  unrecognized: number;
  syscalls?: SyscallsView;
  sched?: SchedView;
  vfs?: VfsView;
  stacks?: StacksView;
  /** Recent events, newest last, at most EVENTS_KEPT (see live.ts). */
  events?: EventItem[];
  /** Events a second by kind, counted over everything seen (not only the kept ones). */
  eventRates?: Partial<Record<EventKind, number>>;
  targets?: TargetPart[];
  containerd?: ContainerdView;
  containerdLog?: ContainerdLogView;
  starts?: StartsView;
}

/** What is known about one run of a source: a tracer process, or one poll. */
export interface RunInfo {
  /** The processes a per-pid tracer (perf stat -p) is attached to. */
  pids?: number[];
  attachPoint?: string;
}

/**
 * The running state of a source. Pure: fed lines with their time and run, asked for output.
 * A source usually has one run (its tracer); rotated tracers, followed targets and polls have many.
 */
export interface LiveSource {
  /** One stdout line of a run, at t ms since the session started. Never throws. */
  line(text: string, t: number, run: number): void;
  /** A run started (tracer spawned, poll sent). */
  runStarted?(run: number, t: number, info: RunInfo): void;
  /** A run's output is complete (tracer exited, poll answered). */
  runEnded?(run: number, t: number): void;
  /** One stdout line of another source this one reads (LiveSourceDef.reads), at t. Never throws. */
  peerLine?(from: string, text: string, t: number): void;
  /** Forget what was seen so far: rates, histories and totals start again from t. */
  reset(t: number): void;
  output(t: number, host: HostTargets): SourceOutput;
}

/**
 * What naming a stack's raw user frames needs, read while the processes run (src/host/
 * process-images.ts; live sessions only: a replay's processes are long gone).
 */
export interface StackImages {
  /** One stdout line of the stacks probe: "seen PID" and "exec PID FILE" read that process now. */
  line(text: string): void;
  /** A print's @execs ([pid] → file): processes not read while they ran are named from their file. */
  execsPrinted(value: unknown): void;
  /** A print's @announce ([pid] → 1): processes first sampled since the last one, read now. */
  announced(value: unknown): void;
  /** Names the raw addresses of the stacks printed now, from what was read. */
  symbolizer(): FrameSymbolizer;
  /** A stacks print was folded: processes not announced for a few prints are forgotten. */
  printed(): void;
}

/** What a source may need to know about the host the data comes from (for replays: the recorded one). */
export interface SourceContext {
  /** Node's process.arch of the traced host: syscall numbers differ between architectures. */
  arch: string;
  /** Wall clock at the session's start, ms since the epoch (a replay: the recorded start). */
  startedAtMs?: number;
  /** Live sessions: reads the stacks' processes while they run, so their frames can be named. */
  stackImages?: () => StackImages;
}

export interface LiveSourceDef {
  /** Names the source in recordings: keep stable. */
  id: string;
  /** The probe in probes/ whose plan starts the tracer (for a poll source: what it reads). */
  probe: string;
  panels: PanelId[];
  params?: Record<string, unknown>;
  /** Extra environment for the tracer (added to the plan's). */
  env?: Record<string, string>;
  create(ctx: SourceContext): LiveSource;
  /** Other sources whose stdout lines this one also reads (peerLine), by id: no tracer of its own for them. */
  reads?: string[];
  /**
   * True for a stdout line that says a target started or exited (live-kernel.bt's target-exec and
   * target-exit): the session then looks at /proc again instead of scanning it on every tick.
   */
  targetsChanged?(line: string): boolean;
  /** Not a tracer: fetch a text every everyMs; each answer is one run. */
  poll?: {
    everyMs: number;
    fetch(host: HostTargets): Promise<string>;
    /** What the status bar names as its backend (default "metrics"). */
    backend?: string;
    /** What it reads, for the status bar and serve's probe info (e.g. the gRPC method). */
    attachPoint?: string;
    /** Ends what fetch keeps open (a followed log's child process), when the session stops. */
    stop?(): Promise<void>;
  };
}
