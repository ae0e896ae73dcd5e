/**
 * Live source for the VFS latency panel: the vfs-latency probe (bpftrace; kprobe, kfunc or syscall
 * tracepoints, whichever rung attached). It prints cumulative log2 histograms @read_ns and
 * @write_ns and per-process @ops once a second; the panel shows the last 10 s of them (the
 * difference between the newest print and one 10 s older), with p50/p99 from the buckets.
 */
import { histQuantile, histTotal, normalizeHist, type Bucket } from '../../../parsers/bpftrace-hist.js';
import { splitMapKey } from '../../../parsers/bpftrace-json.js';
import type { LatencyHist, VfsView } from '../../live-model/types.js';
import { countsOf, PrintGroups, type PrintGroup } from './print-groups.js';
import type { LiveSource, LiveSourceDef, RunInfo, SourceOutput, TargetPart } from './types.js';

export const VFS_WINDOW_MS = 10_000;
const NAMES = ['@read_ns', '@write_ns', '@ops'];

interface Sample {
  t: number;
  read: Bucket[];
  write: Bucket[];
  ops: Map<number, { comm: string; n: number }>;
}

/** Cumulative `b` minus cumulative `a`, bucket by bucket (bounds matched). */
export function subtractHist(b: Bucket[], a: Bucket[]): Bucket[] {
  const before = new Map(a.map((x) => [`${x.low}:${x.high}`, x.count]));
  return b.map((x) => ({ ...x, count: Math.max(0, x.count - (before.get(`${x.low}:${x.high}`) ?? 0)) }));
}

/** A histogram as the VFS panel shows it: bars, count, p50 and p99. */
export function latencyView(buckets: Bucket[]): LatencyHist {
  return {
    buckets: buckets.map((b) => ({ low: Math.max(0, b.low), high: Number.isFinite(b.high) ? b.high : null, count: b.count })),
    count: histTotal(buckets),
    p50Ns: histQuantile(buckets, 0.5),
    p99Ns: histQuantile(buckets, 0.99),
  };
}

const hist = (g: PrintGroup, name: string): Bucket[] => {
  const v = g.maps.get(name)?.value;
  return Array.isArray(v) ? normalizeHist(v) : [];
};

class VfsSource implements LiveSource {
  private groups = new PrintGroups(NAMES);
  private run = -1;
  private attachPoint?: string;
  /** Samples of the current run, oldest first, the oldest at least VFS_WINDOW_MS before the newest. */
  private samples: Sample[] = [];
  private lost = 0;
  private unrecognized = 0;

  runStarted(run: number, t: number, info: RunInfo): void {
    const r = this.groups.parser.result();
    this.lost += r.lostEvents;
    this.unrecognized += r.unrecognized;
    this.run = run;
    this.attachPoint = info.attachPoint ?? this.attachPoint;
    this.groups = new PrintGroups(NAMES);
    // A new run (the next rung of the ladder) counts from zero.
    this.samples = [{ t, read: [], write: [], ops: new Map() }];
  }

  line(text: string, t: number, run = this.run): void {
    if (run !== this.run && this.run !== -1) return;
    const attached = this.groups.parser.result().attachedProbes;
    for (const g of this.groups.line(text, t)) this.onGroup(g);
    if (attached === null && this.groups.parser.result().attachedProbes !== null && this.samples.length === 0) this.samples.push({ t, read: [], write: [], ops: new Map() });
  }

  runEnded(run: number): void {
    if (run === this.run) for (const g of this.groups.flush()) this.onGroup(g);
  }

  private onGroup(g: PrintGroup): void {
    const ops = new Map<number, { comm: string; n: number }>();
    for (const [key, n] of Object.entries(countsOf(g.maps.get('@ops')))) {
      const [comm, pid] = splitMapKey(key, 2);
      const p = Number(pid);
      if (Number.isFinite(p)) ops.set(p, { comm: comm ?? '?', n: (ops.get(p)?.n ?? 0) + n });
    }
    this.samples.push({ t: g.t, read: hist(g, '@read_ns'), write: hist(g, '@write_ns'), ops });
    while (this.samples.length > 2 && g.t - this.samples[1]!.t >= VFS_WINDOW_MS) this.samples.shift();
  }

  reset(): void {
    this.samples = this.samples.slice(-1);
  }

  output(): SourceOutput {
    const r = this.groups.parser.result();
    const base = { lost: this.lost + r.lostEvents, unrecognized: this.unrecognized + r.unrecognized };
    if (this.samples.length < 2) return { ...base, eventsPerSec: 0 };
    const a = this.samples[0]!;
    const b = this.samples[this.samples.length - 1]!;
    const dt = (b.t - a.t) / 1000;
    const vfs: VfsView = { read: latencyView(subtractHist(b.read, a.read)), write: latencyView(subtractHist(b.write, a.write)), attachPoint: this.attachPoint };
    const targets: TargetPart[] = [];
    let ops = 0;
    for (const [pid, o] of b.ops) {
      const d = o.n - (a.ops.get(pid)?.n ?? 0);
      if (d <= 0 || dt <= 0) continue;
      ops += d;
      targets.push({ pid, comm: o.comm, metrics: { 'vfs/s': d / dt } });
    }
    return { ...base, eventsPerSec: dt > 0 ? ops / dt : 0, vfs, targets };
  }
}

export const vfsSource: LiveSourceDef = {
  id: 'vfs',
  probe: 'vfs-latency',
  panels: ['vfs'],
  create: () => new VfsSource(),
};
