/** file-opens: openat by target with path, flags and result, counted in the kernel (bpftrace). */
import { z } from 'zod';
import { bpftracePlan } from './bpftrace-plan.js';
import type { ProbeDefinition } from './types.js';

export const fileOpensParams = z.object({}).strict();

export const fileOpens: ProbeDefinition<z.infer<typeof fileOpensParams>> = {
  name: 'file-opens',
  summary: 'openat by target: path, flags, result; top paths and failures (in-kernel)',
  backends: ['bpftrace'],
  params: fileOpensParams,
  inKernel: true,
  plan: (ctx) => bpftracePlan(ctx, 'file-opens', 'tracepoint:syscalls:sys_enter_openat,sys_exit_openat', { env: { BPFTRACE_STRLEN: '128', BPFTRACE_MAP_KEYS_MAX: '16384' } }),
};
