import { foldStackMap, foldedText } from '../../parsers/bpftrace-stacks.js';
import { fmtInt, renderTable } from '../output/table.js';
import { mapScalar, mapValue, targetsSeen } from './common.js';
import type { Summary, SummaryInput } from './types.js';

export interface StackFields extends Record<string, unknown> {
  /** cpu-profile: samples on target threads; off-cpu: blocking waits that ended while attached. */
  samples: number;
  /** What a stack's value counts: "samples" (99 Hz) or "ns" (time blocked). */
  unit: 'samples' | 'ns';
  /** Sum of the stacks' values (samples, or ns blocked). */
  total: number;
  /** Folded stacks ("comm;user frames root→leaf;kernel frames root→leaf"), largest first. */
  stacks: Array<{ stack: string; value: number }>;
}

/** The stack map folded; pure. */
export function foldedStacks(input: SummaryInput, map: string): { stacks: Array<{ stack: string; value: number }>; total: number } {
  const f = foldStackMap(mapValue(input.bpftrace, map), ['kstack', 'ustack', 'text']);
  const stacks = [...f.stacks].map(([stack, value]) => ({ stack, value })).sort((a, b) => b.value - a.value || (a.stack < b.stack ? -1 : 1));
  return { stacks, total: f.total };
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
      const { stacks, total } = foldedStacks(input, map);
      const samples = mapScalar(input.bpftrace, counter);
      return { fields: { samples, unit, total, stacks }, targets: targetsSeen(input.host, [], input.targets, input.selection), events: samples };
    },
    events: (input) => mapScalar(input.bpftrace, counter),
    render(r) {
      const top = renderTable(r.stacks.slice(0, 15), [
        { title: unit === 'ns' ? 'MS' : 'SAMPLES', get: (s) => (unit === 'ns' ? (s.value / 1e6).toFixed(1) : fmtInt(s.value)) },
        { title: '%', get: (s) => (r.total ? ((s.value / r.total) * 100).toFixed(1) : '-') },
        { title: 'STACK (root ; … ; leaf)', get: (s) => shortStack(s.stack), align: 'left' },
      ]);
      return `${title(r)}\nbackend ${r.backend}, attached at ${r.attachPoint}; ${fmtInt(r.stacks.length)} distinct stacks (--output FILE.folded writes them all for flamegraph.pl)\n\n${top}`;
    },
    outputFile: (r) => foldedText(new Map(r.stacks.map((s) => [s.stack, s.value]))),
  };
}

export const cpuProfileSummary = stackSummary('@stacks', '@samples', 'samples', (r) => `cpu-profile: ${fmtInt(r.samples)} samples at 99 Hz in ${r.durationSeconds.toFixed(1)} s (${(r.samples / 99).toFixed(2)} CPU-seconds on target threads)`);

export const offCpuSummary = stackSummary('@offcpu_ns', '@blocks', 'ns', (r) => `off-cpu: ${fmtInt(r.samples)} blocking waits, ${(r.total / 1e9).toFixed(2)} s blocked in all (summed over threads) in ${r.durationSeconds.toFixed(1)} s`);
