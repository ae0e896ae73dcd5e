/**
 * serve's reading of the live view's kernel program (probes/live-kernel.bt, the live feed's
 * `kernel` source): a LiveSource that, instead of rates over the last print as the live view
 * keeps, adds every print up into counters that only grow, as Prometheus wants them:
 * syscalls, errors and seconds by role and syscall, and the VFS read/write log2 histograms with
 * their exact sum and count. The same tracer and the same print reader (kernel-print.ts) as the
 * live view; nothing here spawns. Pure: lines in, totals out.
 *
 * Cardinality: the syscall label is bounded. The first TOP_SYSCALLS syscall names seen (each
 * print's names taken busiest first) get a series of their own and keep it for the life of the
 * process; every later name is counted under syscall="other". A named series is never moved to
 * "other", so every counter stays monotonic.
 */
import { normalizeHist, type Bucket } from '../../parsers/bpftrace-hist.js';
import { asStats, splitMapKey } from '../../parsers/bpftrace-json.js';
import { KernelPrintReader, type KernelPrint } from '../session/live-sources/kernel-print.js';
import { numbersOf } from '../session/live-sources/print-groups.js';
import type { LiveSource, SourceOutput } from '../session/live-sources/types.js';
import type { RuntimeCostReader } from '../session/live-sources/runtime-cost.js';
import { roleOfComm, type MetricRole } from './roles.js';

/** How many syscall names get their own series (the rest: syscall="other"). */
export const TOP_SYSCALLS = 40;
export const OTHER = 'other';
/** x86_64 numbers of the read and write families, as live-kernel.bt histograms them. */
const READS = new Set([0, 17, 19]);
const WRITES = new Set([1, 18, 20]);

export interface SyscallTotals {
  calls: number;
  errors: number;
  /** Sum of the calls' durations, ns (enter to exit, wall clock). */
  ns: number;
}

/** A log2 histogram kept as counts per power of two: index k holds values in [2^(k-1), 2^k - 1] ns (k = 0: value 0). */
export interface Log2Totals {
  counts: number[];
  /** Values the program put below 0 (never seen; kept so the total stays exact). */
  below: number;
  sumNs: number;
  count: number;
}

const emptyLog2 = (): Log2Totals => ({ counts: [], below: 0, sumNs: 0, count: 0 });

/** The log2 index of a bpftrace hist bucket [low, high]: 0 for [0,0], k for [2^(k-1), 2^k - 1]; null when it is not one. */
export function log2Index(b: Bucket): number | null {
  if (b.low === 0 && b.high === 0) return 0;
  if (!(b.low >= 1) || !Number.isInteger(b.low) || b.high !== 2 * b.low - 1) return null;
  const k = Math.log2(b.low) + 1;
  return Number.isInteger(k) ? k : null;
}

export class KernelCounters implements LiveSource {
  private reader = new KernelPrintReader();
  private run = -1;
  private lostBefore = 0;
  private unreadBefore = 0;
  /** Bucket lines that were not log2 buckets (counted, not used). */
  private badBuckets = 0;
  /** role -> syscall label -> totals. */
  readonly syscalls = new Map<MetricRole, Map<string, SyscallTotals>>();
  readonly named = new Set<string>();
  readonly vfs = { read: emptyLog2(), write: emptyLog2() };
  prints = 0;

  constructor(
    private readonly nameOf: (nr: number) => string,
    private readonly roleOf: (comm: string) => MetricRole = (c) => roleOfComm(c),
    /** What each container costs the runtime: handed every print and printf line (serve's ctrscope_runtime_cpu_seconds_total). */
    private readonly runtime?: RuntimeCostReader,
  ) {}

  runStarted(run: number): void {
    this.lostBefore += this.reader.lost;
    this.unreadBefore += this.reader.unrecognized;
    this.reader = new KernelPrintReader();
    this.run = run;
  }

  line(text: string, t: number, run = this.run): void {
    if (run !== this.run && this.run !== -1) return;
    for (const e of this.reader.line(text, t)) {
      if (e.kind === 'print') this.add(e.print);
      else if (e.kind === 'printf') this.runtime?.printf(e.text, e.t);
    }
  }

  runEnded(run: number, t: number): void {
    if (run !== this.run) return;
    for (const e of this.reader.flush(t)) if (e.kind === 'print') this.add(e.print);
  }

  /** Counters never go back: a reset (the live view's key r) does nothing here. */
  reset(): void {}

  get lost(): number {
    return this.lostBefore + this.reader.lost;
  }

  get unrecognized(): number {
    return this.unreadBefore + this.reader.unrecognized + this.badBuckets + (this.runtime?.unrecognized ?? 0);
  }

  output(): SourceOutput {
    return { eventsPerSec: 0, lost: this.lost, unrecognized: this.unrecognized };
  }

  private label(name: string): string {
    if (this.named.has(name)) return name;
    if (this.named.size < TOP_SYSCALLS) {
      this.named.add(name);
      return name;
    }
    return OTHER;
  }

  private add(p: KernelPrint): void {
    this.prints++;
    this.runtime?.print(p);
    const errors = numbersOf(p.maps.get('@errors'));
    const sc = p.maps.get('@sc');
    const rows: Array<{ comm: string; nr: number; count: number; total: number; errors: number }> = [];
    for (const [key, value] of typeof sc === 'object' && sc !== null && !Array.isArray(sc) ? Object.entries(sc) : []) {
      const st = asStats(value);
      const [comm, num] = splitMapKey(key, 2);
      const nr = Number(num);
      if (!st || comm === undefined || !Number.isInteger(nr)) {
        this.reader.unrecognized++;
        continue;
      }
      rows.push({ comm, nr, count: st.count, total: st.total, errors: errors[key] ?? 0 });
    }
    // Names are admitted busiest first, so the first prints name the syscalls that matter.
    rows.sort((a, b) => b.count - a.count || a.nr - b.nr);
    const sums = { read: 0, write: 0 };
    for (const r of rows) {
      const role = this.roleOf(r.comm);
      let byName = this.syscalls.get(role);
      if (!byName) this.syscalls.set(role, (byName = new Map()));
      const label = this.label(this.nameOf(r.nr));
      const a = byName.get(label);
      if (a) (a.calls += r.count), (a.errors += r.errors), (a.ns += r.total);
      else byName.set(label, { calls: r.count, errors: r.errors, ns: r.total });
      if (READS.has(r.nr)) sums.read += r.total;
      else if (WRITES.has(r.nr)) sums.write += r.total;
    }
    // The histograms and @sc come from the same exit hook and the same duration: the read
    // family's @sc totals are exactly the sum of the values in @read_ns.
    this.addHist(this.vfs.read, p.maps.get('@read_ns'), sums.read);
    this.addHist(this.vfs.write, p.maps.get('@write_ns'), sums.write);
  }

  private addHist(h: Log2Totals, v: unknown, sumNs: number): void {
    h.sumNs += sumNs;
    if (!Array.isArray(v)) return;
    for (const b of normalizeHist(v)) {
      if (b.high < 0) {
        h.below += b.count;
        h.count += b.count;
        continue;
      }
      const k = log2Index(b);
      if (k === null) {
        this.badBuckets++;
        continue;
      }
      while (h.counts.length <= k) h.counts.push(0);
      h.counts[k] += b.count;
      h.count += b.count;
    }
  }
}
