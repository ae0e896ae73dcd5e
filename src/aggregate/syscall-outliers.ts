/**
 * containerd's slow syscalls for `diagnose`, from what probes/syscall-count.bt printed: which
 * syscalls took the most time, and which that are not waits had calls over 10 ms.
 */
import type { BpftraceResult } from '../../parsers/bpftrace-json.js';
import { maxBySyscall, parseSlowLine } from './slow-syscalls.js';
import { reduceSyscallMaps } from './syscalls.js';

export interface SyscallLatencyRow {
  syscall: string;
  calls: number;
  totalSeconds: number;
  maxSeconds: number;
  /** Calls over 10 ms, counted only for syscalls that are not waits (syscall-count.bt's printf). */
  slow: number;
}

/**
 * Syscalls that block by design (Go's scheduler, timers, child waits, accepts): long ones are
 * normal. syscall-count.bt leaves out the same ones, by x86_64 number, when it prints slow calls
 * (a unit test keeps the two lists equal).
 */
export const WAITING_SYSCALLS = new Set(['read', 'poll', 'select', 'pause', 'nanosleep', 'accept', 'recvfrom', 'recvmsg', 'wait4', 'rt_sigtimedwait', 'rt_sigsuspend', 'futex', 'epoll_wait', 'clock_nanosleep', 'waitid', 'pselect6', 'ppoll', 'epoll_pwait', 'accept4', 'epoll_pwait2']);

type Counts = Record<string, number>;
const mapOf = (r: BpftraceResult, name: string): Counts => (r.maps.get(name)?.value as Counts | undefined) ?? {};

/** One row per syscall, summed over the processes in the maps, most total time first. */
export function syscallLatencyRows(r: BpftraceResult, name: (nr: number) => string): SyscallLatencyRow[] {
  const { syscalls } = reduceSyscallMaps(mapOf(r, '@calls'), mapOf(r, '@errors'), mapOf(r, '@ns'), name);
  const maxNs = maxBySyscall(mapOf(r, '@max'), name);
  const slow = new Map<string, number>();
  for (const text of r.printf) {
    const s = parseSlowLine(text, 0, name);
    if (s) slow.set(s.syscall, (slow.get(s.syscall) ?? 0) + 1);
  }
  const rows = syscalls.map((x) => ({ syscall: x.syscall, calls: x.calls, totalSeconds: x.seconds, maxSeconds: (maxNs.get(x.syscall) ?? 0) / 1e9, slow: slow.get(x.syscall) ?? 0 }));
  return rows.sort((a, b) => b.totalSeconds - a.totalSeconds || a.syscall.localeCompare(b.syscall));
}

/** Syscalls that are not waits and had calls over 10 ms, longest first. */
export function syscallOutliers(rows: SyscallLatencyRow[]): SyscallLatencyRow[] {
  return rows.filter((r) => r.slow > 0 && !WAITING_SYSCALLS.has(r.syscall)).sort((a, b) => b.maxSeconds - a.maxSeconds);
}
