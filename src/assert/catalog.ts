/**
 * Every probe's assertable fields: what `--assert` may name, in which unit, and where in the
 * probe's --json report the value comes from. `ctrscope probes --assertable` and the README print
 * this table. Pure.
 */
import { countAndRate, num, percentOf, sumOf, type AssertField, type Report } from './fields.js';
import { NATIVE_ASSERTABLE, START_SPREAD } from './catalog-native.js';

const NS = 1e-9;
const rowOf = (rows: unknown, key: string, name: string): Record<string, unknown> | undefined => (Array.isArray(rows) ? rows.find((x) => x?.[key] === name) : undefined);

/** Fields of a syscall table (syscall-count, syscall-trace): totals and per syscall. */
function syscallTable(who: string): AssertField[] {
  const total = (r: Report) => sumOf(r.syscalls, 'calls');
  return [
    ...countAndRate('calls', `syscalls ${who} (sum of syscalls[].calls)`, total),
    { name: 'errors', kind: 'count', doc: 'of those, calls that returned an error (sum of syscalls[].errors)', get: (r) => sumOf(r.syscalls, 'errors') },
    { name: 'errors.percent', kind: 'percent', doc: 'errors as a share of calls', get: (r) => percentOf(sumOf(r.syscalls, 'errors'), total(r)) },
    { name: 'seconds', kind: 'duration', doc: 'time spent in syscalls, summed (sum of syscalls[].seconds)', get: (r) => sumOf(r.syscalls, 'seconds') },
    ...countAndRate('syscall.<name>.calls', 'calls of one syscall, e.g. syscall.futex.calls (0 when never called)', (r, [n]) => num(rowOf(r.syscalls, 'syscall', n!)?.calls) ?? 0),
    { name: 'syscall.<name>.errors', kind: 'count', doc: 'errors of one syscall (0 when never called)', get: (r, [n]) => num(rowOf(r.syscalls, 'syscall', n!)?.errors) ?? 0 },
    { name: 'syscall.<name>.seconds', kind: 'duration', doc: 'time in one syscall, summed (0 when never called)', get: (r, [n]) => num(rowOf(r.syscalls, 'syscall', n!)?.seconds) ?? 0 },
  ];
}

function latency(op: 'read' | 'write'): AssertField[] {
  const pct = (p: 'p50' | 'p90' | 'p99'): AssertField => ({
    name: `${op}.${p}`,
    kind: 'duration',
    doc: `${p} latency of ${op} calls (stats.${op}.${p}, ns in the JSON; none when no call was seen)`,
    get: (r) => {
      const v = num(r.stats?.[op]?.[p]);
      return v === null ? null : v * NS;
    },
  });
  return [pct('p50'), pct('p90'), pct('p99'), ...countAndRate(`${op}.count`, `${op} calls timed (stats.${op}.count)`, (r) => num(r.stats?.[op]?.count) ?? 0)];
}

const phaseName = (p: string) => p.replace(/ /g, '-');
function phase(stat: 'p50' | 'p99' | 'mean'): AssertField {
  return {
    name: `phase.<phase>.${stat}`,
    kind: 'duration',
    doc: `${stat} duration of one start phase over the starts (phases[].${stat}Seconds); <phase>: total, container-create, task-create, shim-start, runc-init, task-start, first-exec`,
    get: (r, [p]) => num(rowOf((r.phases ?? []).map((x: any) => ({ ...x, phase: phaseName(String(x.phase)) })), 'phase', p!)?.[`${stat}Seconds`]),
  };
}

const SCHED = ['context-switches', 'cpu-migrations', 'page-faults'];

export const ASSERTABLE: Record<string, AssertField[]> = {
  'syscall-count': [
    ...syscallTable('that completed while attached'),
    { name: 'syscall.<name>.max', kind: 'duration', doc: 'the longest single call of one syscall (syscalls[].maxSeconds; bpftrace backend)', get: (r, [n]) => num(rowOf(r.syscalls, 'syscall', n!)?.maxSeconds) },
    { name: 'slow-calls', kind: 'count', doc: 'calls over 10 ms that are not waits by design, at most 20 listed (slowCalls[])', get: (r) => (Array.isArray(r.slowCalls) ? r.slowCalls.length : 0) },
    ...countAndRate('role.<role>.calls', 'syscalls of one role: containerd, shim, runc, container, other (sum of processes[].calls; bpftrace backend)', (r, [role]) => sumOf((r.processes ?? []).filter((p: any) => p.role === role), 'calls')),
  ],
  'syscall-trace': [
    ...syscallTable('that returned while strace was attached'),
    { name: 'slowest', kind: 'duration', doc: 'the slowest single call (slowest[0].seconds)', get: (r) => num(r.slowest?.[0]?.seconds) },
    { name: 'never-returned', kind: 'count', doc: 'calls that never returned while attached (neverReturned)', get: (r) => num(r.neverReturned) },
    { name: 'threads', kind: 'count', doc: 'threads seen (threads)', get: (r) => num(r.threads) },
  ],
  'vfs-latency': [...latency('read'), ...latency('write')],
  'file-opens': [
    ...countAndRate('opens', 'files opened (opens)', (r) => num(r.opens)),
    { name: 'failed', kind: 'count', doc: 'opens that failed (failed)', get: (r) => num(r.failed) },
    { name: 'failed.percent', kind: 'percent', doc: 'failed opens as a share of opens', get: (r) => percentOf(num(r.failed), num(r.opens)) },
  ],
  'process-exec': [
    ...countAndRate('forks', 'new processes the targets created (forks)', (r) => num(r.forks)),
    ...countAndRate('threads', 'new threads the targets created (threads)', (r) => num(r.threads)),
    ...countAndRate('execs', 'programs executed by the targets or their children (execs)', (r) => num(r.execs)),
  ],
  sched: SCHED.flatMap((e) => countAndRate(e, `${e} of the targets, summed (counters["${e}"]; none when perf cannot count it here)`, (r) => num(r.counters?.[e]))),
  'cpu-profile': [{ name: 'samples', kind: 'count', doc: 'on-CPU samples of the targets at 99 Hz (samples)', get: (r) => num(r.samples) }],
  'off-cpu': [
    { name: 'samples', kind: 'count', doc: 'blocking waits that ended while attached (samples)', get: (r) => num(r.samples) },
    { name: 'blocked', kind: 'duration', doc: 'time blocked, summed over the waits (total, ns in the JSON)', get: (r) => (num(r.total) === null ? null : r.total * NS) },
  ],
  'runtime-cost': [
    { name: 'containers', kind: 'count', doc: 'containers whose shim or runc ran while attached (totals.containers)', get: (r) => num(r.totals?.containers) },
    { name: 'shim.cpu', kind: 'duration', doc: 'CPU time of all shims tied to a container (totals.shimCpuSeconds)', get: (r) => num(r.totals?.shimCpuSeconds) },
    { name: 'runc.cpu', kind: 'duration', doc: 'CPU time of all runc processes, runc init included (totals.runcCpuSeconds)', get: (r) => num(r.totals?.runcCpuSeconds) },
    ...countAndRate('runc.calls', 'runc invocations: create, start, delete, kill ... (totals.runcCalls)', (r) => num(r.totals?.runcCalls)),
    { name: 'container.max-cpu', kind: 'duration', doc: 'the most CPU one container cost its shim and runc together (max of containers[].shimCpuSeconds + runcCpuSeconds)', get: (r) => (Array.isArray(r.containers) && r.containers.length ? Math.max(...r.containers.map((c: any) => (num(c.shimCpuSeconds) ?? 0) + (num(c.runcCpuSeconds) ?? 0))) : null) },
    { name: 'containerd.cpu', kind: 'duration', doc: "containerd's own CPU time (containerd.cpuSeconds)", get: (r) => num(r.containerd?.cpuSeconds) },
    ...countAndRate('containerd.syscalls', "containerd's syscalls (containerd.syscalls)", (r) => num(r.containerd?.syscalls)),
  ],
  'container-start': [
    { name: 'started', kind: 'count', doc: 'containers whose start was timed (started)', get: (r) => num(r.started) },
    { name: 'incomplete', kind: 'count', doc: 'starts seen only in part (incomplete[], their ids)', get: (r) => (Array.isArray(r.incomplete) ? r.incomplete.length : null) },
    phase('p50'),
    phase('p99'),
    phase('mean'),
    ...START_SPREAD,
  ],
  ...NATIVE_ASSERTABLE,
};
