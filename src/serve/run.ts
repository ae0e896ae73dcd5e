/**
 * `ctrscope serve`: the live view's sources run headless, exposed for Prometheus. The live feed
 * (session/live-feed.ts) runs the same tracer and poll as the live view: live-kernel.bt (one
 * bpftrace program for the whole syscall path) and the /proc counters. Only what reads their
 * output is serve's own (kernel-counters.ts, sched-counters.ts: totals that only grow, instead
 * of the live view's rates). No terminal, no rendering, no stacks tracer, no copy of
 * containerd's own metrics (Prometheus scrapes those from containerd). The HTTP port is bound
 * before any tracer starts; SIGTERM, SIGINT or SIGHUP stop every tracer and exit 0.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { TargetSelection } from '../targets/resolve.js';
import { resolveTargets } from '../targets/resolve.js';
import { CommCache, discover, type HostTargets } from '../targets/discover.js';
import { ensureTracefs, requireRoot, requireTool } from '../host/preflight.js';
import { syscallNamer } from '../host/syscalls.js';
import { clearTheWay } from '../runner/preflight-tracers.js';
import { LiveEngine } from '../session/live.js';
import { LiveFeed } from '../session/live-feed.js';
import { kernelSource } from '../session/live-sources/kernel.js';
import { targetChangeInLine } from '../session/live-sources/kernel-print.js';
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

export interface ServeOptions {
  selection: TargetSelection;
  listen: ListenAddress;
}

const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
/** A full look at /proc this often; between, only when the kernel program says a target came or went. */
const RESCAN_MS = 10_000;

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
  const kernel = new KernelCounters(syscallNamer(process.arch), roleOf);
  const sched = new SchedCounters(roleOf);
  // containerd's log from serve's start (no backlog): its lines by level.
  const logDef = containerdLogSourceDef({ backlog: false });
  let log: ReturnType<typeof createContainerdLogLiveSource> | undefined;
  const defs: LiveSourceDef[] = [
    { ...kernelSource, create: () => kernel },
    { ...schedSource, create: () => sched },
    { ...logDef, create: (ctx) => (log = createContainerdLogLiveSource(ctx)) },
  ];
  const t0 = Date.now();
  const now = () => Date.now() - t0;
  const engine = new LiveEngine(defs, { arch: process.arch }, 'live', now);
  engine.setHost(host);
  const comms = new CommCache();
  let targetsChanged = false;
  const feed = new LiveFeed(engine, nullSink, now, (line) => {
    targetsChanged = true;
    const c = targetChangeInLine(line);
    if (c?.kind === 'exec') comms.forget(c.pid);
  });
  const cost = new SelfCost(() => feed.pids());
  const state: ServeState = {
    kernel,
    sched,
    cost: () => cost.sample(),
    targets: () => countRoles(host),
    containerdLogLevels: () => log?.output(now()).containerdLog.levels ?? {},
    sources: () =>
      defs.map((d): SourceInfo => {
        const s = engine.status(d.id);
        const src = d.id === 'kernel' ? kernel : d.id === 'sched' ? sched : { unrecognized: log?.output(now()).unrecognized ?? 0 };
        return { id: d.id, probe: d.probe, backend: s?.backend, attachPoint: s?.attachPoint, state: s?.state ?? 'missing', droppedLines: s?.droppedLines ?? 0, lost: d.id === 'kernel' ? kernel.lost : 0, unrecognized: src.unrecognized };
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
  let stopping: Promise<number> | null = null;
  let finish!: (code: number) => void;
  const done = new Promise<number>((r) => (finish = r));
  const shutdown = (): Promise<number> => {
    stopping ??= (async () => {
      clearInterval(timer);
      await Promise.allSettled([feed.stop(), closeServer(server)]);
      for (const s of SIGNALS) process.off(s, onSignal);
      // The runner's stop ladder may leave deadline timers pending: they must not hold the exit.
      setTimeout(() => process.exit(), 300).unref();
      return 0;
    })();
    void stopping.then(finish);
    return stopping;
  };
  const onSignal = () => void shutdown();
  for (const s of SIGNALS) process.on(s, onSignal);
  try {
    clearTheWay(targets.map((t) => t.pid), say);
    await ensureTracefs(say);
  } catch (e) {
    await shutdown();
    throw e;
  }
  feed.start(defs, { host, selection: o.selection, targets });
  const k = engine.status('kernel');
  say(`serving http://${showAddress({ host: o.listen.host, port })}/metrics and /healthz (kernel: ${k?.backend ?? '?'} at ${k?.attachPoint ?? '?'}; SIGTERM stops)`);

  let scannedAt = now();
  let fullAt = scannedAt;
  let toldFailed = false;
  timer = setInterval(() => {
    const t = now();
    const ks = engine.status('kernel');
    if (ks?.state === 'failed' && !toldFailed) {
      toldFailed = true;
      say(`the kernel tracer failed: ${ks.message ?? 'no reason given'} (/healthz answers 503; the /proc counters go on)`);
    }
    // Without the kernel program's hints, /proc is looked at on every tick.
    if (!targetsChanged && ks?.state === 'running' && t - scannedAt < RESCAN_MS) return;
    const full = t - fullAt >= RESCAN_MS;
    if (full) fullAt = t;
    targetsChanged = false;
    scannedAt = t;
    host = discover(full ? undefined : comms);
    engine.setHost(host);
    feed.onHost(host);
  }, 1000);
  return done;
}
