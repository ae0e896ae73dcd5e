/** syscall-count: calls, errors and time per syscall and process, counted in the kernel by bpftrace. */
import { z } from 'zod';
import { readBt, btPath } from './scripts.js';
import { targetPredicate, withPredicate } from './filter.js';
import type { ProbeDefinition } from './types.js';

export const syscallCountParams = z.object({}).strict();

export const syscallCount: ProbeDefinition<z.infer<typeof syscallCountParams>> = {
  name: 'syscall-count',
  summary: 'syscalls per name and process: calls, errors, total time (in-kernel, raw_syscalls tracepoints)',
  backends: ['bpftrace'],
  params: syscallCountParams,
  plan(ctx) {
    const pred = targetPredicate(
      ctx.selection,
      ctx.host.containerd.map((t) => t.pid),
      ctx.targets.filter((t) => t.role === 'container').map((t) => t.pid),
    );
    const program = withPredicate(readBt('syscall-count'), pred);
    return {
      backend: 'bpftrace',
      attachPoint: 'tracepoint:raw_syscalls:sys_enter,sys_exit',
      skipped: [],
      argv: ['bpftrace', '-f', 'json', '-e', program, ...pred.args],
      parser: 'bpftrace-json',
    };
  },
};

export const syscallCountScript = () => btPath('syscall-count');
