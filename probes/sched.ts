/**
 * sched: context switches, CPU migrations and page faults per target, counted by perf stat's
 * software events; cache-misses and cache-references too, which perf reports as <not supported>
 * on hosts without hardware counters (a VM without PMU passthrough): those stay null, never 0.
 *
 * One `perf stat -p PID` per target process, so a target that exits (or a pid list that goes stale
 * while perf starts) costs only its own counts; shims that start later get their own perf via
 * follow(). --no-inherit: children of containerd (new shims) are counted by their own perf, not
 * folded into containerd's at their exit.
 */
import { z } from 'zod';
import { contextPids } from './filter.js';
import { CtrscopeError } from '../src/errors.js';
import type { ProbeDefinition, TracerPlan } from './types.js';

export const schedParams = z.object({}).strict();

export const SCHED_EVENTS = ['context-switches', 'cpu-migrations', 'page-faults', 'cache-misses', 'cache-references'] as const;

/** perf stat for one process: CSV rows every second on stdout (--log-fd 1), final partial row at SIGINT. */
export function perfStatPlan(pid: number): TracerPlan {
  return {
    backend: 'perf',
    attachPoint: 'perf stat -e context-switches,cpu-migrations,page-faults,cache-misses,cache-references',
    skipped: [],
    argv: ['perf', 'stat', '--log-fd', '1', '-x,', '--no-inherit', '-I', '1000', '-e', SCHED_EVENTS.join(','), '-p', String(pid)],
    parser: 'perf-stat',
    pids: [pid],
  };
}

export const sched: ProbeDefinition<z.infer<typeof schedParams>> = {
  name: 'sched',
  summary: 'context switches, migrations, page faults (+ cache events where supported) per target (perf stat)',
  backends: ['perf'],
  params: schedParams,
  inKernel: true,
  plan(ctx) {
    // The first target (containerd by default) here; one-shot starts follow() for every other one.
    const pids = contextPids(ctx);
    if (pids.length === 0) throw new CtrscopeError('usage', 'no running process matches the targets', 'check --pid, --comm and --container');
    return perfStatPlan(pids[0]!);
  },
  follow: (t) => perfStatPlan(t.pid),
};
