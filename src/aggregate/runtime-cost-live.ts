/**
 * What each container costs the runtime, added up while ctrscope runs: serve's
 * ctrscope_runtime_cpu_seconds_total and the live view's targets panel. The one-shot
 * `--probe runtime-cost` charges per-pid counters of its own program (runtime-cost.ts); here the
 * figures come from what the live feed already runs (no tracer of its own):
 *
 *   - live-kernel.bt's @rt: the kernel's CPU time of each shim and runc thread when it is freed
 *     after its exit (so the exit's own teardown is in), the
 *     runc threads already charged in the kernel to the shim above them (parent, grandparent ...),
 *     and its shim-exec lines: each shim's command line, read with shimOf() (runtime-cost.ts), ties
 *     its pid to (namespace, id) — the start and delete invocations too;
 *   - the /proc poll (utime + stime) of containerd and of the live shims, so a shim that runs for
 *     hours is charged as it goes, not only when it exits; a shim's figure is the larger of the
 *     two (its exited threads, or its whole CPU so far), so nothing is counted twice.
 *
 * Every figure only grows: a pid's CPU is charged as increments to the container it belonged to
 * when the increment arrived (an increment for a pid not tied to any container stays
 * "unattributed"). Bounded: a container with nothing charged and no live shim for EXPIRE_MS is
 * forgotten, and so are pids not heard of for as long. Pure: never throws, never reads /proc.
 */
import { runtimeCpuSamples, shimOf, type ContainerCost, type ProcessCost, type RuntimeCost } from './runtime-cost.js';

/** A container not charged and without a live shim for this long is dropped (its series ends). */
export const EXPIRE_MS = 10 * 60_000;

/** One entry of live-kernel.bt's @rt map: part 0 the shim's own thread, 1 runc, 2 runc init's exec. */
export interface RuntimeExit {
  owner: number;
  part: number;
  ns: number;
}

/** A process of the /proc poll: containerd or a shim. */
export interface RuntimeProc {
  pid: number;
  /** Start time (clock ticks since boot): with the pid, names one process. */
  start: number;
  comm: string;
  cpuSeconds: number;
}

interface Totals {
  namespace: string;
  id: string;
  shim: number;
  runc: number;
  at: number;
}

interface PidState {
  key: string | null;
  start?: number;
  /** CPU of its exited threads, and its whole CPU at the latest poll, seconds. */
  exits: number;
  polled: number;
  /** What was charged for it so far: max(exits, polled) at the latest update. */
  charged: number;
  at: number;
}

/** Seconds to whole nanoseconds (sums of ns / 1e9 pick up float noise). */
const ns = (s: number) => Math.round(s * 1e9) / 1e9;
const keyOf = (namespace: string, id: string) => `${namespace}\u0000${id}`;
const zero = (cpuSeconds = 0): ProcessCost => ({ cpuSeconds, syscalls: 0, vfsSeconds: 0, vfsCalls: 0, processes: 0 });

export class RuntimeCostLedger {
  private readonly containers = new Map<string, Totals>();
  private readonly shims = new Map<number, PidState>();
  private readonly containerdPids = new Map<string, { charged: number; at: number }>();
  private containerdS = 0;
  readonly unattributed = { shim: 0, runc: 0 };

  /** A shim was executed at pid (shim-exec): a new process there, tied to its -namespace/-id. */
  shimExec(pid: number, argv: readonly string[], t: number): void {
    const s = shimOf(argv);
    this.shims.set(pid, { key: s ? this.container(s.namespace, s.id, t) : null, exits: 0, polled: 0, charged: 0, at: t });
  }

  /** Shims discovery found (from /proc cmdline): ties those the program did not see start. */
  knownShims(shims: ReadonlyArray<{ pid: number; startTime?: number; namespace?: string; id?: string }>, t: number): void {
    for (const s of shims) {
      if (!s.namespace || !s.id) continue;
      const p = this.shims.get(s.pid);
      if (p && p.key !== null && (p.start === undefined || s.startTime === undefined || p.start === s.startTime)) {
        // Still there: its container stays (the live view has no /proc poll to say so).
        p.at = t;
        const c = this.containers.get(p.key);
        if (c) c.at = t;
        continue;
      }
      const key = this.container(s.namespace, s.id, t);
      if (p && (p.start === undefined || p.start === s.startTime)) (p.key = key), (p.start ??= s.startTime);
      else this.shims.set(s.pid, { key, start: s.startTime, exits: 0, polled: 0, charged: 0, at: t });
    }
  }

  /** One print's @rt entries. */
  exits(rows: readonly RuntimeExit[], t: number): void {
    for (const r of rows) {
      if (!(r.ns > 0)) continue;
      const s = r.ns / 1e9;
      if (r.part === 0) {
        const p = this.pidState(r.owner, t);
        p.exits += s;
        this.settle(p, t, 'shim');
        continue;
      }
      const key = r.owner > 0 ? this.shims.get(r.owner)?.key : null;
      const c = key ? this.containers.get(key) : undefined;
      if (c) (c.runc += s), (c.at = t), (this.shims.get(r.owner)!.at = t);
      else this.unattributed.runc += s;
    }
  }

  /** One /proc poll: containerd's CPU, and each live shim's. */
  procs(procs: readonly RuntimeProc[], t: number): void {
    for (const q of procs) {
      if (q.comm === 'containerd') {
        const k = `${q.pid}:${q.start}`;
        const e = this.containerdPids.get(k) ?? { charged: 0, at: t };
        if (q.cpuSeconds > e.charged) (this.containerdS += q.cpuSeconds - e.charged), (e.charged = q.cpuSeconds);
        e.at = t;
        this.containerdPids.set(k, e);
        continue;
      }
      let p = this.pidState(q.pid, t);
      // Another process at this pid since (its exec was not seen): a fresh start.
      if (p.start !== undefined && p.start !== q.start) this.shims.set(q.pid, (p = { key: null, exits: 0, polled: 0, charged: 0, at: t }));
      p.start = q.start;
      p.polled = Math.max(p.polled, q.cpuSeconds);
      this.settle(p, t, 'shim');
      if (p.key) this.containers.get(p.key)!.at = t;
    }
  }

  /** What has been charged so far, as runtime-cost reports it (CPU only), after forgetting what expired. */
  cost(t: number): RuntimeCost {
    this.expire(t);
    const containers: ContainerCost[] = [...this.containers.values()].map((c) => ({
      namespace: c.namespace,
      id: c.id,
      shimCpuSeconds: c.shim,
      runcCpuSeconds: c.runc,
      runcCalls: 0,
      runcByCommand: {},
      syscalls: 0,
      vfsSeconds: 0,
      vfsCalls: 0,
      shim: zero(c.shim),
      runc: zero(c.runc),
    }));
    containers.sort((a, b) => b.shimCpuSeconds + b.runcCpuSeconds - (a.shimCpuSeconds + a.runcCpuSeconds) || a.namespace.localeCompare(b.namespace) || a.id.localeCompare(b.id));
    return {
      containers,
      containerd: { ...zero(this.containerdS), processes: this.containerdPids.size, pids: [...this.containerdPids.keys()].map((k) => Number(k.split(':')[0])) },
      unattributed: { shim: zero(this.unattributed.shim), runc: zero(this.unattributed.runc) },
    };
  }

  /** The rows of ctrscope_runtime_cpu_seconds_total: runtimeCpuSamples(), and what no container took (empty labels). */
  samples(t: number): Array<{ namespace: string; container: string; component: 'shim' | 'runc' | 'containerd'; cpuSeconds: number }> {
    const rows = runtimeCpuSamples(this.cost(t)).map((r) => ({ ...r, cpuSeconds: ns(r.cpuSeconds) }));
    rows.push({ namespace: '', container: '', component: 'shim', cpuSeconds: ns(this.unattributed.shim) }, { namespace: '', container: '', component: 'runc', cpuSeconds: ns(this.unattributed.runc) });
    return rows;
  }

  /** The container a shim pid serves, and that container's figures so far (the live view's targets panel). */
  ofShim(pid: number): { namespace: string; id: string; shimCpuSeconds: number; runcCpuSeconds: number; ownCpuSeconds: number } | null {
    const p = this.shims.get(pid);
    const c = p?.key ? this.containers.get(p.key) : undefined;
    return c && p ? { namespace: c.namespace, id: c.id, shimCpuSeconds: c.shim, runcCpuSeconds: c.runc, ownCpuSeconds: p.charged } : null;
  }

  get size(): number {
    return this.containers.size + this.shims.size + this.containerdPids.size;
  }

  private container(namespace: string, id: string, t: number): string {
    const key = keyOf(namespace, id);
    const c = this.containers.get(key);
    if (c) c.at = t;
    else this.containers.set(key, { namespace, id, shim: 0, runc: 0, at: t });
    return key;
  }

  private pidState(pid: number, t: number): PidState {
    let p = this.shims.get(pid);
    if (!p) this.shims.set(pid, (p = { key: null, exits: 0, polled: 0, charged: 0, at: t }));
    p.at = t;
    return p;
  }

  /** Charges a shim pid's growth since its last update to its container (or to unattributed). */
  private settle(p: PidState, t: number, part: 'shim'): void {
    const now = Math.max(p.exits, p.polled);
    const d = now - p.charged;
    if (!(d > 0)) return;
    p.charged = now;
    const c = p.key ? this.containers.get(p.key) : undefined;
    if (c) (c[part] += d), (c.at = t);
    else this.unattributed[part] += d;
  }

  private expire(t: number): void {
    for (const [pid, p] of this.shims) if (t - p.at > EXPIRE_MS) this.shims.delete(pid);
    for (const [k, e] of this.containerdPids) if (t - e.at > EXPIRE_MS) this.containerdPids.delete(k);
    const live = new Set([...this.shims.values()].map((p) => p.key));
    for (const [k, c] of this.containers) if (t - c.at > EXPIRE_MS && !live.has(k)) this.containers.delete(k);
  }
}
