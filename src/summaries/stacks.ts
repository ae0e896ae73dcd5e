import { foldStackMap, foldedText, splitStackKey, type StackKeyPart } from '../../parsers/bpftrace-stacks.js';
import { fmtInt, renderTable } from '../output/table.js';
import { mapScalar, mapValue, targetsSeen } from './common.js';
import type { Summary, SummaryInput } from './types.js';

/** How many user and kernel frames were named, weighted by their stack's value (samples or ns). */
export interface FrameNames extends Record<string, unknown> {
  frames: number;
  unknown: number;
  /** unknown / frames × 100 (0 with no frames). */
  unknownPercent: number;
  /** Why frames stayed "[unknown]" → their weighted count. */
  why: Record<string, number>;
}

export interface StackFields extends Record<string, unknown> {
  /** cpu-profile: samples on target threads; off-cpu: blocking waits that ended while attached. */
  samples: number;
  /** What a stack's value counts: "samples" (99 Hz) or "ns" (time blocked). */
  unit: 'samples' | 'ns';
  /** Sum of the stacks' values (samples, or ns blocked). */
  total: number;
  /** Folded stacks ("comm;user frames root→leaf;kernel frames root→leaf"), largest first. */
  stacks: Array<{ stack: string; value: number }>;
  frameNames: FrameNames;
}

const WITH_PID: readonly StackKeyPart[] = ['kstack', 'ustack', 'pid', 'text'];
const WITHOUT_PID: readonly StackKeyPart[] = ['kstack', 'ustack', 'text'];

/**
 * The key layout of a stack map: [kstack, ustack, pid, comm] as the probes print now, or
 * [kstack, ustack, comm] in captures made before they keyed by pid.
 */
export function stackLayout(value: unknown): readonly StackKeyPart[] {
  if (typeof value !== 'object' || value === null) return WITH_PID;
  for (const key of Object.keys(value)) return /^\d+$/.test(splitStackKey(key, 4)[2] ?? '') ? WITH_PID : WITHOUT_PID;
  return WITH_PID;
}

/** The stack map folded, its raw user addresses named by input.symbolize when given; pure. */
export function foldedStacks(input: SummaryInput, map: string): { stacks: Array<{ stack: string; value: number }>; total: number; frameNames: FrameNames } {
  const value = mapValue(input.bpftrace, map);
  const f = foldStackMap(value, stackLayout(value), { symbolize: input.symbolize });
  const stacks = [...f.stacks].map(([stack, value]) => ({ stack, value })).sort((a, b) => b.value - a.value || (a.stack < b.stack ? -1 : 1));
  const unknownPercent = f.frames ? (f.unknown / f.frames) * 100 : 0;
  return { stacks, total: f.total, frameNames: { frames: f.frames, unknown: f.unknown, unknownPercent, why: f.why } };
}

/** The run's note on frame names: how many stayed [unknown] and why (empty when every frame is named). */
export function frameNote(n: FrameNames): string {
  if (!n.unknown) return n.frames ? 'every frame named' : '';
  const why = Object.entries(n.why)
    .sort((a, b) => b[1] - a[1])
    .map(([w, c]) => `${w} ${((c / n.frames) * 100).toFixed(1)}%`)
    .join('; ');
  return `${n.unknownPercent.toFixed(1)}% of frames [unknown] (weighted by value)${why ? `: ${why}` : ''}`;
}

/** The last few frames of a folded stack (where the time went), with its root (the comm). */
export function shortStack(folded: string, frames = 4): string {
  const parts = folded.split(';');
  if (parts.length <= frames + 1) return parts.join(' ; ');
  return `${parts[0]} ; … ; ${parts.slice(-frames).join(' ; ')}`;
}

function stackSummary(map: string, counter: string, unit: 'samples' | 'ns', title: (r: StackFields & { durationSeconds: number }) => string): Summary<StackFields> {
  return {
    fields(input) {
      const { stacks, total, frameNames } = foldedStacks(input, map);
      const samples = mapScalar(input.bpftrace, counter);
      return { fields: { samples, unit, total, stacks, frameNames }, targets: targetsSeen(input.host, [], input.targets, input.selection), events: samples };
    },
    events: (input) => mapScalar(input.bpftrace, counter),
    render(r) {
      const top = renderTable(r.stacks.slice(0, 15), [
        { title: unit === 'ns' ? 'MS' : 'SAMPLES', get: (s) => (unit === 'ns' ? (s.value / 1e6).toFixed(1) : fmtInt(s.value)) },
        { title: '%', get: (s) => (r.total ? ((s.value / r.total) * 100).toFixed(1) : '-') },
        { title: 'STACK (root ; … ; leaf)', get: (s) => shortStack(s.stack), align: 'left' },
      ]);
      const note = r.frameNames ? frameNote(r.frameNames) : '';
      return `${title(r)}\nbackend ${r.backend}, attached at ${r.attachPoint}; ${fmtInt(r.stacks.length)} distinct stacks (--output FILE.folded writes them all for flamegraph.pl)\n${note ? `frames: ${note}\n` : ''}\n${top}`;
    },
    outputFile: (r) => foldedText(new Map(r.stacks.map((s) => [s.stack, s.value]))),
  };
}

export const cpuProfileSummary = stackSummary('@stacks', '@samples', 'samples', (r) => `cpu-profile: ${fmtInt(r.samples)} samples at 99 Hz in ${r.durationSeconds.toFixed(1)} s (${(r.samples / 99).toFixed(2)} CPU-seconds on target threads)`);

export const offCpuSummary = stackSummary('@offcpu_ns', '@blocks', 'ns', (r) => `off-cpu: ${fmtInt(r.samples)} blocking waits, ${(r.total / 1e9).toFixed(2)} s blocked in all (summed over threads) in ${r.durationSeconds.toFixed(1)} s`);
