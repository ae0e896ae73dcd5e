/**
 * What the exporters take: stacks (folded "root;...;leaf" → value, as every ctrscope producer
 * makes them) and what their values mean. The writers (folded.ts, pprof.ts, speedscope.ts) are
 * pure: a StackProfile in, the file's bytes out.
 */

/** A pprof value type ("samples"/"count", "cpu"/"nanoseconds" ...). */
export interface ValueKind {
  type: string;
  unit: string;
}

/** A binary that frames came from, where the producer knows it. */
export interface Binary {
  file: string;
  buildId?: string;
}

export interface StackProfile {
  /** What made it: "cpu-profile", "off-cpu", "go-cpu", "collapse" ... (speedscope's profile name). */
  name: string;
  /** Folded stack, root first, frames joined by ";" → its value (in `value`'s unit). */
  stacks: Iterable<readonly [string, number]>;
  /** What a stack's number is. */
  value: ValueKind;
  /** More pprof sample types, each the value times `factor` (a CPU sample × its period = CPU ns). */
  derived?: Array<ValueKind & { factor: number }>;
  periodType?: ValueKind;
  /** Events between two samples, in periodType's unit (99 Hz sampling: 1e9/99 ns). */
  period?: number;
  durationNanos?: number;
  /** When the profile was taken (ns since the epoch). */
  timeNanos?: number;
  /** The binary a frame (not a stack's root) came from, where the producer knows it. */
  binaryOf?: (frame: string, root: string) => Binary | undefined;
}

/** CPU samples taken `hz` times a second: [samples/count, cpu/nanoseconds], period 1e9/hz ns. */
export function cpuSamples(name: string, hz: number, stacks: StackProfile['stacks'], extra: Partial<StackProfile> = {}): StackProfile {
  const period = Math.round(1e9 / hz);
  return {
    name,
    stacks,
    value: { type: 'samples', unit: 'count' },
    derived: [{ type: 'cpu', unit: 'nanoseconds', factor: period }],
    periodType: { type: 'cpu', unit: 'nanoseconds' },
    period,
    ...extra,
  };
}

/** Time blocked off CPU, in nanoseconds, by stack. */
export function offCpuTime(name: string, stacks: StackProfile['stacks'], extra: Partial<StackProfile> = {}): StackProfile {
  const ns = { type: 'time', unit: 'nanoseconds' };
  return { name, stacks, value: ns, periodType: ns, period: 1, ...extra };
}
