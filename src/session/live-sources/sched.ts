/**
 * Live source for the scheduler and counters panel, from /proc: a poll every 2 s
 * (src/host/proc-counters.ts) reads every containerd and every shim of the latest discovery, short
 * lived ones too, and writes one JSON line; rates are the difference between two polls of the same
 * process (pid and start time), thread by thread for context switches and migrations:
 *
 *   {"t":1733040000123.4,"up":47948,"hw":false,"procs":[{"pid":2216,"start":6850,"comm":"containerd",
 *    "vcs":76949,"nvcs":27796,"migr":4453,"minflt":10559,"majflt":0,"utime":1017,"stime":814,
 *    "th":[[2216,21,89,2],...]}]}
 *
 * No perf runs in the live view. Cache events cannot be read from /proc: their rows say "not
 * supported" when the host has no hardware PMU (the poll's hw, from src/host/features.ts's
 * hasHardwarePmu), and carry no figure (perSec null) when it has one: `--probe sched` counts them.
 * Lines that are not a poll (recordings made when this source ran perf stat) go to
 * ./sched-perf-stat.ts, so old recordings replay as they did.
 */
import { ProcCounterParser, TICKS_PER_SEC, type ProcPoll, type ProcSample } from '../../../parsers/proc-counters.js';
import { ProcCounterReader, counterTargets } from '../../host/proc-counters.js';
import { discover } from '../../targets/discover.js';
import { SHIM_COMM } from '../../targets/names.js';
import { RT_SHIM } from '../../live-model/types.js';
import type { CounterLine, SchedView } from '../../live-model/types.js';
import { LABELS, PerfStatSchedSource } from './sched-perf-stat.js';
import type { LiveSource, LiveSourceDef, RunInfo, SourceOutput, TargetPart } from './types.js';

/** The latest poll interval is older than this: the polls stopped (session stopping, replay over). */
const STALE_MS = 2500;
/** A process not seen for this long is forgotten (then, seen again, it has no baseline). */
const FORGET_MS = 30_000;

/** What one process did between two polls. */
export interface ProcDelta {
  pid: number;
  comm: string;
  /** Context switches, voluntary and involuntary. */
  cs: number;
  migr: number;
  /** Minor and major page faults. */
  faults: number;
  /** utime + stime, clock ticks. */
  cpuTicks: number;
  /** False: first seen now, with no earlier poll to take a difference from (its figures are 0). */
  measured: boolean;
}

export interface PollDelta {
  /** Seconds between the two polls. */
  dt: number;
  procs: ProcDelta[];
  /** Whether any thread had a migration count (the kernel has sched files). */
  migrKnown: boolean;
}

const keyOf = (p: { pid: number; start: number }) => `${p.pid}:${p.start}`;
const nonNeg = (d: number) => (d > 0 ? d : 0);

/** A process's counts since it started: all of them fall in the interval when it started in it. */
function whole(p: ProcSample): Omit<ProcDelta, 'pid' | 'comm' | 'measured'> {
  let cs = 0;
  let migr = 0;
  for (const r of p.th) (cs += r[1] + r[2]), (migr += r[3] ?? 0);
  return { cs, migr, faults: p.minflt + p.majflt, cpuTicks: p.utime + p.stime };
}

/** Counts between two polls of the same process, thread by thread: a thread that exited contributes nothing. */
function between(q: ProcSample, p: ProcSample): Omit<ProcDelta, 'pid' | 'comm' | 'measured'> {
  const before = new Map(q.th.map((r) => [r[0], r]));
  let cs = 0;
  let migr = 0;
  for (const r of p.th) {
    const o = before.get(r[0]);
    const dv = o ? r[1] - o[1] : r[1];
    const dn = o ? r[2] - o[2] : r[2];
    const dm = o ? (o[3] !== null && r[3] !== null ? r[3] - o[3] : 0) : (r[3] ?? 0);
    // A thread not there before started since (its counts are all new); a count that went down is
    // a new thread with a reused tid.
    if (o && (dv < 0 || dn < 0 || dm < 0)) (cs += r[1] + r[2]), (migr += r[3] ?? 0);
    else (cs += dv + dn), (migr += dm);
  }
  return { cs, migr, faults: nonNeg(p.minflt + p.majflt - q.minflt - q.majflt), cpuTicks: nonNeg(p.utime + p.stime - q.utime - q.stime) };
}

/**
 * Pure: what the processes of `cur` did since `prev`. A process in `cur` with no match in `prev`
 * (pid and start time) counts whole when `countWhole` says it started since it could last have
 * been seen, else it is only a baseline for the next interval. Null when no time passed.
 */
export function pollDelta(prev: ProcPoll, cur: ProcPoll, countWhole: (p: ProcSample) => boolean = (p) => prev.up !== null && p.start > prev.up): PollDelta | null {
  const dt = (cur.t - prev.t) / 1000;
  if (!(dt > 0)) return null;
  const before = new Map(prev.procs.map((q) => [keyOf(q), q]));
  const procs: ProcDelta[] = [];
  let migrKnown = false;
  for (const p of cur.procs) {
    if (!migrKnown && p.th.some((r) => r[3] !== null)) migrKnown = true;
    const q = before.get(keyOf(p));
    if (q) procs.push({ pid: p.pid, comm: p.comm, ...between(q, p), measured: true });
    else if (countWhole(p)) procs.push({ pid: p.pid, comm: p.comm, ...whole(p), measured: true });
    else procs.push({ pid: p.pid, comm: p.comm, cs: 0, migr: 0, faults: 0, cpuTicks: 0, measured: false });
  }
  return { dt, procs, migrKnown };
}

interface Interval {
  /** Session ms the poll was taken in. */
  at: number;
  delta: PollDelta;
  hw: boolean | null;
}

/** The /proc polls: rates over the latest interval, totals since the start or the last reset. */
class ProcPolls {
  private prev: ProcPoll | null = null;
  /** up (centiseconds since boot) of the first poll: a process started after it, never seen, counts whole. */
  private firstUp: number | null = null;
  private readonly lastSeen = new Map<string, number>();
  private latest: Interval | null = null;
  private totals = { cs: 0, migr: 0, faults: 0 };

  take(cur: ProcPoll, at: number): void {
    const prev = this.prev;
    if (prev === null) this.firstUp = cur.up;
    else {
      const firstUp = this.firstUp;
      const fresh = (p: ProcSample) => !this.lastSeen.has(keyOf(p)) && firstUp !== null && p.start > firstUp;
      const delta = pollDelta(prev, cur, fresh);
      if (delta) {
        this.latest = { at, delta, hw: cur.hw };
        for (const d of delta.procs) (this.totals.cs += d.cs), (this.totals.migr += d.migr), (this.totals.faults += d.faults);
      }
    }
    for (const p of cur.procs) this.lastSeen.set(keyOf(p), cur.t);
    for (const [k, seenT] of this.lastSeen) if (cur.t - seenT > FORGET_MS) this.lastSeen.delete(k);
    // A poll that took no time after the last (never here: t is monotonic) keeps the older baseline.
    if (prev === null || cur.t > prev.t) this.prev = cur;
  }

  get hasData(): boolean {
    return this.latest !== null;
  }

  reset(): void {
    this.totals = { cs: 0, migr: 0, faults: 0 };
  }

  output(t: number, unrecognized: number): SourceOutput {
    const l = this.latest;
    if (!l) return { eventsPerSec: 0, lost: 0, unrecognized };
    const { dt, procs, migrKnown } = l.delta;
    const sum = (k: 'cs' | 'migr' | 'faults') => procs.reduce((a, d) => a + d[k], 0);
    const row = (event: string, perSec: number | null, total: number | null, supported: boolean): CounterLine => ({ name: LABELS[event] ?? event, perSec, total, supported });
    const counters: CounterLine[] = [
      row('context-switches', sum('cs') / dt, this.totals.cs, true),
      migrKnown ? row('cpu-migrations', sum('migr') / dt, this.totals.migr, true) : row('cpu-migrations', null, null, false),
      row('page-faults', sum('faults') / dt, this.totals.faults, true),
      // Not in /proc: "not supported" without a hardware PMU; with one, no figure in the live view.
      row('cache-misses', null, null, l.hw === true),
      row('cache-references', null, null, l.hw === true),
    ];
    const stale = t - l.at > STALE_MS;
    const targets: TargetPart[] = stale
      ? []
      : procs.map((d) => ({ pid: d.pid, comm: d.comm, metrics: d.measured ? { 'ctx-sw/s': d.cs / dt, 'cpu%': ((d.cpuTicks / TICKS_PER_SEC) * 100) / dt } : { 'ctx-sw/s': null, 'cpu%': null } }));
    // A shim's CPU over its life so far: its part of the targets panel's RT CPU column (live-sources/runtime-cost.ts).
    const lifeCpu = new Map((this.prev?.procs ?? []).map((p) => [p.pid, (p.utime + p.stime) / TICKS_PER_SEC]));
    for (const x of targets) if (x.comm === SHIM_COMM && lifeCpu.has(x.pid)) x.metrics![RT_SHIM] = lifeCpu.get(x.pid)!;
    const sched: SchedView = { counters, processes: procs.length, ...(stale && { stale }) };
    return { eventsPerSec: 0, lost: 0, unrecognized, sched, targets };
  }
}

/** Polls, or perf stat lines from an old recording: whichever the lines are. */
class SchedSource implements LiveSource {
  private readonly parser = new ProcCounterParser();
  private readonly polls = new ProcPolls();
  private legacy: PerfStatSchedSource | null = null;
  /** Runs started before any perf stat line was seen: handed to the perf stat reading if one comes. */
  private readonly pending = new Map<number, { t: number; info: RunInfo }>();

  runStarted(run: number, t: number, info: RunInfo): void {
    if (this.legacy) this.legacy.runStarted(run, t, info);
    else this.pending.set(run, { t, info });
  }

  line(text: string, t: number, run = 0): void {
    if (text.charCodeAt(0) === 123 /* { */) {
      const poll = this.parser.poll(text);
      if (poll) this.polls.take(poll, t);
      return;
    }
    if (!this.legacy && text.trim() === '') return;
    this.legacy ??= new PerfStatSchedSource();
    const p = this.pending.get(run);
    if (p) this.legacy.runStarted(run, p.t, p.info), this.pending.delete(run);
    this.legacy.line(text, t, run);
  }

  runEnded(run: number, t: number): void {
    this.pending.delete(run);
    this.legacy?.runEnded(run, t);
  }

  reset(): void {
    this.polls.reset();
    this.legacy?.reset();
  }

  output(t: number): SourceOutput {
    if (this.polls.hasData || !this.legacy) return this.polls.output(t, this.parser.unreadable);
    const o = this.legacy.output(t);
    return { ...o, unrecognized: o.unrecognized + this.parser.unreadable };
  }
}

let reader: ProcCounterReader | undefined;

export const schedSource: LiveSourceDef = {
  id: 'sched',
  probe: 'sched',
  panels: ['sched', 'targets'],
  create: () => new SchedSource(),
  poll: {
    everyMs: 2000,
    backend: 'procfs',
    // The feed passes its latest discovery (a caller that does not yet: discovered here).
    async fetch(host) {
      reader ??= new ProcCounterReader();
      return reader.line(counterTargets(host ?? discover())) + '\n';
    },
  },
};
