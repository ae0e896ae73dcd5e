/** process-exec: fork/clone/exec of the targets, counted in the kernel (bpftrace). */
import { z } from 'zod';
import { bpftracePlan } from './bpftrace-plan.js';
import type { ProbeDefinition } from './types.js';

export const processExecParams = z.object({}).strict();

export const processExec: ProbeDefinition<z.infer<typeof processExecParams>> = {
  name: 'process-exec',
  summary: 'processes and threads the targets create and what they execute (in-kernel)',
  backends: ['bpftrace'],
  params: processExecParams,
  inKernel: true,
  plan: (ctx) => bpftracePlan(ctx, 'process-exec', 'tracepoint:task:task_newtask,sched:sched_process_exec', { env: { BPFTRACE_STRLEN: '128' } }),
};
