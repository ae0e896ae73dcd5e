/**
 * Merges what the sources measured per process into the targets panel: containerd, each live shim
 * (and container, when traced), then one line for the processes that are gone or were only
 * short-lived forks (a shim forks runc several times per container start).
 */
import type { HostTargets, Target } from '../targets/discover.js';
import type { SyscallLine, TargetLine } from '../live-model/types.js';
import type { TargetPart } from './live-sources/types.js';

function labelOf(t: Target): string {
  if (t.role === 'shim') return `shim ${t.namespace ?? '?'}/${t.id ?? '?'}`;
  if (t.role === 'container') return `ctr ${t.namespace ?? '?'}/${t.id ?? '?'}`;
  return t.comm;
}

const empty = (pid: number, comm: string, role: TargetLine['role'], label: string, alive: boolean): TargetLine => ({
  pid,
  comm,
  role,
  label,
  alive,
  syscallsPerSec: null,
  errorsPerSec: null,
  avgNs: null,
  metrics: {},
  syscalls: [],
  processes: 1,
});

const addN = (a: number | null, b: number | null | undefined) => (b == null ? a : (a ?? 0) + b);

/** Sums per-syscall lines (rates add; the average is weighted by calls; max is the larger). */
export function mergeSyscallLines(a: SyscallLine[], b: SyscallLine[]): SyscallLine[] {
  const m = new Map(a.map((l) => [l.syscall, { ...l }]));
  for (const l of b) {
    const e = m.get(l.syscall);
    if (!e) {
      m.set(l.syscall, { ...l });
      continue;
    }
    const calls = e.callsPerSec + l.callsPerSec;
    e.avgNs = calls > 0 ? ((e.avgNs ?? 0) * e.callsPerSec + (l.avgNs ?? 0) * l.callsPerSec) / calls : null;
    e.callsPerSec = calls;
    e.errorsPerSec += l.errorsPerSec;
    e.maxNs = e.maxNs == null ? l.maxNs : l.maxNs == null ? e.maxNs : Math.max(e.maxNs, l.maxNs);
  }
  return [...m.values()].sort((x, y) => y.callsPerSec - x.callsPerSec || (x.syscall < y.syscall ? -1 : 1));
}

function apply(line: TargetLine, p: TargetPart): void {
  const before = line.syscallsPerSec ?? 0;
  line.syscallsPerSec = addN(line.syscallsPerSec, p.syscallsPerSec);
  line.errorsPerSec = addN(line.errorsPerSec, p.errorsPerSec);
  if (p.avgNs != null && p.syscallsPerSec) {
    const total = before + p.syscallsPerSec;
    line.avgNs = total > 0 ? ((line.avgNs ?? 0) * before + p.avgNs * p.syscallsPerSec) / total : null;
  }
  for (const [k, v] of Object.entries(p.metrics ?? {})) line.metrics[k] = v == null ? (line.metrics[k] ?? null) : (line.metrics[k] ?? 0) + v;
  if (p.syscalls) line.syscalls = mergeSyscallLines(line.syscalls, p.syscalls);
}

export const GROUP_PID = 0;

/** Pure: the targets panel's lines from the host's processes and the sources' per-process parts. */
export function mergeTargets(host: HostTargets, parts: TargetPart[]): TargetLine[] {
  const byPid = new Map<number, TargetLine>();
  for (const t of host.containerd) byPid.set(t.pid, empty(t.pid, t.comm, 'containerd', labelOf(t), true));
  for (const t of host.shims) byPid.set(t.pid, empty(t.pid, t.comm, 'shim', labelOf(t), true));
  const containers = new Map(host.containers.map((c) => [c.pid, c]));
  let group: TargetLine | null = null;
  const groupPids = new Set<number>();
  for (const p of parts) {
    let line = byPid.get(p.pid);
    if (!line) {
      const c = containers.get(p.pid);
      if (c) byPid.set(p.pid, (line = empty(c.pid, c.comm, 'container', labelOf(c), true)));
    }
    if (!line) {
      group ??= empty(GROUP_PID, '', 'other', '', false);
      groupPids.add(p.pid);
      line = group;
    }
    apply(line, p);
  }
  const order = { containerd: 0, shim: 1, container: 2, other: 3 };
  const out = [...byPid.values()].sort((a, b) => order[a.role] - order[b.role] || (b.syscallsPerSec ?? 0) - (a.syscallsPerSec ?? 0) || a.pid - b.pid);
  if (group) {
    group.processes = groupPids.size;
    group.label = `exited or short-lived (${groupPids.size})`;
    out.push(group);
  }
  return out;
}
