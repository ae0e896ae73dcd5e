/** Small pieces the summaries share: reading bpftrace maps, naming the processes seen. */
import type { BpftraceResult } from '../../parsers/bpftrace-json.js';
import { splitMapKey } from '../../parsers/bpftrace-json.js';
import type { ProbeReport } from '../../probes/types.js';
import type { TargetSelection } from '../targets/resolve.js';
import { roleOf, type HostTargets, type Target } from '../targets/discover.js';
import type { SyscallRow } from '../aggregate/syscalls.js';
import { fmtInt, fmtSeconds, renderTable } from '../output/table.js';

export type Counts = Record<string, number>;

/** A printed map's value as { key: number }, or {} when absent or of another shape. */
export function mapCounts(r: BpftraceResult | undefined, name: string): Counts {
  const m = r?.maps.get(name);
  return m && typeof m.value === 'object' && m.value !== null && !Array.isArray(m.value) ? (m.value as Counts) : {};
}

/** A printed map's raw value (scalar counts print as a number). */
export function mapValue(r: BpftraceResult | undefined, name: string): unknown {
  return r?.maps.get(name)?.value;
}

/** A count() map without keys: a number, else 0. */
export function mapScalar(r: BpftraceResult | undefined, name: string): number {
  const v = mapValue(r, name);
  return typeof v === 'number' ? v : 0;
}

/** Sums a "comm,pid"-keyed map per pid. */
export function perProcess(counts: Counts): Map<number, { comm: string; count: number }> {
  const out = new Map<number, { comm: string; count: number }>();
  for (const [key, n] of Object.entries(counts)) {
    const [c, pidText] = splitMapKey(key, 2);
    const pid = Number(pidText);
    if (!Number.isInteger(pid)) continue;
    const e = out.get(pid) ?? { comm: c ?? '?', count: 0 };
    e.count += n;
    out.set(pid, e);
  }
  return out;
}

/**
 * The report's targets: the processes seen in the data with their roles, plus the targets resolved
 * at start that the data did not show (containerd stays listed even when idle). With only
 * --container asked for, every process the data shows ran in those containers.
 */
export function targetsSeen(host: HostTargets, seen: Iterable<{ pid: number; comm: string }>, start: Target[] = [], sel?: TargetSelection): ProbeReport['targets'] {
  const onlyContainers = !!sel && !sel.defaultTargets && sel.containers.length > 0 && sel.pids.length === 0 && sel.comms.length === 0;
  const out = new Map<number, { pid: number; comm: string; role: string }>();
  // Shims come and go: they are listed when the data shows them.
  for (const t of start.filter((t) => t.role !== 'shim')) out.set(t.pid, { pid: t.pid, comm: t.comm, role: t.role });
  for (const s of seen) {
    if (out.has(s.pid)) continue;
    const role = roleOf(s.pid, s.comm, host);
    out.set(s.pid, { pid: s.pid, comm: s.comm, role: role === 'other' && onlyContainers ? 'container' : role });
  }
  return [...out.values()];
}

/** The per-syscall table both syscall probes print. */
export function syscallTable(rows: Array<SyscallRow & { maxSeconds?: number }>): string {
  const withMax = rows.some((r) => r.maxSeconds !== undefined);
  return renderTable(rows, [
    { title: 'SYSCALL', get: (s) => s.syscall, align: 'left' },
    { title: 'CALLS', get: (s) => fmtInt(s.calls) },
    { title: 'ERRORS', get: (s) => fmtInt(s.errors) },
    { title: 'SECONDS', get: (s) => fmtSeconds(s.seconds) },
    { title: 'AVG_US', get: (s) => (s.calls ? ((s.seconds / s.calls) * 1e6).toFixed(1) : '-') },
    ...(withMax ? [{ title: 'MAX_US', get: (s: SyscallRow & { maxSeconds?: number }) => (s.maxSeconds === undefined ? '-' : (s.maxSeconds * 1e6).toFixed(1)) }] : []),
  ]);
}
