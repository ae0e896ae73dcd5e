/**
 * Splits container starts into phases from containerd's events and exec tracepoints, all on one
 * clock (monotonic ns). For each container, the boundaries in the order they happen:
 *
 *   begin         exec of `ctr` (when ctrscope started it) or /snapshot/prepare, else /containers/create
 *   created       /containers/create event
 *   shim exec     containerd execs containerd-shim-runc-v2 (absent when a pod's shim is reused)
 *   runc create   the shim execs runc (create)
 *   task created  /tasks/create event (runc init has set the container up and waits)
 *   runc start    the shim execs runc again (start)
 *   first exec    the container's process execs its program: the pid /tasks/create names
 *
 * Phases are the spans between consecutive boundaries, named for what runs in them. A missing or
 * out-of-order boundary gives a null phase and the next phase spans from the last boundary seen,
 * so the phases of a start always add up to its total (first exec - begin).
 */
import type { ContainerdEvent } from '../../parsers/containerd-events.js';
export { START_TOPICS } from '../../parsers/containerd-events.js';
import type { ExecRecord } from '../../parsers/exec-trace.js';

export const PHASES = ['container create', 'task create', 'shim start', 'runc init', 'task start', 'first exec'] as const;
export type PhaseName = (typeof PHASES)[number];

/** What runs in each phase. */
export const PHASE_SPANS: Record<PhaseName, string> = {
  'container create': 'client + snapshot + container record',
  'task create': 'containerd: rootfs, bundle, until it execs the shim',
  'shim start': 'shim boots, until it execs runc create',
  'runc init': 'runc create / runc init set the container up',
  'task start': 'until the shim execs runc start',
  'first exec': 'runc start until the process execs',
};

/** A containerd event on the monotonic clock. */
export interface TimedEvent {
  ns: number;
  namespace: string;
  topic: string;
  payload: Record<string, unknown>;
}

export interface StartPhases {
  id: string;
  namespace: string;
  /** Seconds per phase; null when its end boundary was not seen. */
  phases: Record<PhaseName, number | null>;
  totalSeconds: number;
  /** Monotonic ns of the first boundary and of the first exec. */
  beginNs: number;
  firstExecNs: number;
  /** The image /containers/create names. */
  image?: string;
  /** Each phase seen, back to back from beginNs to firstExecNs, with the process that ran in it. */
  spans: PhaseSpan[];
}

/** One seen phase on the monotonic clock and the exec that stands for it (when there is one). */
export interface PhaseSpan {
  phase: PhaseName;
  startNs: number;
  endNs: number;
  proc?: ExecRecord;
  /** The shim daemon's pid, when seen. */
  shimPid?: number;
}

export interface StartRequest {
  id: string;
  /** The pid of the `ctr` that asked for it, when ctrscope started it. */
  ctrPid?: number;
}

/** Puts wall-clock events on the monotonic clock. */
export function toMonotonic(events: ContainerdEvent[], wallMinusMonoNs: bigint): TimedEvent[] {
  return events.map((e) => ({ ns: Number(e.timeNs - wallMinusMonoNs), namespace: e.namespace, topic: e.topic, payload: e.payload }));
}

const base = (f: string) => f.slice(f.lastIndexOf('/') + 1);
const str = (v: unknown) => (typeof v === 'string' ? v : undefined);

/**
 * Phases of each container that reached its first exec. `requests` limits the result to those
 * containers (ctrscope's own starts); without it every container with a /tasks/create is used.
 */
export function startPhases(events: TimedEvent[], execs: ExecRecord[], requests?: StartRequest[]): { starts: StartPhases[]; incomplete: string[] } {
  const find = (topic: string, id: string, key: string) => events.find((e) => e.topic === topic && str(e.payload[key]) === id);
  const ids = requests?.map((r) => r.id) ?? [...new Set(events.filter((e) => e.topic === '/tasks/create').map((e) => str(e.payload.container_id)).filter((x): x is string => !!x))];
  const starts: StartPhases[] = [];
  const incomplete: string[] = [];
  for (const id of ids) {
    const req = requests?.find((r) => r.id === id);
    const created = find('/containers/create', id, 'id');
    const taskCreated = find('/tasks/create', id, 'container_id');
    const taskPid = Number(taskCreated?.payload.pid);
    const firstExec = taskCreated && taskPid ? execs.find((x) => x.pid === taskPid && x.ns >= (created?.ns ?? 0)) : undefined;
    if (!created || !taskCreated || !firstExec) {
      incomplete.push(id);
      continue;
    }
    const shimPid = firstExec.ppid;
    const ctrExec = req?.ctrPid ? execs.find((x) => x.pid === req.ctrPid && base(x.file) === 'ctr') : undefined;
    const prepare = find('/snapshot/prepare', id, 'key');
    const beginNs = ctrExec?.ns ?? (prepare && prepare.ns <= created.ns ? prepare.ns : created.ns);
    // The daemon shim was exec'd by the `shim start` process that containerd exec'd.
    const shimDaemon = execs.find((x) => x.pid === shimPid && x.ns >= created.ns);
    const shimStart = shimDaemon ? execs.find((x) => x.pid === shimDaemon.ppid && x.ns >= created.ns && x.ns <= shimDaemon.ns) : undefined;
    const runcs = execs.filter((x) => x.ppid === shimPid && base(x.file) === 'runc' && x.ns >= created.ns && x.ns <= firstExec.ns);
    const runcCreate = runcs.find((x) => x.ns <= taskCreated.ns);
    const runcStart = runcs.find((x) => x.ns >= taskCreated.ns);
    const bounds = [created.ns, shimStart?.ns ?? shimDaemon?.ns, runcCreate?.ns, taskCreated.ns, runcStart?.ns, firstExec.ns];
    // The process each phase stands for: the client, the `shim start` process, the shim daemon,
    // runc create (and runc init), runc start, the container's first program.
    const procs = [ctrExec, shimStart, shimDaemon, runcCreate, runcStart, firstExec];
    const phases = {} as Record<PhaseName, number | null>;
    const spans: PhaseSpan[] = [];
    let last = beginNs;
    bounds.forEach((b, i) => {
      const name = PHASES[i]!;
      // The last boundary always closes a phase, so the phases add up to the total.
      if (b === undefined || (b < last && i < bounds.length - 1)) {
        phases[name] = null;
        return;
      }
      phases[name] = Math.max(0, b - last) / 1e9;
      spans.push({ phase: name, startNs: last, endNs: Math.max(last, b), proc: procs[i], shimPid: shimDaemon?.pid });
      last = Math.max(last, b);
    });
    starts.push({ id, namespace: created.namespace, phases, totalSeconds: Math.max(0, firstExec.ns - beginNs) / 1e9, beginNs, firstExecNs: firstExec.ns, image: str(created.payload.image), spans });
  }
  return { starts, incomplete };
}

/** Linear-interpolated quantile (q in 0..1) of values; null when empty. */
export function quantile(values: number[], q: number): number | null {
  if (values.length === 0) return null;
  const s = [...values].sort((a, b) => a - b);
  const pos = (s.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return s[lo]! + (s[hi]! - s[lo]!) * (pos - lo);
}

export interface PhaseStats {
  phase: PhaseName | 'total';
  /** Starts in which the phase was seen. */
  n: number;
  meanSeconds: number | null;
  p50Seconds: number | null;
  p99Seconds: number | null;
}

/** p50/p99/mean per phase and for the total. Means of phases add up to the mean total when every phase was seen. */
export function phaseStats(starts: StartPhases[]): PhaseStats[] {
  const stat = (phase: PhaseStats['phase'], vals: number[]): PhaseStats => ({
    phase,
    n: vals.length,
    meanSeconds: vals.length ? vals.reduce((a, b) => a + b, 0) / vals.length : null,
    p50Seconds: quantile(vals, 0.5),
    p99Seconds: quantile(vals, 0.99),
  });
  return [
    ...PHASES.map((p) => stat(p, starts.map((s) => s.phases[p]).filter((v): v is number => v !== null))),
    stat('total', starts.map((s) => s.totalSeconds)),
  ];
}
