/** What every probe in the catalog declares: its parameters (zod), how to run it, how to read it. */
import type { DeltaMap } from '../parsers/bpftrace-json.js';
import type { z } from 'zod';
import type { HostTargets, Target } from '../src/targets/discover.js';
import type { TargetSelection } from '../src/targets/resolve.js';
import type { KernelFeatures } from '../src/host/features.js';

/** ctr: containerd's own client (`ctr events`, containerd's event stream). */
export type Backend = 'bpftrace' | 'perf' | 'strace' | 'pprof' | 'metrics' | 'ctr';

/** A rung of an attach-point ladder that was not used, and why. */
export interface SkippedAttach {
  attachPoint: string;
  why: string;
}

/** Which parser reads a tracer's stdout. */
export type ParserKind = 'bpftrace-json' | 'perf-stat' | 'perf-script' | 'strace' | 'strace-summary';

/** One process to start: its argv (no shell) and how its stdout is read. */
export interface TracerPlan {
  backend: Backend;
  attachPoint: string;
  skipped: SkippedAttach[];
  argv: string[];
  /** Which parser reads the tracer's output. */
  parser: ParserKind;
  /** Where the tracer writes what the parser reads (default stdout). strace writes to stderr: its -o cannot open the socket our stdout is. */
  stream?: 'stdout' | 'stderr';
  /** A line to show before starting (cost warnings). */
  warning?: string;
  /** Extra environment for the tracer. */
  env?: Record<string, string>;
  /** The next rung of an attach ladder: started when this tracer exits before it attached. */
  fallback?: TracerPlan;
  /** The processes this tracer attaches to by pid (perf stat -p): its counts belong to them. */
  pids?: number[];
  /** bpftrace maps the program prints as deltas, and how the parser adds them up. */
  deltaMaps?: Record<string, DeltaMap>;
  /** How long to wait after SIGINT for the final output (bpftrace symbolizing stacks) before SIGTERM. */
  stopGraceMs?: number;
  /**
   * The program prints "seen PID" at a process's first stack: the run then records that process's
   * executable and maps while it lives, to name the user frames bpftrace leaves raw.
   */
  recordsImages?: boolean;
}

export interface ProbeContext {
  host: HostTargets;
  selection: TargetSelection;
  /** Resolved targets at start (containerd, shims, explicit pids). */
  targets: Target[];
  /** What the kernel can do (src/host/features.ts detects it). */
  features: KernelFeatures;
  /** What plans need from /proc, cgroups, ELF files and probes/*.bt: plans do no I/O. */
  facts: ProbeFacts;
}

/**
 * Facts about the host a plan needs, gathered before planning by src/session/probe-context.ts
 * (which does the I/O), so that plan() is a pure function of its context and parameters.
 */
export interface ProbeFacts {
  /** Each --container target (by its pid): its v2 cgroup id, or null and the pids in its cgroup. */
  containers: ReadonlyArray<{ pid: number; cgroupId: number | null; pids: readonly number[] }>;
  /** The processes whose comm is one of --comm now, ctrscope's own tree left out. */
  commPids: readonly number[];
  /**
   * Every target runs a fixed-address (non-PIE) executable, the shim's binary included for
   * default targets: symbols then sit at the same addresses in every process of a binary.
   */
  fixedAddressExes: boolean;
  /** The shipped .bt programs' text, by name (probes/NAME.bt). */
  programs: Readonly<Record<string, string>>;
}

/** The JSON a one-shot run prints; probe-specific fields are added beside these. */
export interface ProbeReport {
  probe: string;
  backend: Backend;
  attachPoint: string;
  skipped: SkippedAttach[];
  durationSeconds: number;
  targets: Array<{ pid: number; comm: string; role: string }>;
  lostEvents?: number;
  /** Lines of tracer output ctrscope dropped because it fell behind (never blocking the tracer). */
  droppedLines?: number;
  warnings?: string[];
  [field: string]: unknown;
}

/** A probe in the catalog. */
export interface ProbeDefinition<P = Record<string, unknown>> {
  name: string;
  summary: string;
  backends: Backend[];
  /** Probe-specific options, validated at the boundary. */
  params: z.ZodType<P>;
  plan(ctx: ProbeContext, params: P): TracerPlan;
  /**
   * A tracer for a target that appeared while running, for backends that take a fixed pid list
   * (perf stat). Absent when the tracer follows new targets itself (bpftrace by comm, strace -f).
   */
  follow?(target: Target, ctx: ProbeContext, params: P): TracerPlan | null;
  /** Aggregated in the kernel and cheap: part of the overhead benchmark's default set. */
  inKernel: boolean;
}
