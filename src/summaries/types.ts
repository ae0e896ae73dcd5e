/** Turns what a probe's parsers gathered into the fields of its report, and draws it for people. */
import type { BpftraceResult } from '../../parsers/bpftrace-json.js';
import type { PerfStatResult } from '../../parsers/perf-stat.js';
import type { StraceResult } from '../../parsers/strace.js';
import type { StraceSummaryResult } from '../../parsers/strace-summary.js';
import type { ProbeReport } from '../../probes/types.js';
import type { FrameSymbolizer } from '../../parsers/bpftrace-stacks.js';
import type { TargetSelection } from '../targets/resolve.js';
import type { HostTargets, Target } from '../targets/discover.js';

/** perf stat of one process. failed: why its perf could not count (the process exited first ...). */
export interface PerfTarget {
  pid: number;
  comm: string;
  role: string;
  result: PerfStatResult;
  failed?: string;
}

export interface SummaryInput {
  bpftrace?: BpftraceResult;
  strace?: StraceResult;
  straceSummary?: StraceSummaryResult;
  perf?: PerfTarget[];
  host: HostTargets;
  /** Targets resolved at start (explicit pids and containers; containerd and shims by default). */
  targets?: Target[];
  /** What was asked for: with only --container, every process seen belongs to those containers. */
  selection?: TargetSelection;
  /** Names user addresses bpftrace left raw (from what the run recorded of each process). */
  symbolize?: FrameSymbolizer;
}

export interface Summary<F extends Record<string, unknown> = Record<string, unknown>> {
  /** Probe-specific report fields plus the targets seen. */
  fields(input: SummaryInput): { fields: F; targets: ProbeReport['targets']; events: number };
  /** Events so far, for the progress line (cheaper than fields() where that is costly). */
  events?(input: SummaryInput): number;
  /** Human output for a finished report. */
  render(report: ProbeReport & F): string;
  /** What --output FILE holds for this probe when it is not the report itself (folded stacks). */
  outputFile?(report: ProbeReport & F): string;
}
