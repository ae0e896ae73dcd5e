/** What every probe in the catalog declares: its parameters (zod), how to run it, how to read it. */
import type { z } from 'zod';
import type { HostTargets, Target } from '../src/targets/discover.js';

export type Backend = 'bpftrace' | 'perf' | 'strace' | 'pprof' | 'metrics';

/** Which processes a probe looks at, after validation. */
export interface TargetSelection {
  pids: number[];
  comms: string[];
  containers: string[];
  /** True when no target flag was given: containerd plus every shim, following new shims. */
  defaultTargets: boolean;
}

/** A rung of an attach-point ladder that was not used, and why. */
export interface SkippedAttach {
  attachPoint: string;
  why: string;
}

/** One process to start: its argv (no shell) and how its stdout is read. */
export interface TracerPlan {
  backend: Backend;
  attachPoint: string;
  skipped: SkippedAttach[];
  argv: string[];
  /** Which parser reads stdout. */
  parser: 'bpftrace-json' | 'perf-stat' | 'perf-script' | 'strace';
  /** A line to show before starting (cost warnings). */
  warning?: string;
}

export interface ProbeContext {
  host: HostTargets;
  selection: TargetSelection;
  /** Resolved targets at start (containerd, shims, explicit pids). */
  targets: Target[];
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
}
