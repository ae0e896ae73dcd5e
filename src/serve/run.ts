/**
 * `ctrscope serve`: the live view's sources run headless, exposed for Prometheus. The live feed
 * (session/live-feed.ts) runs the same tracer and poll as the live view: live-kernel.bt (one
 * bpftrace program for the whole syscall path) and the /proc counters. Only what reads their
 * output is serve's own (kernel-counters.ts, sched-counters.ts: totals that only grow, instead
 * of the live view's rates). No terminal, no rendering, no stacks tracer, no copy of
 * containerd's own metrics (Prometheus scrapes those from containerd). Container starts come from
 * the live view's starts source (one `ctr events` with the kernel program's exec lines) into
 * start-metrics.ts's histograms and, with --otlp-endpoint, as traces. The HTTP port is bound
 * before any tracer starts; SIGTERM, SIGINT or SIGHUP stop every tracer and exit 0.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { TargetSelection } from '../targets/resolve.js';
import { resolveTargets } from '../targets/resolve.js';
import { discover, type HostTargets } from '../targets/discover.js';
import { ensureTracefs, requireRoot, requireTool } from '../host/preflight.js';
import { syscallNamer } from '../host/syscalls.js';
import { clearTheWay } from '../runner/preflight-tracers.js';
import { LiveEngine } from '../session/live.js';
import { LiveFeed } from '../session/live-feed.js';
import { probeContext } from '../session/probe-context.js';
import type { ProbeContext } from '../../probes/types.js';
import { kernelSource } from '../session/live-sources/kernel.js';
import { TargetRescan } from '../session/target-rescan.js';
import { sessionShell } from '../session/session-shell.js';
import { schedSource } from '../session/live-sources/sched.js';
import type { LiveSourceDef } from '../session/live-sources/types.js';
import { nullSink } from '../session/record-format.js';
import { KernelCounters } from './kernel-counters.js';
import { closeServer, listen, showAddress, type ListenAddress } from './listen.js';
import { exposition, type ServeState, type SourceInfo } from './metrics.js';
import { containerdLogSourceDef, createContainerdLogLiveSource } from '../session/live-sources/containerd-log.js';
import { roleOfComm } from './roles.js';
import { SchedCounters } from './sched-counters.js';
import { SelfCost } from './self-cost.js';
import { StartFeed } from './start-metrics.js';
import { startsSourceWith } from '../session/live-sources/starts.js';
import type { OtlpConfig } from '../otel/config.js';
import { procsOfPoll, RuntimeCostReader } from '../session/live-sources/runtime-cost.js';

export interface ServeOptions {
  selection: TargetSelection;
  listen: ListenAddress;
  /** --otlp-endpoint (or OTEL_*): each container start is sent as a trace. */
  otlp?: OtlpConfig | null;
}


const say = (m: string) => process.stderr.write(`ctrscope: ${m}\n`);

const countRoles = (h: HostTargets) => ({ containerd: h.containerd.length, shim: h.shims.length, container: h.containers.length });

export async function runServe(o: ServeOptions): Promise<number> {
  requireRoot('ctrscope serve');
  requireTool('setpriv');
  requireTool('bpftrace');
  let host = discover();
  const targets = resolveTargets(o.selection, host);
  const containerComms = new Set(targets.filter((t) => t.role === 'container').map((t) => t.comm));
  const roleOf = (comm: string) => roleOfComm(comm, containerComms);

  // The live view's two sources as they are (probe, tracer plan, poll), read by serve's counters.
  // What each container costs the runtime: from the same kernel program's prints and the same /proc polls.
  const runtime = new RuntimeCostReader();
  const kernel = new KernelCounters(syscallNamer(process.arch), roleOf, runtime);
  const sched = new SchedCounters(roleOf, (poll) => runtime.ledger.procs(procsOfPoll(poll), now()));
  // containerd's log from serve's start (no backlog): its lines by level.
  const logDef = containerdLogSourceDef({ backlog: false });
  let log: ReturnType<typeof createContainerdLogLiveSource> | undefined;
  const defs: LiveSourceDef[] = [
    { ...kernelSource, create: () => kernel },
    { ...schedSource, create: () => sched },
    { ...logDef, create: (ctx) => (log = createContainerdLogLiveSource(ctx)) },
  ];
  // Container starts: `ctr events` with the kernel program's exec lines, into the histograms and the traces.
  const startFeed = new StartFeed();
  // OpenTelemetry's modules are loaded only when traces are sent (half a second of CPU to load).
  const otel = o.otlp ? await import('../otel/exporter.js') : null;
  const traces = o.otlp && otel ? new otel.StartTraceExporter(o.otlp) : null;
  defs.push(startsSourceWith((s, wallMinusMonoNs) => {
    startFeed.publish(s);
    traces?.exportStarts([s], wallMinusMonoNs);
  }));
  const t0 = Date.now();
  const now = () => Date.now() - t0;
  const engine = new LiveEngine(defs, { arch: process.arch }, 'live', now);
  engine.setHost(host);
  runtime.ledger.knownShims(host.shims, now());
  const rescan = new TargetRescan(now);
  const feed = new LiveFeed(engine, nullSink, now, (line) => rescan.hint(line));
  const cost = new SelfCost(() => feed.pids());
  const state: ServeState = {
    kernel,
    sched,
    cost: () => cost.sample(),
    targets: () => countRoles(host),
    containerdLogLevels: () => log?.output(now()).containerdLog.levels ?? {},
    starts: startFeed,
    ...(traces ? { otlp: () => traces.stats() } : {}),
    runtime: () => runtime.ledger.samples(now()),
    sources: () =>
      defs.map((d): SourceInfo => {
        const s = engine.status(d.id);
        const src = d.id === 'kernel' ? kernel : d.id === 'sched' ? sched : d.id === 'containerd-log' && log ? { unrecognized: log.output(now()).unrecognized } : null;
        return { id: d.id, probe: d.probe, backend: s?.backend, attachPoint: s?.attachPoint, state: s?.state ?? 'missing', droppedLines: s?.droppedLines ?? 0, lost: d.id === 'kernel' ? kernel.lost : 0, unrecognized: src?.unrecognized ?? s?.unrecognized ?? 0 };
      }),
  };
  const expo = exposition(state);
  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD', 'content-type': 'text/plain' }).end('only GET /metrics and GET /healthz\n');
    } else if (path === '/metrics') {
      const { body, contentType } = await expo.render(req.headers.accept);
      res.writeHead(200, { 'content-type': contentType, 'content-length': Buffer.byteLength(body) }).end(req.method === 'HEAD' ? undefined : body);
    } else if (path === '/healthz') {
      const k = engine.status('kernel');
      const ok = k?.state === 'running' || k?.state === 'starting';
      res.writeHead(ok ? 200 : 503, { 'content-type': 'text/plain' }).end(ok ? 'ok\n' : `kernel source ${k?.state}: ${k?.message ?? ''}\n`);
    } else {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found: GET /metrics or /healthz\n');
    }
  };

  // The port first: when it cannot be had, no tracer has started.
  const { server, port } = await listen(o.listen, handle);
  let timer: NodeJS.Timeout | undefined;
  const { shutdown, done } = sessionShell(async () => {
    clearInterval(timer);
    await Promise.allSettled([feed.stop(), closeServer(server)]);
    if (traces && otel) say(otel.describeOtlp(await traces.shutdown()));
  }, { exitAfter: true });
  let ctx: ProbeContext;
  try {
    clearTheWay(targets.map((t) => t.pid), say);
    await ensureTracefs(say);
    ctx = await probeContext(host, o.selection, targets);
  } catch (e) {
    await shutdown();
    throw e;
  }
  feed.start(defs, ctx);
  const k = engine.status('kernel');
  say(`serving http://${showAddress({ host: o.listen.host, port })}/metrics and /healthz (kernel: ${k?.backend ?? '?'} at ${k?.attachPoint ?? '?'}; SIGTERM stops)`);
  if (o.otlp) say(`sending each container start as a trace to ${o.otlp.url} (from ${o.otlp.from})`);

  let toldFailed = false;
  timer = setInterval(() => {
    const ks = engine.status('kernel');
    if (ks?.state === 'failed' && !toldFailed) {
      toldFailed = true;
      say(`the kernel tracer failed: ${ks.message ?? 'no reason given'} (/healthz answers 503; the /proc counters go on)`);
    }
    const h = rescan.due(ks?.state === 'running');
    if (!h) return;
    host = h;
    engine.setHost(host);
    runtime.ledger.knownShims(host.shims, now());
    feed.onHost(host);
  }, 1000);
  return done;
}
