import type { CounterValue } from '../../parsers/perf-stat.js';
import { SCHED_EVENTS } from '../../probes/sched.js';
import { fmtInt, renderTable } from '../output/table.js';
import { targetsSeen } from './common.js';
import type { PerfTarget, Summary } from './types.js';

/** A counter: a number, or null when perf could not count it (not supported here, not counted). */
export type Counters = Record<string, number | null>;

export interface SchedFields extends Record<string, unknown> {
  /** Summed over the targets perf counted. */
  counters: Counters;
  /** Events this host cannot count (perf said <not supported>): null above, never 0. */
  unsupported: string[];
  /** ran: false when the process never ran on a CPU while attached (perf: <not counted> for software events, i.e. 0). */
  perTarget: Array<{ pid: number; comm: string; role: string; counters: Counters; ran: boolean; failed?: string }>;
}

/** Kernel software events: a per-task one that is <not counted> was enabled while the task never ran, so its count is 0. */
const SOFTWARE = new Set(['context-switches', 'cpu-migrations', 'page-faults']);

/** Pure: per-target perf results → counters, the unsupported list, and totals. */
export function schedCounters(perf: PerfTarget[]): SchedFields {
  const unsupported = new Set<string>();
  const counted = new Set<string>();
  const totals: Record<string, number> = {};
  const perTarget = perf.map((p) => {
    const counters: Counters = {};
    let ran = false;
    for (const name of SCHED_EVENTS) {
      const v: CounterValue | undefined = p.result?.events.get(name);
      if (v?.state === 'counted') ran = true;
      if (v?.state === 'not-counted' && SOFTWARE.has(name)) {
        counters[name] = 0;
        counted.add(name);
        totals[name] = totals[name] ?? 0;
        continue;
      }
      if (!v || v.state !== 'counted' || v.value === null) {
        counters[name] = null;
        if (v?.state === 'not-supported') unsupported.add(name);
        continue;
      }
      counters[name] = v.value;
      counted.add(name);
      totals[name] = (totals[name] ?? 0) + v.value;
    }
    return { pid: p.pid, comm: p.comm, role: p.role, counters, ran, ...(p.failed ? { failed: p.failed } : {}) };
  });
  const counters: Counters = {};
  for (const name of SCHED_EVENTS) counters[name] = counted.has(name) ? totals[name]! : null;
  return { counters, unsupported: SCHED_EVENTS.filter((n) => unsupported.has(n) && !counted.has(n)), perTarget };
}

const cell = (v: number | null, unsupported: boolean) => (v === null ? (unsupported ? 'n/s' : '-') : fmtInt(v));

export const schedSummary: Summary<SchedFields> = {
  fields({ perf = [], host, targets: start, selection }) {
    const f = schedCounters(perf);
    const targets = targetsSeen(host, perf.filter((p) => !p.failed), start, selection);
    const events = Object.values(f.counters).reduce<number>((a, v) => a + (v ?? 0), 0);
    return { fields: f, targets, events };
  },
  events({ perf = [] }) {
    let n = 0;
    for (const p of perf) for (const name of SCHED_EVENTS) n += p.result?.events.get(name)?.value ?? 0;
    return n;
  },
  render(r) {
    const secs = r.durationSeconds || 1;
    const uns = new Set(r.unsupported);
    const head =
      `sched: ${r.perTarget.filter((t) => !t.failed).length} processes counted for ${r.durationSeconds.toFixed(1)} s, backend ${r.backend} (${r.attachPoint})\n` +
      (r.unsupported.length ? `not supported on this host (no hardware counters): ${r.unsupported.join(', ')}\n` : '') +
      '\n';
    const totals = renderTable(
      SCHED_EVENTS.map((n) => [n, r.counters[n] ?? null] as const),
      [
        { title: 'COUNTER', get: ([n]) => n, align: 'left' },
        { title: 'TOTAL', get: ([n, v]) => (v === null ? (uns.has(n) ? 'not supported' : 'not counted') : fmtInt(v)) },
        { title: 'PER_SEC', get: ([, v]) => (v === null ? '-' : (v / secs).toFixed(1)) },
      ],
    );
    const rows = r.perTarget.filter((t) => !t.failed).sort((a, b) => (b.counters['context-switches'] ?? 0) - (a.counters['context-switches'] ?? 0));
    const per = renderTable(rows.slice(0, 20), [
      { title: 'PID', get: (t) => String(t.pid) },
      { title: 'COMM', get: (t) => t.comm, align: 'left' },
      { title: 'ROLE', get: (t) => t.role, align: 'left' },
      ...SCHED_EVENTS.map((n) => ({ title: n.toUpperCase(), get: (t: (typeof rows)[number]) => cell(t.counters[n] ?? null, uns.has(n)) })),
    ]);
    const failed = r.perTarget.length - rows.length;
    return `${head}${totals}\nper target${rows.length > 20 ? ' (busiest 20)' : ''}:\n${per}${failed ? `(${failed} targets exited before perf attached)\n` : ''}`;
  },
};
