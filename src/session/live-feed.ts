/**
 * Starts one tracer per live source, from the plan of its probe in probes/, and pipes what each
 * prints into the engine (and the recording). The tracers are started and stopped by
 * src/runner/tracer.ts; this module only decides what to run and where output goes.
 */
import { PROBES } from '../../probes/index.js';
import type { TargetSelection } from '../../probes/types.js';
import { which } from '../host/preflight.js';
import { Tracer } from '../runner/tracer.js';
import type { HostTargets, Target } from '../targets/discover.js';
import type { LiveEngine } from './live.js';
import type { LiveSourceDef } from './live-sources/types.js';
import type { RecordedSource, RecordSink } from './record-format.js';

const NOISE = /RLIMIT_MEMLOCK/;

export interface FeedContext {
  host: HostTargets;
  selection: TargetSelection;
  targets: Target[];
}

export class LiveFeed {
  private readonly tracers = new Map<string, Tracer>();
  private stopping = false;

  constructor(
    private readonly engine: LiveEngine,
    private readonly sink: RecordSink,
    private readonly now: () => number,
  ) {}

  /** Plans and starts every source's tracer; returns what was planned, for the recording's header. */
  start(defs: LiveSourceDef[], ctx: FeedContext): RecordedSource[] {
    return defs.map((def) => this.startOne(def, ctx));
  }

  private startOne(def: LiveSourceDef, ctx: FeedContext): RecordedSource {
    const base = { id: def.id, probe: def.probe, panels: def.panels };
    const fail = (state: 'missing' | 'failed', message: string): RecordedSource => {
      this.engine.setStatus(def.id, { state, message });
      return { ...base, state, message };
    };
    const probe = PROBES[def.probe];
    if (!probe) return fail('missing', `waiting for probe ${def.probe} (not in this build)`);
    const params = probe.params.safeParse(def.params ?? {});
    if (!params.success) return fail('failed', `probe ${def.probe} rejects the live view's parameters: ${params.error.issues[0]?.message}`);
    let plan;
    try {
      plan = probe.plan(ctx, params.data);
    } catch (e) {
      return fail('failed', `${def.probe}: ${(e as Error).message}`);
    }
    const tool = plan.argv[0]!;
    if (!which(tool)) return fail('failed', `${tool} is not installed`);
    const tracer = new Tracer({ label: plan.backend, argv: plan.argv, env: def.env });
    this.tracers.set(def.id, tracer);
    let dropped = 0;
    tracer.start({
      onStdoutChunk: (text) => this.sink.write({ t: this.now(), type: 'stdout', source: def.id, chunk: text }),
      onDropped: (_bytes, lines) => {
        dropped += lines;
        this.engine.setStatus(def.id, { droppedLines: dropped });
      },
      onStdoutLine: (l) => this.engine.line(def.id, l, this.now()),
      onStderrLine: (l) => {
        if (l.trim()) this.sink.write({ t: this.now(), type: 'stderr', source: def.id, line: l });
      },
    });
    this.engine.setStatus(def.id, { backend: plan.backend, attachPoint: plan.attachPoint, message: plan.warning });
    void tracer.whenSpawned().then((pid) => {
      this.engine.setStatus(def.id, { pid });
      this.sink.write({ t: this.now(), type: 'status', source: def.id, pid });
    });
    void tracer.wait().then((x) => {
      const why = x.stderrTail.filter((l) => l.trim() && !NOISE.test(l)).slice(-1)[0]?.slice(0, 200);
      const state = this.stopping ? 'stopped' : 'failed';
      const message = this.stopping ? undefined : x.watchdog ?? `${tool} exited (${x.signal ?? `code ${x.code}`})${why ? `: ${why}` : ''}`;
      this.engine.setStatus(def.id, { state, message });
      this.sink.write({ t: this.now(), type: 'status', source: def.id, state, message });
    });
    return { ...base, state: 'starting', backend: plan.backend, attachPoint: plan.attachPoint, argv: plan.argv, message: plan.warning };
  }

  /** PIDs of the tracers still running. */
  pids(): number[] {
    return [...this.tracers.values()].filter((t) => !t.exited && t.pid).map((t) => t.pid!);
  }

  /** Stops every tracer (SIGINT, then SIGTERM, then SIGKILL) and waits until all have exited. */
  async stop(): Promise<void> {
    this.stopping = true;
    await Promise.all([...this.tracers.values()].map((t) => t.stop()));
  }
}
