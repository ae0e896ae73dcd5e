/** Summaries by probe name. */
import type { Summary } from './types.js';
import { syscallCountSummary } from './syscall-count.js';
import { syscallTraceSummary } from './syscall-trace.js';
import { vfsLatencySummary } from './vfs-latency.js';
import { fileOpensSummary } from './file-opens.js';
import { processExecSummary } from './process-exec.js';
import { schedSummary } from './sched.js';
import { cpuProfileSummary, offCpuSummary } from './stacks.js';
import { runtimeCostSummary } from './runtime-cost.js';

export const SUMMARIES: Record<string, Summary<any>> = {
  'syscall-count': syscallCountSummary,
  'syscall-trace': syscallTraceSummary,
  'vfs-latency': vfsLatencySummary,
  'file-opens': fileOpensSummary,
  'process-exec': processExecSummary,
  sched: schedSummary,
  'cpu-profile': cpuProfileSummary,
  'off-cpu': offCpuSummary,
  'runtime-cost': runtimeCostSummary,
};
