/** runtime-cost: CPU, syscalls and read/write time of containerd, each shim and each runc, charged per container (bpftrace). */
import { z } from 'zod';
import { program } from './bpftrace-plan.js';
import { CtrscopeError } from '../src/errors.js';
import type { ProbeDefinition } from './types.js';

export const runtimeCostParams = z.object({}).strict();

export const runtimeCost: ProbeDefinition<z.infer<typeof runtimeCostParams>> = {
  name: 'runtime-cost',
  summary: "what each container costs containerd's runtime: its shim's and runc's CPU, syscalls and read/write time (in-kernel)",
  backends: ['bpftrace'],
  params: runtimeCostParams,
  inKernel: true,
  plan(ctx) {
    if (!ctx.selection.defaultTargets) throw new CtrscopeError('usage', 'runtime-cost charges every container on the host and takes no --pid, --comm or --container', 'run it without them');
    const containerd = ctx.host.containerd[0];
    if (!containerd) throw new CtrscopeError('containerd', 'no containerd is running', 'start containerd, then run the probe again');
    return {
      backend: 'bpftrace',
      attachPoint: 'tracepoint:sched:sched_switch,raw_syscalls:sys_enter,syscalls:sys_enter_execve',
      skipped: [],
      // The pid arrives as a positional parameter; the program text is the shipped file as is.
      argv: ['bpftrace', '-f', 'json', '-e', program(ctx, 'runtime-cost'), String(containerd.pid)],
      parser: 'bpftrace-json',
      // 80: a containerd id is at most 76 characters; more map keys: one per shim and runc process.
      env: { BPFTRACE_STRLEN: '80', BPFTRACE_MAP_KEYS_MAX: '16384' },
    };
  },
};
