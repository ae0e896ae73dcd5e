/**
 * Container starts as they happen, for the live view and `serve` (pure): fed containerd's events
 * (`ctr events`) and the execs of live-kernel.bt (its @ex maps, each sorted) as they arrive, in
 * whatever order the two streams interleave, it hands back each start once it is complete, split into phases by
 * startPhases (start-phases.ts: the same split as `--probe container-start`).
 *
 * A start is complete when both its /tasks/create event (naming the container's pid) and that
 * pid's first exec have been seen: every earlier boundary has arrived by then (the events of one
 * container come in order on one stream, the execs in order on the other). The events of a start
 * are forgotten once it is assembled, so a container id used again starts afresh. What is kept
 * is bounded by time (windowS of events and execs) whatever the rate of starts.
 */
import type { ContainerdEvent } from '../../parsers/containerd-events.js';
import type { ExecRecord } from '../../parsers/exec-trace.js';
import { PHASES, quantile, START_TOPICS, startPhases, toMonotonic, type PhaseName, type StartPhases } from './start-phases.js';

export interface WatchOptions {
  /** How long events and execs are kept waiting for the rest of their start, s. */
  windowS: number;
  /** Completed starts kept for the percentiles. */
  recentKept: number;
}

export const WATCH_DEFAULTS: WatchOptions = { windowS: 60, recentKept: 100 };

/** The panel's figures over the recent starts. */
export interface StartsView {
  /** Starts completed since the session (or the last reset) began. */
  completed: number;
  /** Starts given up: their /tasks/create came but not the rest (begun before tracing, or lost). */
  incomplete: number;
  /** How many starts the percentiles cover (the latest, at most recentKept). */
  recent: number;
  total: { p50Seconds: number | null; p95Seconds: number | null };
  phases: Array<{ phase: PhaseName; p50Seconds: number | null; p95Seconds: number | null }>;
  /** The newest start. */
  last: { id: string; namespace: string; totalSeconds: number } | null;
  /** false until live-kernel.bt's clock line was read (no start can be placed before). */
  clock: boolean;
}

const idOf = (e: ContainerdEvent): string | undefined => {
  const p = e.payload;
  const v = e.topic === '/tasks/create' ? p.container_id : e.topic === '/snapshot/prepare' ? p.key : p.id;
  return typeof v === 'string' ? v : undefined;
};

/** Index of the first exec at or after ns in a list sorted by ns. */
function firstAtOrAfter(execs: ExecRecord[], ns: number): number {
  let lo = 0;
  let hi = execs.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (execs[mid]!.ns < ns) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

interface Pending {
  id: string;
  pid: number;
  timeNs: bigint;
}

export class StartWatcher {
  private wallMinusMonoNs: bigint | null = null;
  /** Events of starts not yet assembled, by container id, oldest first. */
  private readonly events = new Map<string, ContainerdEvent[]>();
  /** Execs in arrival (= kernel time) order. */
  private execs: ExecRecord[] = [];
  /** /tasks/create seen, first exec not yet: by the container's pid. */
  private readonly pending = new Map<number, Pending>();
  private recent: StartPhases[] = [];
  private completed = 0;
  private incomplete = 0;
  private newestWallNs = 0n;

  constructor(private readonly o: WatchOptions = WATCH_DEFAULTS) {}

  get clock(): bigint | null {
    return this.wallMinusMonoNs;
  }

  /** live-kernel.bt's clock line: starts waiting for it are assembled now. */
  setClock(wallMinusMonoNs: bigint): StartPhases[] {
    this.wallMinusMonoNs = wallMinusMonoNs;
    return [...this.pending.values()].flatMap((p) => this.tryAssemble(p));
  }

  /** One of containerd's events; returns the starts it completed. */
  event(e: ContainerdEvent): StartPhases[] {
    if (!START_TOPICS.has(e.topic)) return [];
    const id = idOf(e);
    if (!id) return [];
    if (e.timeNs > this.newestWallNs) this.newestWallNs = e.timeNs;
    const list = this.events.get(id);
    if (list) list.push(e);
    else this.events.set(id, [e]);
    this.prune();
    const pid = Number(e.payload.pid);
    if (e.topic !== '/tasks/create' || !(pid > 0)) return [];
    const p = { id, pid, timeNs: e.timeNs };
    this.pending.set(pid, p);
    return this.tryAssemble(p);
  }

  /** One exec from live-kernel.bt; returns the starts it completed. */
  exec(x: ExecRecord): StartPhases[] {
    this.execs.push(x);
    const limit = x.ns - this.o.windowS * 1e9;
    let drop = 0;
    while (drop < this.execs.length && this.execs[drop]!.ns < limit) drop++;
    if (drop) this.execs = this.execs.slice(drop);
    const p = this.pending.get(x.pid);
    return p ? this.tryAssemble(p) : [];
  }

  private tryAssemble(p: Pending): StartPhases[] {
    const w = this.wallMinusMonoNs;
    const evs = this.events.get(p.id);
    if (w === null || !evs) return [];
    const created = evs.find((e) => e.topic === '/containers/create');
    const createdNs = created ? Number(created.timeNs - w) : Number(p.timeNs - w);
    // Execs of this start come after its container was created (with a little slack for the clocks);
    // they arrive in kernel time order, so the first one is found by bisection.
    const execs = this.execs.slice(firstAtOrAfter(this.execs, createdNs - 1e6));
    if (!execs.some((x) => x.pid === p.pid)) return [];
    const { starts } = startPhases(toMonotonic(evs, w), execs, [{ id: p.id }]);
    this.pending.delete(p.pid);
    this.events.delete(p.id);
    if (starts.length === 0) {
      this.incomplete++;
      return [];
    }
    this.completed += starts.length;
    this.recent = [...this.recent, ...starts].slice(-this.o.recentKept);
    return starts;
  }

  /** Events and pending starts older than the window are given up. */
  private prune(): void {
    const limit = this.newestWallNs - BigInt(this.o.windowS) * 1_000_000_000n;
    for (const [id, list] of this.events) {
      if (list.at(-1)!.timeNs >= limit) continue;
      this.events.delete(id);
    }
    for (const [pid, p] of this.pending) {
      if (p.timeNs >= limit) continue;
      this.pending.delete(pid);
      this.incomplete++;
    }
  }

  /** Forgets the counts and percentiles (the live view's reset); what is still in flight stays. */
  resetStats(): void {
    this.recent = [];
    this.completed = 0;
    this.incomplete = 0;
  }

  view(): StartsView {
    const pct = (vals: number[]) => ({ p50Seconds: quantile(vals, 0.5), p95Seconds: quantile(vals, 0.95) });
    const last = this.recent.at(-1);
    return {
      completed: this.completed,
      incomplete: this.incomplete,
      recent: this.recent.length,
      total: pct(this.recent.map((s) => s.totalSeconds)),
      phases: PHASES.map((phase) => ({ phase, ...pct(this.recent.map((s) => s.phases[phase]).filter((v): v is number => v !== null)) })),
      last: last ? { id: last.id, namespace: last.namespace, totalSeconds: last.totalSeconds } : null,
      clock: this.wallMinusMonoNs !== null,
    };
  }
}
