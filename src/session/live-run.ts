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
import { frontendFor, type Frontend } from '../ui/frontend.js';
import { LiveEngine } from './live.js';
import { effectHandler } from './live-effects.js';
import { probeContext } from './probe-context.js';
import { LiveFeed } from './live-feed.js';
import { containerdVersion, CpuMeter, discover, sameHost } from './live-host.js';
import { TargetRescan } from './target-rescan.js';
import { sessionShell } from './session-shell.js';
import { emitEntry } from './replay.js';
import { LIVE_SOURCES } from './live-sources/index.js';
import { nullSink, RECORDING_FORMAT, type RecordEntry, type RecordSink } from './record-format.js';
import { Recorder, statsFile } from './record.js';
import { VERSION } from '../version.js';
import { runStrace, type StraceRun } from './live-strace.js';
import { ProcessImages } from '../host/process-images.js';
import { startsSourceWith } from './live-sources/starts.js';
import type { OtlpConfig } from '../otel/config.js';

/** How often the live view takes a snapshot and draws it (ms). */
export const TICK_MS = 2000;

export interface LiveOptions {
  selection: TargetSelection;
  demo: boolean;
  record?: string;
  /** Snapshot interval, ms. */
  intervalMs?: number;
  /** --otlp-endpoint (or OTEL_*): each container start seen is sent as a trace. */
  otlp?: OtlpConfig | null;
  /** --without: source ids left out. */
  without?: readonly string[];
}


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
  // The kernel's features come from asking bpftrace and perf, as one-shot runs do (the kfunc rung).
  const [version, ctx] = await Promise.all([containerdVersion(host.containerd[0]?.pid), probeContext(host, o.selection, targets)]);

  const t0 = Date.now();
  const now = () => Date.now() - t0;
  // Container starts go to the OTLP collector as they complete (queued: never waits for it).
  // OpenTelemetry's modules are loaded only when traces are sent.
  const otel = o.otlp ? await import('../otel/exporter.js') : null;
  const traces = o.otlp && otel ? new otel.StartTraceExporter(o.otlp) : null;
  // Watching starts costs a subscriber to containerd's events and its work per start: the live
  // view runs it when the starts go somewhere (--otlp-endpoint); serve always.
  // A recorded session's stacks are named by bpftrace, as it prints: a replay cannot read the
  // processes the raw addresses belong to.
  const wanted = LIVE_SOURCES.filter((d) => !o.without?.includes(d.id)).map((d) => (o.record && d.id === 'stacks' ? { ...d, params: { ...d.params, nameFrames: true } } : d));
  const chosen = traces ? wanted.map((d) => (d.id === 'starts' ? startsSourceWith((s, w) => traces.exportStarts([s], w)) : d)) : wanted.filter((d) => d.id !== 'starts');
  // A session without the starts source: the kernel program keeps no execs for it (@ex hook off).
  const watchesStarts = chosen.some((d) => d.id === 'starts');
  const sources = chosen.map((d) => (d.id === 'kernel' && !watchesStarts ? { ...d, params: { ...d.params, starts: false } } : d));
  const engine = new LiveEngine(sources, { arch: process.arch, startedAtMs: t0, stackImages: () => new ProcessImages({ light: true }) }, 'live', now);
  engine.setHost(host);
  engine.setContainerdVersion(version);
  engine.setSession({ defaultTargets: o.selection.defaultTargets, kernelCost: LIVE_KERNEL_COST, ...(o.without?.length ? { without: LIVE_SOURCES.filter((d) => o.without!.includes(d.id)).map((d) => ({ source: d.id, panels: d.panels })) } : {}) });
  if (sink instanceof Recorder) engine.setSession({ recordingTo: sink.path });
  const rescan = new TargetRescan(now);
  const feed = new LiveFeed(engine, sink, now, (line) => rescan.hint(line));
  feed.start(sources, ctx, (planned) => {
    sink.write({ t: 0, type: 'meta', format: RECORDING_FORMAT, ctrscope: VERSION, arch: process.arch, startedAt: new Date(t0).toISOString(), containerdVersion: version, sources: planned, defaultTargets: o.selection.defaultTargets });
    sink.write({ t: 0, type: 'host', host });
  });
  // The live path's own events (targets, own cost, demo load) reach the engine as the recording keeps them.
  const emit = (e: RecordEntry) => emitEntry(engine, sink, e);

  if (o.otlp) say(`sending each container start as a trace to ${o.otlp.url} (from ${o.otlp.from})`);
  const load = o.demo ? new DemoLoad() : null;
  let ui: Frontend | null = null;
  let timer: NodeJS.Timeout | undefined;
  let strace: StraceRun | null = null;
  const { shutdown, done } = sessionShell(async () => {
    clearInterval(timer);
    ui?.dispatch({ type: 'key', key: 'q' });
    await Promise.allSettled([feed.stop(), load?.stop(), strace?.cancel()]);
    const otlpStats = await traces?.shutdown();
    sink.close();
    stats?.close();
    ui?.close();
    if (otlpStats && otel) say(otel.describeOtlp(otlpStats));
  }, { exitAfter: true });

  const onEffect = effectHandler({
    quit: () => void shutdown(),
    reset: () => {
      engine.reset();
      tick();
    },
    snapshot: () => engine.snapshot(),
    strace: (pid, label, dispatch) => (strace = runStrace(pid, label, engine.getHost(), dispatch)),
  });

  try {
    if (load) await load.start();
  } catch (e) {
    await shutdown();
    throw e;
  }

  const cpu = new CpuMeter();
  let lastHost = host;
  const tick = () => {
    const t = now();
    const h = rescan.due(engine.status('kernel')?.state === 'running');
    if (h && !sameHost(h, lastHost)) {
      lastHost = h;
      emit({ t, type: 'host', host: h });
      feed.onHost(h);
    }
    if (traces) {
      const { traces: n, spansSent, spansDropped } = traces.stats();
      engine.setSession({ otlp: { traces: n, spansSent, spansDropped } });
    }
    const framesMs = ui?.frameTimes().map((x) => Math.round(x * 100) / 100);
    const selfEntry = { t, type: 'self' as const, ...cpu.sample(feed.pids()), ...(framesMs?.length && { framesMs }) };
    emit(selfEntry);
    stats?.write(selfEntry);
    if (load) emit({ t, type: 'demo', ...load.stats });
    ui?.show(engine.snapshot());
  };

  const opened = frontendFor(onEffect);
  ui = opened.ui;
  // Every 2 s, as the kernel program prints and the counters are read (keys are drawn at once): a
  // frame between two prints had only the clock, the cost and the log's lines new, and drawing a
  // frame, with the snapshot and the look at /proc before it, was most of what a tick cost.
  timer = setInterval(tick, o.intervalMs ?? TICK_MS);
  if (opened.tty) tick();
  return done;
}
