/** Turns a validated target selection into processes, refusing what must not be traced. */
import { CtrscopeError } from '../errors.js';
import { comm, statFields } from './procfs.js';
import type { HostTargets, Target } from './discover.js';

/** Which processes a probe looks at, after validation. */
export interface TargetSelection {
  pids: number[];
  comms: string[];
  containers: string[];
  /** True when no target flag was given: containerd plus every shim, following new shims. */
  defaultTargets: boolean;
}

/** Pids of this process and its ancestors and descendants: tracing them could deadlock us. */
export function ownTree(): Set<number> {
  const mine = new Set<number>([process.pid]);
  let p = process.ppid;
  while (p > 1 && !mine.has(p)) {
    mine.add(p);
    p = statFields(p)?.ppid ?? 0;
  }
  return mine;
}

export function resolveTargets(sel: TargetSelection, host: HostTargets): Target[] {
  if (sel.defaultTargets) {
    if (host.containerd.length === 0) throw new CtrscopeError('containerd', 'no containerd process is running on this host', 'start containerd (scripts/setup.sh does), or name processes with --pid/--comm');
    return [...host.containerd, ...host.shims];
  }
  const out: Target[] = [];
  const own = ownTree();
  for (const pid of sel.pids) {
    if (own.has(pid)) throw new CtrscopeError('usage', `--pid ${pid} is ctrscope itself or its parent; tracing it is refused`, 'name another process');
    const st = statFields(pid);
    if (!st) throw new CtrscopeError('usage', `--pid ${pid}: no such process`, 'check the pid with ps');
    const c = comm(pid) ?? '?';
    const role = host.containerd.some((t) => t.pid === pid) ? 'containerd' : host.shims.some((t) => t.pid === pid) ? 'shim' : host.containers.some((t) => t.pid === pid) ? 'container' : 'other';
    out.push({ pid, comm: c, role, startTime: st.startTime });
  }
  for (const id of sel.containers) {
    const c = host.containers.find((t) => t.id === id);
    if (!c) throw new CtrscopeError('usage', `--container ${id}: no running container with that id`, 'list them with: ctr -n NAMESPACE tasks ls');
    out.push(c);
  }
  return out;
}
