/** The probe catalog. */
import type { ProbeDefinition } from './types.js';
import { registerFlagUsers } from './params.js';
import { syscallCount } from './syscall-count.js';
import { syscallTrace } from './syscall-trace.js';
import { vfsLatency } from './vfs-latency.js';
import { fileOpens } from './file-opens.js';
import { processExec } from './process-exec.js';
import { sched } from './sched.js';
import { cpuProfile, offCpu } from './stack-probes.js';
import { runtimeCost } from './runtime-cost.js';

export const PROBES: Record<string, ProbeDefinition<any>> = {
  'syscall-count': syscallCount,
  'syscall-trace': syscallTrace,
  'vfs-latency': vfsLatency,
  'file-opens': fileOpens,
  'process-exec': processExec,
  sched,
  'cpu-profile': cpuProfile,
  'off-cpu': offCpu,
  'runtime-cost': runtimeCost,
};

registerFlagUsers(PROBES);

export const probeNames = () => Object.keys(PROBES);
