/**
 * vfs-latency: read and write latency as log2 histograms (ns). Attach ladder, best first:
 * kprobe:vfs_read/vfs_write → kfunc:vfs_read/vfs_write → syscalls:sys_{enter,exit}_{read,write,
 * pread64,pwrite64,readv,writev} tracepoints. Rungs the host cannot do (by src/host/features.ts)
 * are skipped with the reason; the rest are chained as fallbacks, so a rung that still fails to
 * attach hands over to the next one with bpftrace's own error as the reason.
 */
import { z } from 'zod';
import { bpftracePlan } from './bpftrace-plan.js';
import type { ProbeContext, ProbeDefinition, SkippedAttach, TracerPlan } from './types.js';
import type { KernelFeatures } from '../src/host/features.js';

export const vfsLatencyParams = z.object({}).strict();

export interface Rung {
  script: string;
  attachPoint: string;
  /** Why this host cannot use the rung, or null when it can (or may: the run will tell). */
  unavailable(f: KernelFeatures): string | null;
}

export const VFS_LADDER: Rung[] = [
  {
    script: 'vfs-latency-kprobe',
    attachPoint: 'kprobe:vfs_read,vfs_write',
    unavailable: (f) => (f.kprobes.ok === false ? `no kprobes on this kernel (${f.kprobes.detail})` : f.vfsKprobes.ok === false ? f.vfsKprobes.detail : null),
  },
  {
    script: 'vfs-latency-kfunc',
    attachPoint: 'kfunc:vfs_read,vfs_write',
    // Unknown (no bpftrace --info yet) counts as unavailable: tracepoints are the safe default.
    unavailable: (f) => (f.kfunc.ok === true ? null : f.kfunc.ok === false ? `no kfunc (${f.kfunc.detail})` : `kfunc support not confirmed (${f.kfunc.detail})`),
  },
  {
    script: 'vfs-latency-tracepoint',
    attachPoint: 'tracepoint:syscalls:sys_{enter,exit}_{read,write,pread64,pwrite64,readv,writev}',
    unavailable: (f) => (f.tracepoints.ok === false ? f.tracepoints.detail : null),
  },
];

/** The rungs to try, in order, and the ones skipped with why. Pure: features in, choice out. */
export function chooseRungs(ladder: Rung[], f: KernelFeatures): { usable: Rung[]; skipped: SkippedAttach[] } {
  const usable: Rung[] = [];
  const skipped: SkippedAttach[] = [];
  for (const r of ladder) {
    const why = r.unavailable(f);
    if (why) skipped.push({ attachPoint: r.attachPoint, why });
    else usable.push(r);
  }
  return { usable, skipped };
}

function rungPlan(ctx: ProbeContext, r: Rung, skipped: SkippedAttach[], next?: TracerPlan): TracerPlan {
  return bpftracePlan(ctx, r.script, r.attachPoint, { skipped, fallback: next });
}

export const vfsLatency: ProbeDefinition<z.infer<typeof vfsLatencyParams>> = {
  name: 'vfs-latency',
  summary: 'read/write latency histograms in ns (kprobe:vfs_read → kfunc → syscall tracepoints, best the host has)',
  backends: ['bpftrace'],
  params: vfsLatencyParams,
  inKernel: true,
  plan(ctx) {
    const { usable, skipped } = chooseRungs(VFS_LADDER, ctx.features);
    // Nothing usable by detection: still try the last rung, so bpftrace says what is wrong.
    const rungs = usable.length ? usable : [VFS_LADDER[VFS_LADDER.length - 1]!];
    let plan: TracerPlan | undefined;
    for (let i = rungs.length - 1; i >= 0; i--) plan = rungPlan(ctx, rungs[i]!, skipped, plan);
    return plan!;
  },
};
