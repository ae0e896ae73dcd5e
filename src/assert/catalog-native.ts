/**
 * The assertable fields of the probes that read containerd itself (src/native/), and the
 * spread of container-start's phases over its starts (p95, max: from starts[], the per-start
 * values, which the report's phases[] summarise as mean, p50, p99). Merged into ASSERTABLE
 * (catalog.ts). Pure.
 */
import { quantile } from '../aggregate/start-phases.js';
import { countAndRate, num, percentOf, type AssertField, type Report } from './fields.js';

const PHASES = 'total, container-create, task-create, shim-start, runc-init, task-start, first-exec';

/** One phase's value in every start that has it, seconds ("total": the whole start). */
function phaseValues(r: Report, phase: string): number[] {
  if (!Array.isArray(r.starts)) return [];
  return r.starts.flatMap((s: any) => {
    const v = phase === 'total' ? num(s?.totalSeconds) : num(Object.entries(s?.phases ?? {}).find(([k]) => k.replace(/ /g, '-') === phase)?.[1]);
    return v === null ? [] : [v];
  });
}

export const START_SPREAD: AssertField[] = [
  { name: 'phase.<phase>.p95', kind: 'duration', doc: `p95 duration of one start phase over the starts (from starts[].phases; <phase>: ${PHASES})`, get: (r, [p]) => quantile(phaseValues(r, p!), 0.95) },
  { name: 'phase.<phase>.max', kind: 'duration', doc: 'the longest one start phase took (from starts[].phases)', get: (r, [p]) => (phaseValues(r, p!).length ? Math.max(...phaseValues(r, p!)) : null) },
];

const contention = (kind: string): AssertField[] => [
  { name: 'contentions', kind: 'count', doc: `${kind} contentions containerd recorded since profiling began (contentions)`, get: (r) => num(r.contentions) },
  { name: 'delay', kind: 'duration', doc: `time waited on them in total (delaySeconds)`, get: (r) => num(r.delaySeconds) },
];

export const NATIVE_ASSERTABLE: Record<string, AssertField[]> = {
  goroutines: [
    { name: 'goroutines', kind: 'count', doc: "containerd's goroutines at the end of the run (goroutines)", get: (r) => num(r.goroutines) },
    { name: 'growth', kind: 'count', doc: 'goroutines gained over the run, end minus start (goroutines - startGoroutines)', get: (r) => (num(r.goroutines) === null || num(r.startGoroutines) === null ? null : r.goroutines - r.startGoroutines) },
  ],
  'grpc-latency': [
    ...countAndRate('calls', 'gRPC calls containerd handled over the run (calls)', (r) => num(r.calls)),
    { name: 'errors', kind: 'count', doc: 'of those, calls that ended with a code other than OK (errors)', get: (r) => num(r.errors) },
    { name: 'errors.percent', kind: 'percent', doc: 'errors as a share of calls', get: (r) => percentOf(num(r.errors), num(r.calls)) },
    { name: 'p99.max', kind: 'duration', doc: "the highest p99 of any method (max of methods[].p99Seconds; none without containerd's grpc_histogram)", get: (r) => maxOf(r.methods, 'p99Seconds') },
    { name: 'cpu.percent', kind: 'percent', doc: "containerd's CPU over the run, % of one core (process.cpuPercent)", get: (r) => num(r.process?.cpuPercent) },
  ],
  'go-cpu': [
    { name: 'cpu', kind: 'duration', doc: 'CPU time the Go profile sampled in containerd (cpuSeconds)', get: (r) => num(r.cpuSeconds) },
    { name: 'cpu.percent', kind: 'percent', doc: 'that CPU as % of one core over the profile (cpuPercent)', get: (r) => num(r.cpuPercent) },
    { name: 'gc.percent', kind: 'percent', doc: 'share of samples in garbage collection and allocation (gcShare x 100)', get: (r) => (num(r.gcShare) === null ? null : r.gcShare * 100) },
  ],
  heap: [
    { name: 'inuse.bytes', kind: 'count', doc: 'bytes in use on containerd\'s heap, as the heap profile samples them (inuseBytes)', get: (r) => num(r.inuseBytes) },
    { name: 'inuse.objects', kind: 'count', doc: 'objects in use (inuseObjects)', get: (r) => num(r.inuseObjects) },
  ],
  block: contention('block'),
  mutex: contention('mutex'),
};

function maxOf(rows: unknown, key: string): number | null {
  const v = Array.isArray(rows) ? rows.map((x) => num(x?.[key])).filter((x): x is number => x !== null) : [];
  return v.length ? Math.max(...v) : null;
}
