/**
 * `ctrscope` with no probe: the live session. Starts the default probes' tracers (and the demo
 * load), ticks snapshots into the terminal view or plain text, and has one shutdown path, run
 * once, for q, Ctrl-C and SIGINT/SIGTERM/SIGHUP: tracers stopped, containers removed, terminal
 * restored, then exit code 0.
 */
import type { TargetSelection } from '../targets/resolve.js';
import { LIVE_KERNEL_COST } from '../../probes/live.js';
import { ensureTracefs, requireRoot, requireTool } from '../host/preflight.js';
import { DemoLoad } from '../runner/load.js';
import { clearTheWay } from '../runner/preflight-tracers.js';
import { resolveTargets } from '../targets/resolve.js';
import { canUseTerminal, plainFrontend, terminalFrontend, type Frontend } from '../ui/frontend.js';
import type { Effect, UiAction } from '../ui/state.js';
import { LiveEngine } from './live.js';
import { exportStacks } from './live-effects.js';
import { LiveFeed } from './live-feed.js';
import { containerdVersion, CpuMeter, discover, sameHost } from './live-host.js';
import { CommCache } from '../targets/discover.js';
import { targetChangeInLine } from './live-sources/kernel-print.js';
import { LIVE_SOURCES } from './live-sources/index.js';
import { nullSink, RECORDING_FORMAT, type RecordSink } from './record-format.js';
import { Recorder, statsFile } from './record.js';
import { VERSION } from '../version.js';
import { runStrace, type StraceRun } from './live-strace.js';

export interface LiveOptions {
  selection: TargetSelection;
  demo: boolean;
  record?: string;
  /** Snapshot interval, ms. */
  intervalMs?: number;
}

const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
/** How often /proc is scanned for targets when no tracer said one started or exited. */
const RESCAN_MS = 10_000;

export async function runLive(o: LiveOptions): Promise<number> {
  const say = (m: string) => process.stderr.write(`ctrscope: ${m}\n`);
  requireRoot('the live view');
  requireTool('setpriv');
  requireTool('bpftrace');
  if (o.demo) requireTool('ctr');
  const host = discover();
  const targets = resolveTargets(o.selection, host);
  clearTheWay(targets.map((t) => t.pid), say);
  await ensureTracefs(say);
  const sink: RecordSink = o.record ? new Recorder(o.record) : nullSink;
  // CTRSCOPE_STATS_FILE: the 'self' entries alone (own cost, frame times), for npm run bench:live.
  const stats = process.env.CTRSCOPE_STATS_FILE ? statsFile(process.env.CTRSCOPE_STATS_FILE) : null;
  const version = await containerdVersion(host.containerd[0]?.pid);

  const t0 = Date.now();
  const now = () => Date.now() - t0;
  const engine = new LiveEngine(LIVE_SOURCES, { arch: process.arch, startedAtMs: t0 }, 'live', now);
  engine.setHost(host);
  engine.setContainerdVersion(version);
  engine.setSession({ defaultTargets: o.selection.defaultTargets, kernelCost: LIVE_KERNEL_COST });
  if (sink instanceof Recorder) engine.setSession({ recordingTo: sink.path });
  // Targets come and go: the kernel program says when one execs or exits, and only then (or every
  // RESCAN_MS as a check, or on every tick while no tracer can say so) is /proc scanned again.
  let targetsChanged = true;
  const comms = new CommCache();
  const feed = new LiveFeed(engine, sink, now, (line) => {
    targetsChanged = true;
    // A process that exec'd has a new comm: read it again.
    const c = targetChangeInLine(line);
    if (c?.kind === 'exec') comms.forget(c.pid);
  });
  feed.start(LIVE_SOURCES, { host, selection: o.selection, targets }, (planned) => {
    sink.write({ t: 0, type: 'meta', format: RECORDING_FORMAT, ctrscope: VERSION, arch: process.arch, startedAt: new Date(t0).toISOString(), containerdVersion: version, sources: planned, defaultTargets: o.selection.defaultTargets });
    sink.write({ t: 0, type: 'host', host });
  });

  const load = o.demo ? new DemoLoad() : null;
  let stopping: Promise<number> | null = null;
  let finish!: (code: number) => void;
  const done = new Promise<number>((r) => (finish = r));
  let ui: Frontend | null = null;
  let timer: NodeJS.Timeout | undefined;
  let strace: StraceRun | null = null;
  const shutdown = (): Promise<number> => {
    stopping ??= (async () => {
      clearInterval(timer);
      ui?.dispatch({ type: 'key', key: 'q' });
      await Promise.allSettled([feed.stop(), load?.stop(), strace?.cancel()]);
      sink.close();
      stats?.close();
      ui?.close();
      // Only now: while cleaning up, a signal must find our handler (execa's signal-exit would
      // otherwise re-raise it and end the process before the containers are removed).
      for (const s of SIGNALS) process.off(s, onSignal);
      // Everything we started is stopped and the terminal is back: a timer left pending elsewhere
      // (the runner's stop ladder waits out its deadlines) must not hold the shell prompt.
      setTimeout(() => process.exit(), 300).unref();
      return 0;
    })();
    void stopping.then(finish);
    return stopping;
  };
  const onSignal = () => void shutdown();
  for (const s of SIGNALS) process.on(s, onSignal);

  const onEffect = (e: Effect, dispatch: (a: UiAction) => void) => {
    switch (e.type) {
      case 'quit':
        void shutdown();
        break;
      case 'reset':
        engine.reset();
        tick();
        break;
      case 'export':
        dispatch({ type: 'notice', ...exportStacks(engine.snapshot()) });
        break;
      case 'strace':
        strace = runStrace(e.pid, e.label, engine.getHost(), dispatch);
        break;
    }
  };

  try {
    if (load) await load.start();
  } catch (e) {
    await shutdown();
    throw e;
  }

  const cpu = new CpuMeter();
  let lastHost = host;
  let scannedAt = now();
  let fullAt = scannedAt;
  const tick = () => {
    const t = now();
    const hinting = engine.status('kernel')?.state === 'running';
    if (targetsChanged || !hinting || t - scannedAt >= RESCAN_MS) {
      // Every RESCAN_MS, a scan that reads every comm again.
      const full = t - fullAt >= RESCAN_MS;
      if (full) fullAt = t;
      targetsChanged = false;
      scannedAt = t;
      const h = discover(full ? undefined : comms);
      if (!sameHost(h, lastHost)) {
        lastHost = h;
        engine.setHost(h);
        sink.write({ t, type: 'host', host: h });
        feed.onHost(h);
      }
    }
    const self = cpu.sample(feed.pids());
    engine.setSelf(self);
    const framesMs = ui?.frameTimes().map((x) => Math.round(x * 100) / 100);
    const selfEntry = { t, type: 'self' as const, ...self, ...(framesMs?.length && { framesMs }) };
    sink.write(selfEntry);
    stats?.write(selfEntry);
    if (load) {
      const d = load.stats;
      engine.setSession({ demo: d });
      sink.write({ t, type: 'demo', ...d });
    }
    ui?.show(engine.snapshot());
  };

  const tty = canUseTerminal();
  ui = tty ? terminalFrontend(onEffect) : plainFrontend();
  // Once a second: the tracers print and the counters are read once a second.
  timer = setInterval(tick, o.intervalMs ?? 1000);
  if (tty) tick();
  return done;
}
