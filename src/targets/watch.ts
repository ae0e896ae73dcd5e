/**
 * Follows targets while a probe runs: containerd restarting, a target exiting, shims coming and
 * going, and a pid number reused by another process (told apart by /proc/PID/stat start time).
 * Pure diffing (diffTargets) plus a small poller around it.
 */
import { discover, type HostTargets, type Target } from './discover.js';
import { statFields } from './procfs.js';

export type TargetEvent =
  | { kind: 'containerd-restarted'; before: Target; after: Target }
  | { kind: 'containerd-gone'; before: Target }
  | { kind: 'containerd-started'; after: Target }
  | { kind: 'shim-started'; target: Target }
  | { kind: 'shim-exited'; target: Target }
  | { kind: 'target-exited'; target: Target }
  | { kind: 'pid-reused'; target: Target; startTime: number };

const same = (a: Target, b: Target): boolean => a.pid === b.pid && (a.startTime === undefined || b.startTime === undefined || a.startTime === b.startTime);

/** What changed between two discoveries, plus explicit targets checked for exit and reuse. */
export function diffTargets(prev: HostTargets, next: HostTargets, explicit: Target[] = [], startTimeOf: (pid: number) => number | null = (p) => statFields(p)?.startTime ?? null): TargetEvent[] {
  const ev: TargetEvent[] = [];
  // containerd instances are told apart by the socket they serve.
  const addresses = new Set([...prev.containerd, ...next.containerd].map((c) => c.address));
  for (const address of addresses) {
    const before = prev.containerd.find((c) => c.address === address);
    const after = next.containerd.find((c) => c.address === address);
    if (before && after && !same(before, after)) ev.push({ kind: 'containerd-restarted', before, after });
    else if (before && !after) ev.push({ kind: 'containerd-gone', before });
    else if (!before && after) ev.push({ kind: 'containerd-started', after });
  }
  for (const s of next.shims) if (!prev.shims.some((p) => same(p, s))) ev.push({ kind: 'shim-started', target: s });
  for (const s of prev.shims) if (!next.shims.some((n) => same(n, s))) ev.push({ kind: 'shim-exited', target: s });
  for (const t of explicit) {
    const st = startTimeOf(t.pid);
    if (st === null) ev.push({ kind: 'target-exited', target: t });
    else if (t.startTime !== undefined && st !== t.startTime) ev.push({ kind: 'pid-reused', target: t, startTime: st });
  }
  return ev;
}

/** One line a person reads for an event. */
export function describeEvent(e: TargetEvent): string {
  switch (e.kind) {
    case 'containerd-restarted':
      return `containerd restarted: pid ${e.before.pid} -> ${e.after.pid}`;
    case 'containerd-gone':
      return `containerd (pid ${e.before.pid}) exited`;
    case 'containerd-started':
      return `containerd started (pid ${e.after.pid})`;
    case 'shim-started':
      return `shim started: pid ${e.target.pid} (${e.target.namespace ?? '?'}/${e.target.id ?? '?'})`;
    case 'shim-exited':
      return `shim exited: pid ${e.target.pid}`;
    case 'target-exited':
      return `target pid ${e.target.pid} (${e.target.comm}) exited`;
    case 'pid-reused':
      return `target pid ${e.target.pid} exited and its number now belongs to another process; it is not traced`;
  }
}

/** Polls discovery; calls onEvent for each change. Explicit targets (named by pid) are checked for exit and reuse, then dropped. */
export class TargetWatch {
  private timer?: NodeJS.Timeout;
  private last: HostTargets;
  private explicit: Target[];
  constructor(
    start: HostTargets,
    explicit: Target[],
    private readonly onEvent: (e: TargetEvent) => void,
    private readonly intervalMs = 500,
  ) {
    this.last = start;
    this.explicit = explicit;
  }

  start(): this {
    this.timer = setInterval(() => this.poll(), this.intervalMs);
    this.timer.unref();
    return this;
  }

  poll(): TargetEvent[] {
    const next = discover();
    const events = diffTargets(this.last, next, this.explicit);
    this.last = next;
    for (const e of events) {
      if (e.kind === 'target-exited' || e.kind === 'pid-reused') this.explicit = this.explicit.filter((t) => t.pid !== e.target.pid);
      this.onEvent(e);
    }
    return events;
  }

  get current(): HostTargets {
    return this.last;
  }

  stop(): void {
    clearInterval(this.timer);
  }
}
