/** Pure reducers from in-kernel syscall maps to the rows people read. */
import { splitMapKey } from '../../parsers/bpftrace-json.js';

export interface SyscallRow {
  syscall: string;
  calls: number;
  errors: number;
  /** Total time spent in the syscall, seconds. */
  seconds: number;
}

export interface ProcessSyscalls {
  pid: number;
  comm: string;
  calls: number;
  errors: number;
  seconds: number;
  syscalls: SyscallRow[];
}

export interface SyscallTotals {
  syscalls: SyscallRow[];
  processes: ProcessSyscalls[];
  totalCalls: number;
}

type CountMap = Record<string, number>;

/**
 * Folds the three maps printed by probes/syscall-count.bt (keys "comm,pid,nr") into per-syscall
 * and per-process rows, sorted by calls (then name, so equal counts keep a stable order).
 */
export function reduceSyscallMaps(calls: CountMap, errors: CountMap, ns: CountMap, nameOf: (nr: number) => string): SyscallTotals {
  const bySyscall = new Map<string, SyscallRow>();
  const byProc = new Map<number, { comm: string; rows: Map<string, SyscallRow> }>();
  let totalCalls = 0;
  for (const [key, n] of Object.entries(calls)) {
    const [comm, pidText, nrText] = splitMapKey(key, 3);
    const pid = Number(pidText);
    const nr = Number(nrText);
    if (!Number.isFinite(pid) || !Number.isFinite(nr)) continue;
    const name = nameOf(nr);
    const e = errors[key] ?? 0;
    const s = (ns[key] ?? 0) / 1e9;
    totalCalls += n;
    add(bySyscall, name, n, e, s);
    let proc = byProc.get(pid);
    if (!proc) byProc.set(pid, (proc = { comm: comm ?? '?', rows: new Map() }));
    // A process that exec'd during the run shows under two comms: keep the newest non-shim name.
    if (proc.comm !== comm && comm) proc.comm = comm;
    add(proc.rows, name, n, e, s);
  }
  const processes: ProcessSyscalls[] = [...byProc].map(([pid, p]) => {
    const syscalls = sortRows([...p.rows.values()]);
    return {
      pid,
      comm: p.comm,
      calls: sum(syscalls, 'calls'),
      errors: sum(syscalls, 'errors'),
      seconds: sum(syscalls, 'seconds'),
      syscalls,
    };
  });
  processes.sort((a, b) => b.calls - a.calls || a.pid - b.pid);
  return { syscalls: sortRows([...bySyscall.values()]), processes, totalCalls };
}

function add(m: Map<string, SyscallRow>, name: string, calls: number, errors: number, seconds: number): void {
  const r = m.get(name);
  if (r) {
    r.calls += calls;
    r.errors += errors;
    r.seconds += seconds;
  } else m.set(name, { syscall: name, calls, errors, seconds });
}

export function sortRows(rows: SyscallRow[]): SyscallRow[] {
  return rows.sort((a, b) => b.calls - a.calls || (a.syscall < b.syscall ? -1 : a.syscall > b.syscall ? 1 : 0));
}

function sum(rows: SyscallRow[], k: 'calls' | 'errors' | 'seconds'): number {
  let t = 0;
  for (const r of rows) t += r[k];
  return t;
}

/** Per-second rates between two cumulative snapshots (for the live view). */
export function syscallRates(prev: SyscallRow[], next: SyscallRow[], seconds: number): SyscallRow[] {
  const before = new Map(prev.map((r) => [r.syscall, r]));
  return next.map((r) => {
    const b = before.get(r.syscall);
    const f = seconds > 0 ? 1 / seconds : 0;
    return {
      syscall: r.syscall,
      calls: Math.max(0, r.calls - (b?.calls ?? 0)) * f,
      errors: Math.max(0, r.errors - (b?.errors ?? 0)) * f,
      seconds: Math.max(0, r.seconds - (b?.seconds ?? 0)) * f,
    };
  });
}
