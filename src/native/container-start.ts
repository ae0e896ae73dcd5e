/**
 * container-start: how long a container takes to start, phase by phase (see
 * src/aggregate/start-phases.ts), from containerd's event stream (`ctr events`) and exec
 * tracepoints (container-start.bt). `--count N` starts N containers from the test image one after
 * another in namespace ctrscope and removes them; `--watch` follows real starts for --duration.
 * OVERHEAD: a tracepoint on exec (a comparison per exec on the host) and one event subscriber.
 */
import { ContainerdEventsParser, type ContainerdEvent } from '../../parsers/containerd-events.js';
import { ExecTraceParser } from '../../parsers/exec-trace.js';
import { phaseStats, START_TOPICS, startPhases, toMonotonic, type StartRequest } from '../aggregate/start-phases.js';
import { CtrscopeError, usageError } from '../errors.js';
import { ensureTracefs, requireRoot, requireTool } from '../host/preflight.js';
import { ctrEvents, ctrHasImage, ctrRemoveAll, ctrRun, type CtrTarget } from '../runner/ctr.js';
import { ProbeTracer } from '../session/probe-tracer.js';
import { btPath } from '../host/probe-programs.js';
import type { ProbeReport, TracerPlan } from '../../probes/types.js';
import { checkOutput, containerdTargets, emit, round, runFor, say } from './common.js';
import { renderStarts } from './container-start-render.js';
import type { NativeProbe } from './types.js';
import { sleep } from '../util/sleep.js';
import { describeOtlp, otlpConfig, StartTraceExporter } from '../otel/exporter.js';

export const TEST_NAMESPACE = process.env.CTRSCOPE_NAMESPACE ?? 'ctrscope';
export const TEST_IMAGE = process.env.CTRSCOPE_IMAGE ?? 'docker.io/library/busybox:latest';
const MAX_COUNT = 1000;

export const containerStartProbe: NativeProbe = {
  name: 'container-start',
  summary: 'container start split into phases (events + exec tracepoints): --count N starts N test containers, --watch follows real ones',
  backend: 'bpftrace',
  async run(o) {
    if (o.watch && o.count !== undefined) throw usageError('--count and --watch do not go together', 'either start containers (--count N) or follow real ones (--watch)');
    const count = o.watch ? 0 : parseCount(o.count ?? '10');
    checkOutput(o);
    const otlp = otlpConfig(o.otlpEndpoint);
    requireRoot('--probe container-start');
    requireTool('setpriv');
    requireTool('bpftrace');
    requireTool('ctr');
    const target: CtrTarget = { namespace: TEST_NAMESPACE };
    if (!o.watch && !(await ctrHasImage(target, TEST_IMAGE))) {
      throw new CtrscopeError('containerd', `the test image ${TEST_IMAGE} is not in namespace ${TEST_NAMESPACE}`, 'run scripts/setup.sh as root to build and import it');
    }
    await ensureTracefs(say);
    const session = await startTracing();
    const traces = otlp ? new StartTraceExporter(otlp) : null;
    if (otlp) say(`sending each start as a trace to ${otlp.url} (from ${otlp.from})`);
    const requests: StartRequest[] = [];
    const wall: Record<string, number> = {};
    const prefix = `ctrscope-start-${process.pid}-`;
    const t0 = Date.now();
    try {
      if (o.watch) {
        say(`following container starts for ${o.durationSeconds} s (Ctrl-C ends early)`);
        // Starts complete on the previous tick are sent on this one (their events have all come).
        let ready = new Set<string>();
        await runFor(o.durationSeconds * 1000, () => {
          const t = session.exec.result();
          if (!traces || t.wallMinusMonoNs === null) return;
          const { starts } = startPhases(toMonotonic(session.events.result().events, t.wallMinusMonoNs), t.execs);
          traces.exportStarts(starts.filter((s) => ready.has(s.id)), t.wallMinusMonoNs);
          ready = new Set(starts.map((s) => s.id));
        });
      }
      else {
        for (let i = 1; i <= count; i++) {
          const id = `${prefix}${i}`;
          const r = await ctrRun(target, TEST_IMAGE, id, ['echo', 'ctrscope']);
          if (r.code !== 0) say(`container ${id} failed: ${r.stderr.trim().split('\n').at(-1) ?? `exit ${r.code}`}`);
          requests.push({ id, ctrPid: r.pid });
          wall[id] = Number(r.exitedNs - r.spawnedNs) / 1e9;
        }
        // Events and execs of the last start may still be on their way.
        await new Promise((r) => setTimeout(r, 300));
      }
    } finally {
      await session.stop();
      if (!o.watch) {
        const left = await ctrRemoveAll(target, prefix);
        if (left.length) say(`removed ${left.length} container(s) left behind: ${left.join(', ')}`);
      }
    }
    const trace = session.exec.result();
    if (trace.wallMinusMonoNs === null) throw new CtrscopeError('tracer', 'bpftrace printed no clock line', 'run with CTRSCOPE_DEBUG=1 and report it');
    const events = toMonotonic(session.events.result().events, trace.wallMinusMonoNs);
    const { starts, incomplete } = startPhases(events, trace.execs, o.watch ? undefined : requests);
    traces?.exportStarts(starts, trace.wallMinusMonoNs);
    const otlpStats = await traces?.shutdown();
    if (otlpStats) say(describeOtlp(otlpStats));
    const report = {
      probe: 'container-start',
      backend: 'bpftrace' as const,
      attachPoint: 'ctr events + tracepoint:sched:sched_process_exec',
      skipped: [],
      durationSeconds: round((Date.now() - t0) / 1000, 2),
      targets: containerdTargets(),
      mode: o.watch ? ('watch' as const) : ('count' as const),
      namespace: o.watch ? null : TEST_NAMESPACE,
      started: starts.length,
      incomplete,
      phases: phaseStats(starts).map((s) => ({ ...s, meanSeconds: r6(s.meanSeconds), p50Seconds: r6(s.p50Seconds), p99Seconds: r6(s.p99Seconds) })),
      starts: starts.map((s) => ({ id: s.id, namespace: s.namespace, totalSeconds: round(s.totalSeconds), ctrWallSeconds: wall[s.id] !== undefined ? round(wall[s.id]!) : null, phases: roundPhases(s.phases) })),
      lostEvents: trace.lost,
      ...(otlpStats ? { otlp: otlpStats } : {}),
      warnings: [
        ...(trace.lost ? [`${trace.lost} exec events lost by bpftrace`] : []),
        ...(session.events.result().dropped ? ['too many containerd events: some were not kept'] : []),
        ...(otlpStats?.spansDropped ? [`${otlpStats.spansDropped} OTLP spans dropped: ${otlpStats.lastError ?? 'the collector did not take them'}`] : []),
      ],
    };
    emit(o, report satisfies ProbeReport, () => renderStarts(report));
    return starts.length === 0 && !o.watch ? 1 : 0;
  },
};

export type StartReport = Parameters<typeof renderStarts>[0];

const r6 = (v: number | null) => (v === null ? null : round(v));
const roundPhases = (p: Record<string, number | null>) => Object.fromEntries(Object.entries(p).map(([k, v]) => [k, r6(v)]));

function parseCount(raw: string): number {
  if (!/^[1-9]\d{0,3}$/.test(raw) || Number(raw) > MAX_COUNT) throw usageError(`--count ${JSON.stringify(raw.slice(0, 20))}: give a whole number from 1 to ${MAX_COUNT}`);
  return Number(raw);
}

/** Starts bpftrace and `ctr events`; resolves when both are listening. */
async function startTracing() {
  const exec = new ExecTraceParser();
  const events = new ContainerdEventsParser((e: ContainerdEvent) => START_TOPICS.has(e.topic));
  // Text mode, read by ExecTraceParser (onLine), so the plan's parser is not used. Attached as
  // ProbeTracer sees it (the kernel holds every program) once the BEGIN clock line has been read.
  const plan: TracerPlan = { backend: 'bpftrace', attachPoint: 'tracepoint:sched:sched_process_exec', skipped: [], parser: 'bpftrace-json', argv: ['bpftrace', btPath('container-start')] };
  const bpf = new ProbeTracer(plan, { onLine: (l) => exec.line(l), ready: () => exec.result().wallMinusMonoNs !== null });
  const ev = ctrEvents();
  bpf.start();
  const stopBoth = async () => {
    await Promise.all([bpf.stop(), ev.exited ? undefined : ev.stop()]);
  };
  if ((await bpf.waitAttached(30_000)) !== 'attached') {
    await stopBoth();
    const tail = bpf.reason();
    throw new CtrscopeError('tracer', `bpftrace did not attach to sched:sched_process_exec${tail ? `: ${tail}` : ''}`, 'check that tracefs is mounted and bpftrace works (ctrscope doctor)');
  }
  ev.start({ onStdoutLine: (l) => events.line(l) });
  // ctr prints nothing when it has subscribed; give it a moment before the first start.
  await sleep(500);
  if (ev.exited) {
    await stopBoth();
    throw new CtrscopeError('containerd', `ctr events stopped: ${ev.exited.stderrTail.slice(-1)[0] ?? `exit ${ev.exited.code}`}`, 'check that containerd is running');
  }
  return { exec, events, stop: stopBoth };
}

