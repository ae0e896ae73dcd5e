/**
 * Plays a recording (record-format.ts) into a live engine: the same sources and parsers as a live
 * session, driven by the recorded times instead of running tracers. Nothing here spawns.
 * applyEntry is the one way an entry drives the engine, for the live feed as for a replay: what
 * is recorded is what the live view showed.
 */
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { CtrscopeError } from '../errors.js';
import { LiveEngine } from './live.js';
import { LEGACY_SOURCES, LIVE_SOURCES } from './live-sources/index.js';
import { RECORDING_FILE, type RecordEntry, type RecordSink } from './record-format.js';

type Meta = Extract<RecordEntry, { type: 'meta' }>;

export interface Recording {
  path: string;
  meta: Meta;
  entries: RecordEntry[];
  /** Time of the last entry, ms. */
  durationMs: number;
  /** Lines that were not JSON objects with a time and a type. */
  badLines: number;
}

/** Reads DIR/session.ndjson (or a file named directly). */
export function readRecording(dirOrFile: string): Recording {
  let path = dirOrFile;
  try {
    if (statSync(dirOrFile).isDirectory()) path = join(dirOrFile, RECORDING_FILE);
  } catch {
    throw new CtrscopeError('input', `${dirOrFile}: no such recording`, 'name a directory made by ctrscope --record DIR');
  }
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    throw new CtrscopeError('input', `${path}: cannot read it`, 'name a directory made by ctrscope --record DIR');
  }
  const entries: RecordEntry[] = [];
  let badLines = 0;
  let meta: Meta | undefined;
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    let e: unknown;
    try {
      e = JSON.parse(line);
    } catch {
      // A recording cut by a crash ends in a partial line: count it, play the rest.
      badLines++;
      continue;
    }
    const r = e as RecordEntry;
    if (typeof r !== 'object' || r === null || typeof r.t !== 'number' || typeof r.type !== 'string') {
      badLines++;
      continue;
    }
    if (r.type === 'meta') meta ??= r;
    else entries.push(r);
  }
  if (!meta) throw new CtrscopeError('input', `${path} is not a ctrscope recording (no meta line)`, 'name a directory made by ctrscope --record DIR');
  entries.sort((a, b) => a.t - b.t);
  return { path, meta, entries, durationMs: entries.length ? entries[entries.length - 1]!.t : 0, badLines };
}

/** Feeds a recording's entries into an engine as the virtual clock passes their times. */
export class ReplayFeed {
  private i = 0;
  private vt = 0;
  private ended = false;
  readonly engine: LiveEngine;

  constructor(
    readonly rec: Recording,
    private readonly speed: number,
  ) {
    const replayable = [...LIVE_SOURCES, ...LEGACY_SOURCES];
    const known = new Set(replayable.map((d) => d.id));
    const recorded = new Map(rec.meta.sources.map((s) => [s.id, s]));
    const defs = replayable.filter((d) => recorded.get(d.id)?.state === 'starting');
    this.engine = new LiveEngine(defs, { arch: rec.meta.arch, startedAtMs: Date.parse(rec.meta.startedAt) || undefined }, 'replay', () => this.vt);
    for (const s of rec.meta.sources) {
      if (defs.some((d) => d.id === s.id)) this.engine.setStatus(s.id, { backend: s.backend, attachPoint: s.attachPoint, message: s.message });
      else
        this.engine.addMissing({
          id: s.id,
          probe: s.probe,
          panels: s.panels,
          state: known.has(s.id) ? s.state : 'missing',
          message: known.has(s.id) ? s.message : `recorded source ${s.id} is unknown to this ctrscope`,
        });
    }
    // Panels whose sources this build has but the recording lacks wait like in a live session.
    // (An older recording's per-probe sources feed the panels of today's combined ones.)
    const fed = new Set(defs.flatMap((d) => d.panels));
    for (const d of LIVE_SOURCES) if (!recorded.has(d.id) && !d.panels.every((p) => fed.has(p))) this.engine.addMissing({ id: d.id, probe: d.probe, panels: d.panels, state: 'missing', message: 'not in this recording' });
    this.engine.setContainerdVersion(rec.meta.containerdVersion);
    this.engine.setSession({ replay: { from: rec.path, speed, finished: false }, defaultTargets: rec.meta.defaultTargets });
  }

  get now(): number {
    return this.vt;
  }
  get finished(): boolean {
    return this.i >= this.rec.entries.length;
  }

  /** Plays every entry up to time t (ms since the recording started). */
  advanceTo(t: number): void {
    const es = this.rec.entries;
    while (this.i < es.length && es[this.i]!.t <= t) {
      const e = es[this.i++]!;
      this.vt = Math.max(this.vt, e.t);
      this.apply(e);
    }
    this.vt = Math.max(this.vt, Math.min(t, this.rec.durationMs));
    if (this.finished && !this.ended) {
      this.ended = true;
      this.engine.endAll(this.vt);
      this.engine.setSession({ replay: { from: this.rec.path, speed: this.speed, finished: true } });
    }
  }

  private apply(e: RecordEntry): void {
    applyEntry(this.engine, e);
  }
}

/** What one recorded entry does to the engine (live, as it is written, and in a replay). */
/** The live path's event: the engine gets the entry the recording keeps, as a replay will. */
export function emitEntry(g: LiveEngine, sink: RecordSink, e: RecordEntry): void {
  applyEntry(g, e);
  sink.write(e);
}

export function applyEntry(g: LiveEngine, e: RecordEntry): void {
  switch (e.type) {
    case 'run':
      g.runStarted(e.source, e.run, { pids: e.pids, attachPoint: e.attachPoint }, e.t);
      break;
    case 'stdout':
      g.chunk(e.source, e.chunk, e.t, e.run ?? 0);
      break;
    case 'end':
      g.runEnded(e.source, e.run, e.t);
      break;
    case 'host':
      g.setHost(e.host);
      break;
    case 'status':
      // An empty message clears the one shown; older recordings only ever set fields.
      g.setStatus(e.source, {
        ...(e.state && { state: e.state }),
        ...(e.message !== undefined && { message: e.message || undefined }),
        ...(e.pid && { pid: e.pid }),
        ...(e.attachPoint && { attachPoint: e.attachPoint }),
        ...(e.droppedLines !== undefined && { droppedLines: e.droppedLines }),
      });
      break;
    case 'self':
      g.setSelf({ cpuPct: e.cpuPct, tracersCpuPct: e.tracersCpuPct, rssMiB: e.rssMiB, tracersRssMiB: e.tracersRssMiB });
      break;
    case 'demo':
      g.setSession({ demo: { started: e.started, failed: e.failed, running: e.running } });
      break;
    default:
      // stderr lines are kept for people reading the file; other types come from newer versions.
      break;
  }
}
