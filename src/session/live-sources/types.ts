/**
 * A live data source: one probe from probes/ whose tracer output is read line by line and turned
 * into its part of the snapshot. Adding a panel's data is one module implementing LiveSourceDef,
 * listed in ./index.ts.
 */
import type { HostTargets } from '../../targets/discover.js';
import type { EventItem, EventKind, PanelId, SchedView, StacksView, SyscallLine, SyscallsView, TargetLine, VfsView } from '../live-types.js';

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
}

/** The running state of a source. Pure: fed lines with their time, asked for output. */
export interface LiveSource {
  /** One stdout line of the tracer, at t ms since the session started. Never throws. */
  line(text: string, t: number): void;
  /** Forget what was seen so far: rates, histories and totals start again from t. */
  reset(t: number): void;
  output(t: number, host: HostTargets): SourceOutput;
}

/** What a source may need to know about the host the data comes from (for replays: the recorded one). */
export interface SourceContext {
  /** Node's process.arch of the traced host: syscall numbers differ between architectures. */
  arch: string;
}

export interface LiveSourceDef {
  /** Names the source in recordings: keep stable. */
  id: string;
  /** The probe in probes/ whose plan starts the tracer. */
  probe: string;
  panels: PanelId[];
  params?: Record<string, unknown>;
  /** Extra environment for the tracer. */
  env?: Record<string, string>;
  create(ctx: SourceContext): LiveSource;
}
