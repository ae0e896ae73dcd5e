/** containerd's slow syscalls: which ones took longest, leaving out those whose job is to wait. */
import type { TextMaps } from '../../parsers/bpftrace-text-maps.js';

export interface SyscallLatencyRow {
  syscall: string;
  calls: number;
  totalSeconds: number;
  maxSeconds: number;
  /** Calls over 10 ms. */
  slow: number;
}

/** Syscalls that block by design (Go's scheduler, timers, child waits): long ones are normal. */
export const WAITING_SYSCALLS = new Set(['futex', 'epoll_wait', 'epoll_pwait', 'epoll_pwait2', 'nanosleep', 'clock_nanosleep', 'select', 'pselect6', 'poll', 'ppoll', 'wait4', 'waitid', 'rt_sigtimedwait', 'rt_sigsuspend', 'pause', 'sched_yield']);

export function syscallLatencyRows(m: TextMaps, name: (nr: number) => string): SyscallLatencyRow[] {
  const get = (map: string, nr: number) => m.maps.get(map)?.get(nr) ?? 0;
  const rows = [...(m.maps.get('calls') ?? new Map<number, number>()).keys()].map((nr) => ({
    syscall: name(nr),
    calls: get('calls', nr),
    totalSeconds: get('ns', nr) / 1e9,
    maxSeconds: get('max_ns', nr) / 1e9,
    slow: get('slow', nr),
  }));
  return rows.sort((a, b) => b.totalSeconds - a.totalSeconds || a.syscall.localeCompare(b.syscall));
}

/** Syscalls that are not waits and had calls over 10 ms, longest first. */
export function syscallOutliers(rows: SyscallLatencyRow[]): SyscallLatencyRow[] {
  return rows.filter((r) => r.slow > 0 && !WAITING_SYSCALLS.has(r.syscall)).sort((a, b) => b.maxSeconds - a.maxSeconds);
}
