/**
 * Live sources for the events panel: file-opens (openat, keyed path,pid,flags,errno) and
 * process-exec (execs keyed program,pid; forks keyed comm,pid), both counted in the kernel and
 * printed cumulatively each second. What grew since the previous print is what happened in that
 * second: one event line per (key, growth), newest first, at the print's time.
 */
import { splitMapKey } from '../../../parsers/bpftrace-json.js';
import { openRows } from '../../summaries/file-opens.js';
import type { EventItem, EventKind } from '../../live-model/types.js';
import { EVENTS_KEPT } from '../live.js';
import { countsOf, PrintGroups, type PrintGroup } from './print-groups.js';
import type { LiveSource, LiveSourceDef, SourceOutput, TargetPart } from './types.js';

/** Event lines taken from one print at most (the biggest growths first). */
const PER_PRINT = 40;

/** One counted thing that grew between two prints. */
export interface Growth {
  key: string;
  pid: number;
  comm: string;
  text: string;
  delta: number;
}

interface Spec {
  kind: EventKind;
  names: string[];
  /** The cumulative counts of a print, as keyed lines with a pid, comm and text. */
  read(g: PrintGroup): Array<Omit<Growth, 'delta'> & { count: number }>;
  /** The per-target metric these growths add up to, per second. */
  metric: string;
}

class GrowthSource implements LiveSource {
  private groups: PrintGroups;
  private run = -1;
  private prev: { t: number; counts: Map<string, number> } | null = null;
  private items: EventItem[] = [];
  private rate = 0;
  private perPid: TargetPart[] = [];
  private lost = 0;
  private unrecognized = 0;

  constructor(private readonly spec: Spec) {
    this.groups = new PrintGroups(spec.names);
  }

  runStarted(run: number, t: number): void {
    const r = this.groups.parser.result();
    this.lost += r.lostEvents;
    this.unrecognized += r.unrecognized;
    this.run = run;
    this.groups = new PrintGroups(this.spec.names);
    this.prev = { t, counts: new Map() };
  }

  line(text: string, t: number, run = this.run): void {
    if (run !== this.run && this.run !== -1) return;
    for (const g of this.groups.line(text, t)) this.onGroup(g);
  }

  runEnded(run: number): void {
    if (run === this.run) for (const g of this.groups.flush()) this.onGroup(g);
  }

  private onGroup(g: PrintGroup): void {
    const rows = this.spec.read(g);
    const before = this.prev?.counts ?? new Map<string, number>();
    const grown: Growth[] = [];
    const counts = new Map<string, number>();
    for (const r of rows) {
      counts.set(r.key, r.count);
      const d = r.count - (before.get(r.key) ?? 0);
      if (d > 0) grown.push({ key: r.key, pid: r.pid, comm: r.comm, text: r.text, delta: d });
    }
    const dt = this.prev ? (g.t - this.prev.t) / 1000 : 0;
    const total = grown.reduce((a, x) => a + x.delta, 0);
    this.rate = dt > 0 ? total / dt : 0;
    const byPid = new Map<number, { comm: string; n: number }>();
    for (const x of grown) byPid.set(x.pid, { comm: x.comm, n: (byPid.get(x.pid)?.n ?? 0) + x.delta });
    this.perPid = dt > 0 ? [...byPid].map(([pid, v]) => ({ pid, comm: v.comm, metrics: { [this.spec.metric]: v.n / dt } })) : [];
    grown.sort((a, b) => b.delta - a.delta || (a.key < b.key ? -1 : 1));
    const fresh = grown.slice(0, PER_PRINT).map((x): EventItem => ({ t: g.t, kind: this.spec.kind, pid: x.pid, comm: x.comm, text: x.delta > 1 ? `${x.text}  ×${x.delta}` : x.text }));
    this.items = [...this.items, ...fresh].slice(-EVENTS_KEPT);
    this.prev = { t: g.t, counts };
  }

  reset(): void {
    this.items = [];
  }

  output(): SourceOutput {
    const r = this.groups.parser.result();
    return {
      eventsPerSec: this.rate,
      lost: this.lost + r.lostEvents,
      unrecognized: this.unrecognized + r.unrecognized,
      events: this.items,
      eventRates: { [this.spec.kind]: this.rate },
      targets: this.perPid,
    };
  }
}

const shortFlags = (f: string) => f.replace(/O_/g, '').replace(/\|CLOEXEC|\|LARGEFILE/g, '');

export const fileOpensSource: LiveSourceDef = {
  id: 'file-opens',
  probe: 'file-opens',
  panels: ['events', 'targets'],
  create: () =>
    new GrowthSource({
      kind: 'open',
      names: ['@opens', '@comm'],
      metric: 'opens/s',
      read: (g) => {
        const comms = countsOf(g.maps.get('@comm')) as unknown as Record<string, string>;
        return openRows(countsOf(g.maps.get('@opens')), comms).map((r) => ({
          key: `${r.path}\0${r.pid}\0${r.flags}\0${r.errno}`,
          pid: r.pid,
          comm: r.comm,
          text: `${r.path} ${shortFlags(r.flags)}${r.errno ? ` → ${r.errno}` : ''}`,
          count: r.count,
        }));
      },
    }),
};

export const processExecSource: LiveSourceDef = {
  id: 'process-exec',
  probe: 'process-exec',
  panels: ['events', 'targets'],
  create: () =>
    new GrowthSource({
      kind: 'exec',
      names: ['@forks', '@threads', '@execs', '@comm'],
      metric: 'execs/s',
      read: (g) => {
        const comms = countsOf(g.maps.get('@comm')) as unknown as Record<string, string>;
        return Object.entries(countsOf(g.maps.get('@execs'))).flatMap(([key, count]) => {
          const [program, pidText] = splitMapKey(key, 2);
          const pid = Number(pidText);
          return Number.isInteger(pid) ? [{ key, pid, comm: comms[String(pid)] ?? '?', text: program ?? '?', count }] : [];
        });
      },
    }),
};
