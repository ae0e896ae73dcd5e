/**
 * Runs the live sources: for each, the one tracer its probe's plan names for the whole session
 * (falling back down an attach ladder when a rung does not attach), or a poll. No tracer is
 * restarted on a schedule: the live probes print what changed each second, so what a source keeps
 * stays bounded without restarts. Each event is one record entry, tagged by run: it drives the
 * engine through applyEntry (replay.ts, as a replay does) and goes to the recording as it is.
 * Each tracer is a ProbeTracer (probe-tracer.ts: attach ladder, target-exited, stop); this module
 * only decides what runs and writes what happens.
 */
import { PROBES } from '../../probes/index.js';
import { LIVE_PROBES } from '../../probes/live.js';
import type { ProbeContext, ProbeDefinition, TracerPlan } from '../../probes/types.js';
import { which } from '../host/preflight.js';
import type { HostTargets, Target } from '../targets/discover.js';
import type { LiveEngine } from './live.js';
import type { LiveSourceDef } from './live-sources/types.js';
import { ProbeTracer } from './probe-tracer.js';
import type { RecordedSource, RecordEntry, RecordSink } from './record-format.js';
import { emitEntry } from './replay.js';

/** One source's tracers or polls. */
class SourceRunner {
  private pt: ProbeTracer | null = null;
  private plan: TracerPlan | null = null;
  private stopping = false;
  private timer?: NodeJS.Timeout;
  private polls = 0;

  constructor(
    private readonly def: LiveSourceDef,
    private readonly probe: ProbeDefinition<any> | undefined,
    private readonly params: unknown,
    private readonly ctx: ProbeContext,
    private readonly engine: LiveEngine,
    private readonly sink: RecordSink,
    private readonly now: () => number,
    private readonly hostNow: () => HostTargets,
    private readonly onTargetsChanged: (line: string) => void,
  ) {}

  /** One event: to the engine, and to the recording. */
  private emit(e: RecordEntry): void {
    emitEntry(this.engine, this.sink, e);
  }

  private status(patch: Omit<Extract<RecordEntry, { type: 'status' }>, 't' | 'type' | 'source'>): void {
    this.emit({ t: this.now(), type: 'status', source: this.def.id, ...patch });
  }

  /** Plans without starting anything; returns the recording header's entry. */
  prepare(): RecordedSource {
    const d = this.def;
    const base = { id: d.id, probe: d.probe, panels: d.panels };
    if (d.poll) {
      const backend = d.poll.backend ?? 'metrics';
      const attachPoint = d.poll.attachPoint;
      this.engine.setStatus(d.id, { backend, ...(attachPoint ? { attachPoint } : {}) });
      return { ...base, state: 'starting', backend, ...(attachPoint ? { attachPoint } : {}) };
    }
    const fail = (state: 'missing' | 'failed', message: string): RecordedSource => {
      this.engine.setStatus(d.id, { state, message });
      return { ...base, state, message };
    };
    if (!this.probe) return fail('missing', `waiting for probe ${d.probe} (not in this build)`);
    let plan: TracerPlan;
    try {
      plan = this.probe.plan(this.ctx, this.params);
    } catch (e) {
      return fail('failed', `${d.probe}: ${(e as Error).message}`);
    }
    if (!which(plan.argv[0]!)) return fail('failed', `${plan.argv[0]} is not installed`);
    this.plan = plan;
    const skipped = plan.skipped.map((s) => `not ${s.attachPoint}: ${s.why}`).join('; ');
    this.engine.setStatus(d.id, { backend: plan.backend, attachPoint: plan.attachPoint, message: plan.warning ?? (skipped || undefined) });
    return { ...base, state: 'starting', backend: plan.backend, attachPoint: plan.attachPoint, argv: plan.argv, message: plan.warning ?? (skipped || undefined) };
  }

  /** Starts what prepare() planned: the tracer, or the poll. */
  start(): void {
    const d = this.def;
    if (d.poll) return this.poll(d.poll);
    if (this.plan) this.launch(this.plan);
  }

  private launch(first: TracerPlan): void {
    const id = this.def.id;
    const hint = this.def.targetsChanged;
    // Reasons on the status line: the last meaningful stderr line.
    const pt = new ProbeTracer(first, {
      env: this.def.env,
      // One long-lived bpftrace per source, a few KB/s: no drain thread (strace keeps it).
      readOnMain: true,
      reasonLines: 1,
      reasonChars: 200,
      onRun: (plan, run) => this.emit({ t: this.now(), type: 'run', source: id, run, pids: plan.pids, attachPoint: plan.attachPoint }),
      // The engine reads the chunks (strace writes its trace on stderr, plan.stream: its lines are the chunks).
      onChunk: (text, run) => this.emit({ t: this.now(), type: 'stdout', source: id, run, chunk: text }),
      onLine: (l) => {
        if (hint?.(l)) this.onTargetsChanged(l);
      },
      onStderr: (l, run) => {
        if (l.trim()) this.emit({ t: this.now(), type: 'stderr', source: id, run, line: l });
      },
      onDropped: (droppedLines) => this.status({ droppedLines }),
      onPid: (pid) => this.status({ pid }),
      onEnd: (_x, run) => this.emit({ t: this.now(), type: 'end', source: id, run }),
      onFallback: (from, to, why) => {
        this.plan = to;
        this.status({ attachPoint: to.attachPoint, message: `${from.attachPoint} did not attach${why ? ` (${why})` : ''}; using ${to.attachPoint}` });
      },
    });
    this.pt = pt;
    pt.start();
    void pt.ended().then((e) => {
      if (e.by === 'stop' || this.stopping) return;
      const x = pt.tracer.exited;
      const why = pt.reason();
      this.status({ state: 'failed', message: `${pt.plan.argv[0]} exited (${x?.signal ?? `code ${x?.code}`})${why ? `: ${why}` : ''}` });
    });
  }

  private poll(p: NonNullable<LiveSourceDef['poll']>): void {
    const id = this.def.id;
    const once = async () => {
      if (this.stopping) return;
      const run = this.polls++;
      this.emit({ t: this.now(), type: 'run', source: id, run });
      try {
        const text = await p.fetch(this.hostNow());
        this.emit({ t: this.now(), type: 'stdout', source: id, run, chunk: text });
        // '' clears the message (a recorded entry cannot carry undefined).
        if (this.engine.status(id)?.state !== 'running') this.status({ state: 'running', message: '' });
      } catch (e) {
        // The same failure again (containerd's log not found, each second) is not news.
        const message = (e as Error).message.slice(0, 200);
        const was = this.engine.status(id);
        if (was?.state !== 'failed' || was.message !== message) this.status({ state: 'failed', message });
      }
      this.emit({ t: this.now(), type: 'end', source: id, run });
      if (!this.stopping) this.timer = setTimeout(() => void once(), p.everyMs);
    };
    void once();
  }

  pids(): number[] {
    const t = this.pt?.tracer;
    return t && !t.exited && t.pid ? [t.pid] : [];
  }

  async stop(): Promise<void> {
    this.stopping = true;
    clearTimeout(this.timer);
    await this.pt?.stop();
    await this.def.poll?.stop?.();
    if (!this.def.poll) this.status({ state: this.engine.status(this.def.id)?.state === 'failed' ? 'failed' : 'stopped' });
  }
}

export class LiveFeed {
  private readonly runners: SourceRunner[] = [];
  private host: HostTargets | null = null;

  constructor(
    private readonly engine: LiveEngine,
    private readonly sink: RecordSink,
    private readonly now: () => number,
    /** Called with the line in which a tracer says a target started or exited (look at /proc again soon). */
    private readonly onTargetsChanged: (line: string) => void = () => undefined,
  ) {}

  /**
   * Plans every source, hands the plans to `planned` (the recording's header must come first),
   * then starts them.
   */
  start(defs: LiveSourceDef[], ctx: ProbeContext, planned: (sources: RecordedSource[]) => void = () => undefined): void {
    const sources = defs.map((def) => {
      const probe = def.poll ? undefined : (PROBES[def.probe] ?? LIVE_PROBES[def.probe]);
      const params = probe?.params.safeParse(def.params ?? {});
      if (probe && params && !params.success) {
        const message = `probe ${def.probe} rejects the live view's parameters: ${params.error.issues[0]?.message}`;
        this.engine.setStatus(def.id, { state: 'failed', message });
        return { id: def.id, probe: def.probe, panels: def.panels, state: 'failed' as const, message };
      }
      this.host = ctx.host;
      const r = new SourceRunner(def, probe, params?.data, ctx, this.engine, this.sink, this.now, () => this.host ?? ctx.host, this.onTargetsChanged);
      this.runners.push(r);
      return r.prepare();
    });
    planned(sources);
    for (const r of this.runners) r.start();
  }

  /** New discovery: polls read the targets it found. */
  onHost(host: HostTargets): void {
    this.host = host;
  }

  /** PIDs of the tracers still running. */
  pids(): number[] {
    return this.runners.flatMap((r) => r.pids());
  }

  /** Stops every tracer (SIGINT, then SIGTERM, then SIGKILL) and waits until all have exited. */
  async stop(): Promise<void> {
    await Promise.all(this.runners.map((r) => r.stop()));
  }
}
