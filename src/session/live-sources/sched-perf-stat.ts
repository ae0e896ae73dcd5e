/**
 * The sched source's reading of perf stat output, kept for recordings made before the live view
 * read /proc (./sched.ts hands it every line that is not a /proc poll): one `perf stat -I 1000 -p PID`
 * per process (containerd from the plan, each followed shim), one run each. Each
 * run's interval rows (deltas over about a second) are summed over the processes; a counter the
 * host lacks (<not supported>: no hardware counters in a VM) stays "not supported", never 0.
 *
 *      1.000122181,9288,,context-switches,134704698,100.00,,
 *      1.000122181,<not supported>,,cache-misses,0,100.00,,
 */
import { PerfStatParser, type CounterValue } from '../../../parsers/perf-stat.js';
import type { CounterLine, SchedView } from '../../live-model/types.js';
import type { LiveSource, RunInfo, SourceOutput, TargetPart } from './types.js';

/** A process whose latest interval is older than this has stopped reporting (it exited). */
const STALE_MS = 2500;

export const LABELS: Record<string, string> = {
  'context-switches': 'context switches',
  'cpu-migrations': 'CPU migrations',
  'page-faults': 'page faults',
  'cache-misses': 'cache misses',
  'cache-references': 'cache references',
};

interface Latest {
  /** When the interval was read (session ms). */
  at: number;
  /** Its length, seconds. */
  dt: number;
  values: Map<string, CounterValue>;
}

interface RunState {
  pid: number | null;
  parser: PerfStatParser;
  /** perf's time of the last interval taken in. */
  doneT: number;
  eventsPerInterval: number;
  latest: Latest | null;
  ended: boolean;
}

export class PerfStatSchedSource implements LiveSource {
  private readonly runs = new Map<number, RunState>();
  private readonly order: string[] = [];
  private totals = new Map<string, number>();
  private unrecognized = 0;

  runStarted(run: number, _t: number, info: RunInfo): void {
    this.runs.set(run, { pid: info.pids?.[0] ?? null, parser: new PerfStatParser({ maxIntervals: 4 }), doneT: 0, eventsPerInterval: 0, latest: null, ended: false });
  }

  line(text: string, t: number, run = 0): void {
    let r = this.runs.get(run);
    if (!r) this.runStarted(run, t, {}), (r = this.runs.get(run)!);
    r.parser.line(text);
    this.take(r, t, false);
  }

  /**
   * Takes in the intervals that are complete: one followed by another, or (once a complete one
   * showed how many events an interval has) the newest when it has them all, or any at the end.
   */
  private take(r: RunState, t: number, ended: boolean): void {
    const list = r.parser.result().intervals;
    for (let i = 0; i < list.length; i++) {
      const iv = list[i]!;
      if (iv.t <= r.doneT) continue;
      const last = i === list.length - 1;
      if (last && !ended && (r.eventsPerInterval === 0 || iv.values.size < r.eventsPerInterval)) break;
      r.eventsPerInterval = Math.max(r.eventsPerInterval, iv.values.size);
      const dt = iv.t - r.doneT;
      r.doneT = iv.t;
      r.latest = { at: t, dt, values: iv.values };
      for (const [event, c] of iv.values) {
        if (!this.order.includes(event)) this.order.push(event);
        if (c.state === 'counted' && c.value !== null) this.totals.set(event, (this.totals.get(event) ?? 0) + c.value);
      }
    }
  }

  runEnded(run: number, t: number): void {
    const r = this.runs.get(run);
    if (!r) return;
    // perf prints a last, shorter interval when it stops.
    this.take(r, t, true);
    r.ended = true;
  }

  reset(): void {
    this.totals = new Map();
  }

  output(t: number): SourceOutput {
    let unrecognized = this.unrecognized;
    for (const r of this.runs.values()) unrecognized += r.parser.result().unrecognized;
    const withData = [...this.runs.values()].filter((r) => r.latest);
    let use = withData.filter((r) => t - r.latest!.at <= STALE_MS);
    const stale = use.length === 0;
    // Every perf stat has ended (the session is stopping, or a replay is over): the last figures stay, marked.
    if (stale) {
      const newest = Math.max(-Infinity, ...withData.map((r) => r.latest!.at));
      use = withData.filter((r) => newest - r.latest!.at <= STALE_MS);
    }
    // Runs that ended and no longer count are forgotten (a followed shim exited).
    for (const [run, r] of this.runs)
      if (r.ended && !use.includes(r)) {
        this.unrecognized += r.parser.result().unrecognized;
        this.runs.delete(run);
      }
    if (use.length === 0) return { eventsPerSec: 0, lost: 0, unrecognized };
    const counters: CounterLine[] = this.order.map((event) => {
      let perSec: number | null = null;
      let supported = false;
      for (const r of use) {
        const c = r.latest!.values.get(event);
        if (!c || c.state === 'not-supported') continue;
        supported = true;
        if (c.state === 'counted' && c.value !== null && r.latest!.dt > 0) perSec = (perSec ?? 0) + c.value / r.latest!.dt;
      }
      return { name: LABELS[event] ?? event, perSec, total: supported ? (this.totals.get(event) ?? 0) : null, supported };
    });
    const targets: TargetPart[] = stale
      ? []
      : use.flatMap((r) => {
          const c = r.latest!.values.get('context-switches');
          if (r.pid === null || !c || c.value === null || r.latest!.dt <= 0) return [];
          return [{ pid: r.pid, comm: '', metrics: { 'ctx-sw/s': c.value / r.latest!.dt } }];
        });
    const sched: SchedView = { counters, processes: use.length, ...(stale && { stale }) };
    return { eventsPerSec: 0, lost: 0, unrecognized, sched, targets };
  }
}
