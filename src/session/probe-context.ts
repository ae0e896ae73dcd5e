/**
 * The context a probe plans from, gathered here with all its I/O (/proc, cgroups, ELF headers,
 * the shipped .bt files, and what the kernel can do), so that every probe's plan() is pure.
 * One-shot runs, the live feed, serve, `probes` and the live strace overlay all build it here.
 */
import type { ProbeContext, ProbeFacts } from '../../probes/types.js';
import { contextPids } from '../../probes/filter.js';
import { cgroupIdOf, pidsInCgroupOf } from '../host/cgroup.js';
import { allFixedAddress } from '../host/elf.js';
import { detectKernel, detectKernelSync, type KernelFeatures } from '../host/features.js';
import { which } from '../host/preflight.js';
import { probePrograms } from '../host/probe-programs.js';
import type { HostTargets, Target } from '../targets/discover.js';
import { comm, exePath, listPids } from '../targets/procfs.js';
import { ownTree, type TargetSelection } from '../targets/resolve.js';

/** The facts for a selection and its resolved targets, read now. */
export function gatherFacts(selection: TargetSelection, targets: readonly Target[]): ProbeFacts {
  const containers = targets
    .filter((t) => t.role === 'container' && selection.containers.includes(t.id ?? ''))
    .map((t) => ({ pid: t.pid, cgroupId: cgroupIdOf(t.pid), pids: pidsInCgroupOf(t.pid) }));
  const commPids: number[] = [];
  if (selection.comms.length) {
    const own = ownTree();
    for (const pid of listPids()) if (!own.has(pid) && selection.comms.includes(comm(pid) ?? '')) commPids.push(pid);
  }
  const partial: ProbeFacts = { containers, commPids, fixedAddressExes: false, programs: probePrograms() };
  const exes = new Set<string>();
  for (const pid of contextPids({ selection, targets: [...targets], facts: partial })) {
    const e = exePath(pid);
    if (e) exes.add(e.replace(/ \(deleted\)$/, ''));
  }
  // Default targets include shims that start later: their binary counts too.
  if (selection.defaultTargets) {
    const shim = which('containerd-shim-runc-v2');
    if (shim) exes.add(shim);
  }
  return { ...partial, fixedAddressExes: allFixedAddress([...exes]) };
}

/** The whole context: the facts and the kernel's features (kfunc and hardware counters confirmed by asking bpftrace and perf, unless given). */
export async function probeContext(host: HostTargets, selection: TargetSelection, targets: Target[], features?: KernelFeatures): Promise<ProbeContext> {
  return { host, selection, targets, features: features ?? (await detectKernel()), facts: gatherFacts(selection, targets) };
}

/** The same context with its facts read again (targets that came or went since). */
export function refreshedContext(ctx: ProbeContext): ProbeContext {
  return { ...ctx, facts: gatherFacts(ctx.selection, ctx.targets) };
}

/** A context for planning without asking bpftrace and perf (the kernel's features from files only). */
export function probeContextSync(host: HostTargets, selection: TargetSelection, targets: Target[]): ProbeContext {
  return { host, selection, targets, features: detectKernelSync(), facts: gatherFacts(selection, targets) };
}
