/**
 * syscall-trace: strace -f -tt -T on the targets, for argument-level detail: the slowest calls
 * with their arguments and a per-syscall table. ptrace stops every traced thread twice per
 * syscall, so this is never a default; a cost warning is printed before attaching.
 * `--syscalls open,read,write` limits tracing to those names (checked against this
 * architecture's syscall table). The filter shortens the output, not the cost: with -p, strace
 * cannot use seccomp-bpf, so threads still stop on every syscall.
 */
import { z } from 'zod';
import { contextPids } from './filter.js';
import { straceTargets, STRACE_COST, STRACE_STOP_GRACE_MS } from './syscall-count.js';
import type { ProbeDefinition } from './types.js';
import { syscallNames } from '../src/host/syscalls.js';
import { CtrscopeError } from '../src/errors.js';

/** A comma-separated list of syscall names this architecture has, without duplicates. */
export const syscallListSchema = z
  .string()
  .max(4000)
  .transform((s, ctx) => {
    const known = syscallNames();
    const names = [...new Set(s.split(',').map((n) => n.trim()).filter(Boolean))];
    if (names.length === 0) ctx.addIssue({ code: 'custom', message: 'name at least one syscall, e.g. --syscalls openat,read,write' });
    for (const n of names) {
      if (!/^[a-z0-9_]{1,40}$/.test(n) || (known.size > 0 && !known.has(n))) {
        ctx.addIssue({ code: 'custom', message: `${JSON.stringify(n.slice(0, 40))} is not a syscall on ${process.arch} (see /usr/include/*/asm/unistd_64.h)` });
        return z.NEVER;
      }
    }
    return names;
  });

export const syscallTraceParams = z.object({ syscalls: syscallListSchema.optional() }).strict();

export const syscallTrace: ProbeDefinition<z.infer<typeof syscallTraceParams>> = {
  name: 'syscall-trace',
  summary: 'strace -f -tt -T detail (ptrace: slows targets): slowest calls with arguments, per-syscall table; --syscalls filter',
  backends: ['strace'],
  params: syscallTraceParams,
  inKernel: false,
  plan(ctx, params) {
    const pids = contextPids(ctx);
    if (pids.length === 0) throw new CtrscopeError('usage', 'no running process matches the targets', 'check --pid, --comm and --container');
    const filter = params?.syscalls ? ['-e', `trace=${params.syscalls.join(',')}`] : [];
    return {
      backend: 'strace',
      attachPoint: `ptrace (strace -f -tt -T${params?.syscalls ? ` -e trace=${params.syscalls.join(',')}` : ''})`,
      skipped: [],
      // (--seccomp-bpf would stop threads only for the filtered calls, but strace refuses it with -p.)
      argv: ['strace', '-tt', '-T', ...filter, ...straceTargets(pids)],
      parser: 'strace',
      stream: 'stderr',
      stopGraceMs: STRACE_STOP_GRACE_MS,
      warning: `warning: ${STRACE_COST}`,
    };
  },
};
