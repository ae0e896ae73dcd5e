/**
 * cpu-profile and off-cpu: stacks aggregated in the kernel by bpftrace, folded by ctrscope for
 * flamegraph.pl (--output FILE.folded).
 */
import { z } from 'zod';
import { bpftracePlan } from './bpftrace-plan.js';
import type { ProbeContext, ProbeDefinition, TracerPlan } from './types.js';

export const stackParams = z.object({}).strict();

/**
 * BPFTRACE_CACHE_USER_SYMBOLS=1 when every target runs a non-PIE executable (symbols then sit at
 * the same addresses in every process of a binary); without it bpftrace 0.17 re-reads the symbol
 * table per stack and a few seconds of containerd stacks take minutes to print.
 */
export function symbolEnv(ctx: ProbeContext): Record<string, string> {
  return ctx.facts.fixedAddressExes ? { BPFTRACE_CACHE_USER_SYMBOLS: '1' } : {};
}

function stackPlan(ctx: ProbeContext, script: string, attachPoint: string): TracerPlan {
  // Stacks print once, at exit, and symbolizing can take a while: give it time before SIGTERM.
  return bpftracePlan(ctx, script, attachPoint, { env: symbolEnv(ctx), stopGraceMs: 20_000, recordsImages: true });
}

export const cpuProfile: ProbeDefinition<z.infer<typeof stackParams>> = {
  name: 'cpu-profile',
  summary: 'on-CPU stacks, kernel and user, sampled at 99 Hz (in-kernel); --output FILE.folded for flamegraph.pl',
  backends: ['bpftrace'],
  params: stackParams,
  inKernel: true,
  plan: (ctx) => stackPlan(ctx, 'cpu-profile', 'profile:hz:99'),
};

export const offCpu: ProbeDefinition<z.infer<typeof stackParams>> = {
  name: 'off-cpu',
  summary: 'time blocked by stack (sched_switch, in-kernel); --output FILE.folded for flamegraph.pl',
  backends: ['bpftrace'],
  params: stackParams,
  inKernel: true,
  plan: (ctx) => stackPlan(ctx, 'off-cpu', 'tracepoint:sched:sched_switch'),
};
