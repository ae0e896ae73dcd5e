/**
 * The live session engine: owns one state per data source, is fed tracer output (from running
 * tracers or from a recording) with its time, and on request folds everything into one immutable
 * snapshot. It never spawns and never touches the terminal; the command wires it to both.
 */
import { LineSplitter } from '../../parsers/lines.js';
import type { HostTargets } from '../targets/discover.js';
import type { EventItem, EventKind, EventsView, LiveSnapshot, SelfUsage, SessionInfo, SourceStatus } from '../live-model/types.js';
import type { LiveSource, LiveSourceDef, RunInfo, SourceContext, SourceOutput, TargetPart } from './live-sources/types.js';
import { mergeTargets } from './live-targets.js';

/** How many recent events the events panel keeps. */
export const EVENTS_KEPT = 200;

interface Slot {
  def: LiveSourceDef;
  source: LiveSource | null;
  status: SourceStatus;
  /** One splitter per run: runs of a source may print at the same time. */
  splitters: Map<number, LineSplitter>;
}

export const noHost = (): HostTargets => ({ containerd: [], shims: [], containers: [] });

export class LiveEngine {
  private readonly slots = new Map<string, Slot>();
  private host: HostTargets = noHost();
  private containerdVersion: string | null = null;
  private self: SelfUsage | null = null;
  private session: Omit<SessionInfo, 'elapsedS'>;
  private seq = 0;
  private resetAt = 0;
  /** The slots that also read a source's lines (LiveSourceDef.reads), by the source read. */
  private readonly readers = new Map<string, Slot[]>();

  constructor(
    defs: LiveSourceDef[],
    private readonly ctx: SourceContext,
    mode: SessionInfo['mode'],
    /** ms since the session started (the recorded time during a replay). */
    private readonly now: () => number,
  ) {
    this.session = { mode };
    for (const def of defs) {
      this.slots.set(def.id, {
        def,
        source: def.create(ctx),
        splitters: new Map(),
        status: { id: def.id, probe: def.probe, panels: def.panels, state: 'starting', eventsPerSec: 0, lost: 0, droppedLines: 0, unrecognized: 0 },
      });
    }
    for (const def of defs) for (const from of def.reads ?? []) this.readers.set(from, [...(this.readers.get(from) ?? []), this.slots.get(def.id)!]);
  }

  /** Registers a panel source that cannot run in this build or on this host, with the reason. */
  addMissing(status: Omit<SourceStatus, 'eventsPerSec' | 'lost' | 'droppedLines' | 'unrecognized'>): void {
    this.slots.set(status.id, {
      def: { id: status.id, probe: status.probe, panels: status.panels, create: () => null as never },
      source: null,
      splitters: new Map(),
      status: { ...status, eventsPerSec: 0, lost: 0, droppedLines: 0, unrecognized: 0 },
    });
  }

  sourceIds(): string[] {
    return [...this.slots.keys()];
  }

  setStatus(id: string, patch: Partial<Omit<SourceStatus, 'id'>>): void {
    const s = this.slots.get(id);
    if (s) s.status = { ...s.status, ...patch };
  }

  status(id: string): SourceStatus | undefined {
    return this.slots.get(id)?.status;
  }

  /** One complete stdout line of a source's run. */
  line(id: string, text: string, t = this.now(), run = 0): void {
    const s = this.slots.get(id);
    if (!s?.source) return;
    if (s.status.state === 'starting') s.status = { ...s.status, state: 'running' };
    s.source.line(text, t, run);
    for (const r of this.readers.get(id) ?? []) r.source?.peerLine?.(id, text, t);
  }

  /** A raw stdout chunk (replays, polls): split into lines here, whatever its boundaries. */
  chunk(id: string, chunk: string, t = this.now(), run = 0): void {
    const s = this.slots.get(id);
    if (!s?.source) return;
    let sp = s.splitters.get(run);
    if (!sp) s.splitters.set(run, (sp = new LineSplitter()));
    sp.push(chunk, (l) => this.line(id, l, t, run));
  }

  runStarted(id: string, run: number, info: RunInfo, t = this.now()): void {
    this.slots.get(id)?.source?.runStarted?.(run, t, info);
  }

  /** A run's output ended: its last unterminated line is read, then the source is told. */
  runEnded(id: string, run: number, t = this.now()): void {
    const s = this.slots.get(id);
    if (!s?.source) return;
    s.splitters.get(run)?.end((l) => this.line(id, l, t, run));
    s.splitters.delete(run);
    s.source.runEnded?.(run, t);
  }

  /** Every run of every source ended (end of a replay). */
  endAll(t = this.now()): void {
    for (const [id, s] of this.slots) for (const run of [...s.splitters.keys()]) this.runEnded(id, run, t);
  }

  setHost(h: HostTargets): void {
    this.host = h;
  }
  getHost(): HostTargets {
    return this.host;
  }
  setContainerdVersion(v: string | null): void {
    this.containerdVersion = v;
  }
  setSelf(s: SelfUsage | null): void {
    this.self = s;
  }
  setSession(patch: Partial<Omit<SessionInfo, 'elapsedS' | 'mode'>>): void {
    this.session = { ...this.session, ...patch };
  }

  /** Forgets rates, histories and events: everything starts again from now. */
  reset(): void {
    const t = this.now();
    this.resetAt = t;
    for (const s of this.slots.values()) s.source?.reset(t);
  }

  snapshot(): LiveSnapshot {
    const t = this.now();
    const outs: Array<[Slot, SourceOutput]> = [];
    for (const s of this.slots.values()) {
      if (!s.source) continue;
      const o = s.source.output(t, this.host);
      s.status = { ...s.status, eventsPerSec: o.eventsPerSec, lost: o.lost, unrecognized: o.unrecognized };
      outs.push([s, o]);
    }
    const first = <K extends keyof SourceOutput>(k: K): SourceOutput[K] | undefined => outs.find(([, o]) => o[k] !== undefined)?.[1][k];
    const parts: TargetPart[] = outs.flatMap(([, o]) => o.targets ?? []);
    const sources = [...this.slots.values()].map((s) => s.status);
    return {
      t,
      seq: ++this.seq,
      session: { ...this.session, elapsedS: t / 1000 },
      host: this.host,
      containerdVersion: this.containerdVersion,
      sources,
      eventsPerSec: sources.reduce((a, s) => a + s.eventsPerSec, 0),
      lost: sources.reduce((a, s) => a + s.lost, 0),
      droppedLines: sources.reduce((a, s) => a + s.droppedLines, 0),
      self: this.self,
      syscalls: first('syscalls'),
      sched: first('sched'),
      vfs: first('vfs'),
      stacks: first('stacks'),
      events: this.events(outs),
      targets: mergeTargets(this.host, parts),
      containerd: first('containerd'),
      containerdLog: first('containerdLog'),
      starts: first('starts'),
    };
  }

  private events(outs: Array<[Slot, SourceOutput]>): EventsView | undefined {
    const feeding = outs.filter(([s]) => s.def.panels.includes('events'));
    if (feeding.length === 0) return undefined;
    const items: EventItem[] = feeding.flatMap(([, o]) => o.events ?? []).filter((e) => e.t >= this.resetAt);
    items.sort((a, b) => b.t - a.t);
    const perSec: Partial<Record<EventKind, number>> = {};
    for (const [, o] of feeding) for (const [k, v] of Object.entries(o.eventRates ?? {})) perSec[k as EventKind] = (perSec[k as EventKind] ?? 0) + v;
    return { items: items.slice(0, EVENTS_KEPT), perSec };
  }
}
