/**
 * syscall-count: calls, errors and time per syscall and process. The default backend counts in
 * the kernel (bpftrace, raw_syscalls tracepoints); `--backend strace` gives strace -c's own
 * accounting (ptrace: every traced thread stops twice per syscall) after a warning about its cost.
 */
import { z } from 'zod';
import { contextPids } from './filter.js';
import { bpftracePlan } from './bpftrace-plan.js';
import { CtrscopeError } from '../src/errors.js';
import type { ProbeDefinition, TracerPlan } from './types.js';
import { splitMapKey, type DeltaMap } from '../parsers/bpftrace-json.js';

export const syscallCountParams = z
  .object({ backend: z.enum(['bpftrace', 'strace'], { message: 'the backend is bpftrace (default, in the kernel) or strace' }).default('bpftrace') })
  .strict();

export const STRACE_COST =
  'strace stops every traced thread twice per syscall: containerd runs several times slower while it is attached (container starts took 6.5x longer here); prefer the default bpftrace backend';

/**
 * How long strace may take to detach after SIGINT before the stop ladder goes on (SIGTERM, then
 * SIGKILL, which makes the kernel detach every tracee at once). strace detaches in ~10 ms here, but
 * under a container-start loop about 1 stop in 30 it waits forever: a traced runc thread is in
 * vfork (state D, kernel_clone) while its child is held in a ptrace stop, and strace's detach waits
 * for the parent to stop. Every thread not yet detached stays stopped while it waits, so the wait
 * is kept short.
 */
export const STRACE_STOP_GRACE_MS = 1500;

/** strace flags shared by the strace-based probes: follow children (new shims), attach to pids. Output goes to stderr. */
export function straceTargets(pids: number[]): string[] {
  return ['-f', ...pids.flatMap((p) => ['-p', String(p)])];
}

/**
 * syscall-count.bt prints what it counted each second and clears it (keys "comm,pid,nr"): the
 * parser adds the prints up. Past 100 000 processes-and-syscalls in one run, a new process's
 * counts are added under pid 0 of its comm, so per-syscall totals stay whole.
 */
const foldPid = (key: string) => {
  const parts = splitMapKey(key, 3);
  return `${parts[0]},0,${parts[2]}`;
};
export const SYSCALL_DELTA_MAPS: Record<string, DeltaMap> = {
  '@calls': { op: 'sum', fold: foldPid },
  '@errors': { op: 'sum', fold: foldPid },
  '@ns': { op: 'sum', fold: foldPid },
  '@max': { op: 'max', fold: foldPid },
};

export const syscallCount: ProbeDefinition<z.infer<typeof syscallCountParams>> = {
  name: 'syscall-count',
  summary: 'syscalls per name and process: calls, errors, total time (in-kernel; --backend strace for strace -c)',
  backends: ['bpftrace', 'strace'],
  params: syscallCountParams,
  inKernel: true,
  plan(ctx, params): TracerPlan {
    if (params?.backend === 'strace') {
      const pids = contextPids(ctx);
      if (pids.length === 0) throw new CtrscopeError('usage', 'no running process matches the targets', 'check --pid, --comm and --container');
      return {
        backend: 'strace',
        attachPoint: 'ptrace (strace -c -w -f)',
        skipped: [],
        // -c: count instead of printing calls; -w: time is wall clock (as the bpftrace backend's).
        argv: ['strace', '-c', '-w', ...straceTargets(pids)],
        parser: 'strace-summary',
        stream: 'stderr',
        stopGraceMs: STRACE_STOP_GRACE_MS,
        warning: `warning: ${STRACE_COST}`,
      };
    }
    // One second of keys at a time: about 1 700 at most under a container-start loop here.
    return bpftracePlan(ctx, 'syscall-count', 'tracepoint:raw_syscalls:sys_enter,sys_exit', { env: { BPFTRACE_MAP_KEYS_MAX: '16384' }, deltaMaps: SYSCALL_DELTA_MAPS });
  },
};
