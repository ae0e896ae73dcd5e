/** The container-start table: one row per phase, p50 / p99 / mean, and the total. */
import { PHASE_SPANS, type PhaseStats } from '../aggregate/start-phases.js';
import { renderTable } from '../output/table.js';

export interface StartView {
  mode: 'count' | 'watch';
  durationSeconds: number;
  started: number;
  incomplete: string[];
  phases: PhaseStats[];
}

const WHAT: Record<string, string> = { ...PHASE_SPANS, total: 'begin to first exec' };

const ms = (v: number | null) => (v === null ? '-' : (v * 1000).toFixed(2));

export function renderStarts(r: StartView): string {
  let s = `container-start: ${r.started} start(s) ${r.mode === 'watch' ? `seen in ${r.durationSeconds.toFixed(1)} s` : 'by ctrscope'}`;
  s += r.incomplete.length ? `, ${r.incomplete.length} not complete (${r.incomplete.slice(0, 3).join(', ')})\n` : '\n';
  if (r.started === 0) return s + 'no container reached its first exec\n';
  s += '\n' + renderTable(r.phases, [
    { title: 'PHASE', get: (p) => p.phase, align: 'left' },
    { title: 'N', get: (p) => String(p.n) },
    { title: 'P50_MS', get: (p) => ms(p.p50Seconds) },
    { title: 'P99_MS', get: (p) => ms(p.p99Seconds) },
    { title: 'MEAN_MS', get: (p) => ms(p.meanSeconds) },
    { title: 'SPANS', get: (p) => WHAT[p.phase] ?? '', align: 'left' },
  ]);
  return s + 'each start\'s phases add up to its total; means add up too, percentiles do not\n';
}
