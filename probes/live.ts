/**
 * The live view's own probes: one bpftrace program for everything on the syscall path
 * (live-kernel.bt: syscalls, VFS latency, opens, execs) and one for stacks (live-stacks.bt),
 * each started once for the whole session. They are not in the one-shot catalog: `--probe NAME`
 * runs the separate probes, whose output is cumulative or printed at exit.
 */
import { z } from 'zod';
import { bpftracePlan, bpftraceTextPlan, program } from './bpftrace-plan.js';
import { withMarkedPredicate } from './filter.js';
import type { ProbeDefinition } from './types.js';
import { symbolEnv } from './stack-probes.js';

const kernelParams = z.object({ starts: z.boolean().default(true) }).strict();

export const liveKernel: ProbeDefinition<z.infer<typeof kernelParams>> = {
  name: 'live-kernel',
  summary: 'the live view: syscalls, VFS read/write latency, file opens and execs from one raw_syscalls hook pair',
  backends: ['bpftrace'],
  params: kernelParams,
  inKernel: true,
  plan(ctx, p) {
    // The program names x86_64's syscall numbers (read, write, openat ...).
    if (process.arch !== 'x64') throw new Error(`the live view's kernel program knows x86_64 syscall numbers only (this host is ${process.arch})`);
    // starts: false (a session that watches no container starts): the @ex hook is off, so no
    // @ex keys to print each 2 s (bpftrace still declares the maps its prints and clears name).
    const text = program(ctx, 'live-kernel');
    return bpftraceTextPlan(ctx, p.starts !== false ? text : withMarkedPredicate(text, 'starts', '0'), 'raw_syscalls:sys_enter+sys_exit, one hook pair', {
      // One second of keys at a time; paths of opens up to 127 bytes.
      env: { BPFTRACE_STRLEN: '128', BPFTRACE_MAP_KEYS_MAX: '16384' },
    });
  },
};

const stacksParams = z.object({ nameFrames: z.boolean().default(false) }).strict();

export const liveStacks: ProbeDefinition<z.infer<typeof stacksParams>> = {
  name: 'live-stacks',
  summary: 'the live view: on-CPU stacks at 49 Hz, printed every 10 s',
  backends: ['bpftrace'],
  params: stacksParams,
  inKernel: true,
  // bpftrace leaves user addresses raw (BPFTRACE_NO_USER_SYMBOLS): ctrscope names them from the
  // binaries it loads once per build id, where bpftrace 0.17 loads a binary's symbols again for
  // every new process (each shim and runc under a start loop). Measured under a container-start
  // loop, 31 s: this bpftrace's CPU 0.75 s -> 0.45 s (npm run bench:live has the whole cost).
  // nameFrames (a session being recorded): bpftrace names them, so that a replay, whose
  // processes are long gone, still shows names.
  plan: (ctx, p) =>
    bpftracePlan(ctx, 'live-stacks', 'profile:hz:49', { env: p.nameFrames ? symbolEnv(ctx) : { BPFTRACE_NO_USER_SYMBOLS: '1' }, stopGraceMs: 20_000 }),
};

/**
 * What the live programs' kernel hooks cost the traced host, as npm run bench:live measured it
 * on the development host (container starts kept against untraced blocks either side).
 */
export const LIVE_KERNEL_COST = 'container starts kept 90-99% here (npm run bench:live)';

export const LIVE_PROBES: Record<string, ProbeDefinition<any>> = { 'live-kernel': liveKernel, 'live-stacks': liveStacks };
