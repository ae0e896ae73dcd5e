/**
 * syscall-count: calls, errors and time per syscall and process. The default backend counts in
 * the kernel (bpftrace, raw_syscalls tracepoints); `--backend strace` gives strace -c's own
 * accounting (ptrace: every traced thread stops twice per syscall) after a warning about its cost.
 */
import { z } from 'zod';
import { btPath } from './scripts.js';
import { contextPids } from './filter.js';
import { bpftracePlan } from './bpftrace-plan.js';
import { CtrscopeError } from '../src/errors.js';
import type { ProbeDefinition, TracerPlan } from './types.js';

export const syscallCountParams = z
  .object({ backend: z.enum(['bpftrace', 'strace'], { message: 'the backend is bpftrace (default, in the kernel) or strace' }).default('bpftrace') })
  .strict();

export const STRACE_COST =
  'strace stops every traced thread twice per syscall: containerd runs several times slower while it is attached (container starts took 6.5x longer here); prefer the default bpftrace backend';

/** strace flags shared by the strace-based probes: follow children (new shims), attach to pids. Output goes to stderr. */
export function straceTargets(pids: number[]): string[] {
  return ['-f', ...pids.flatMap((p) => ['-p', String(p)])];
}

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
        warning: `warning: ${STRACE_COST}`,
      };
    }
    return bpftracePlan(ctx, 'syscall-count', 'tracepoint:raw_syscalls:sys_enter,sys_exit');
  },
};

export const syscallCountScript = () => btPath('syscall-count');
