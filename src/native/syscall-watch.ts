/**
 * The kernel's view for `diagnose`: containerd's syscalls counted in the kernel by the
 * syscall-count probe's own program (calls, time, longest, slow calls that are not waits).
 */
import type { BpftraceResult } from '../../parsers/bpftrace-json.js';
import { syscallCount } from '../../probes/syscall-count.js';
import { CtrscopeError } from '../errors.js';
import { ensureTracefs, isRoot, which } from '../host/preflight.js';
import { ProbeTracer } from '../session/probe-tracer.js';
import { probeContextSync } from '../session/probe-context.js';
import type { Target } from '../targets/discover.js';

/** Starts counting; resolves once bpftrace has attached. stop() ends it and returns what it printed. */
export async function startSyscallWatch(containerd: Target, say: (m: string) => void): Promise<{ stop: () => Promise<BpftraceResult> }> {
  if (!isRoot()) throw new CtrscopeError('notRoot', 'the kernel view needs root', 'run diagnose with sudo');
  if (!which('bpftrace') || !which('setpriv')) throw new CtrscopeError('missingTool', 'bpftrace is not installed', 'apt-get install bpftrace');
  await ensureTracefs(say);
  const selection = { pids: [containerd.pid], comms: [], containers: [], defaultTargets: false };
  const plan = syscallCount.plan(probeContextSync({ containerd: [containerd], shims: [], containers: [] }, selection, [containerd]), { backend: 'bpftrace' });
  const pt = new ProbeTracer(plan);
  pt.start();
  // Attached as the kernel shows it (ProbeTracer): the counts the caller reads start with the run.
  if ((await pt.waitAttached(20_000)) !== 'attached') {
    await pt.stop();
    throw new CtrscopeError('tracer', `bpftrace did not attach to raw_syscalls: ${pt.failure()}`, 'check bpftrace with ctrscope --probe syscall-count');
  }
  return {
    stop: async () => {
      await pt.stop();
      return pt.result().result as BpftraceResult;
    },
  };
}
