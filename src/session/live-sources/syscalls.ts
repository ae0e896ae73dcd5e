/**
 * Live source for the syscalls panel and the per-target syscall numbers: the syscall-count probe
 * (bpftrace, raw_syscalls tracepoints). bpftrace prints @calls, @errors, @max, @ns once a second,
 * as deltas that the parser adds up (recordings made before that print them cumulative, which
 * reads the same); each print group is a sample, and rates are the difference between two
 * samples over the time between them (the recorded time in a replay). @max is the longest
 * call since the tracer started (at most 10 s ago: the feed restarts it). Calls over 10 ms that
 * are not waits by design arrive as printf lines, one each: the events panel's slow syscalls.
 */
import { reduceSyscallMaps, syscallRates, type ProcessSyscalls, type SyscallRow } from '../../aggregate/syscalls.js';
import { syscallNamer } from '../../host/syscalls.js';
import { maxBySyscall, parseSlowLine } from '../../aggregate/slow-syscalls.js';
import { parseBpftraceLine } from '../../../parsers/bpftrace-json.js';
import { SYSCALL_DELTA_MAPS } from '../../../probes/syscall-count.js';
import type { EventItem, SyscallLine, SyscallsView } from '../../live-model/types.js';
import { countsOf, PrintGroups, type PrintGroup } from './print-groups.js';
import type { LiveSource, LiveSourceDef, SourceOutput, TargetPart } from './types.js';
import { pushHistory } from './kernel.js';


type Counts = Record<string, number>;

interface Sample {
  t: number;
  syscalls: SyscallRow[];
  processes: ProcessSyscalls[];
  total: number;
}

/** Slow calls the events panel keeps from this source. */
const SLOW_KEPT = 100;

function lines(rates: SyscallRow[], maxNs: Map<string, number> | null, history: Map<string, number[]>): SyscallLine[] {
  return rates
    .filter((r) => r.calls > 0 || (history.get(r.syscall)?.some((v) => v > 0) ?? false))
    .map((r) => ({
      syscall: r.syscall,
      callsPerSec: r.calls,
      errorsPerSec: r.errors,
      avgNs: r.calls > 0 ? (r.seconds / r.calls) * 1e9 : null,
      maxNs: maxNs?.get(r.syscall) ?? null,
      history: history.get(r.syscall) ?? [],
    }))
    .sort((a, b) => b.callsPerSec - a.callsPerSec || (a.syscall < b.syscall ? -1 : 1));
}

class SyscallsSource implements LiveSource {
  private groups = new PrintGroups(['@calls', '@errors', '@ns'], SYSCALL_DELTA_MAPS);
  private run = -1;
  private prev: Sample | null = null;
  private latest: Sample | null = null;
  private maxNs: Map<string, number> | null = null;
  private history = new Map<string, number[]>();
  private rates: SyscallRow[] = [];
  private procRates: Array<{ p: ProcessSyscalls; rows: SyscallRow[]; calls: number; errors: number; seconds: number }> = [];
  private windowS = 0;
  private totalPerSec = 0;
  private hasRates = false;
  private lost = 0;
  private unrecognized = 0;
  private slow: EventItem[] = [];
  private printfSeen = 0;

  constructor(private readonly nameOf: (nr: number) => string) {}

  runStarted(run: number): void {
    // A new tracer counts from zero: its first print is compared with its attach time, not with
    // the old tracer's totals.
    this.settle();
    this.run = run;
    this.groups = new PrintGroups(['@calls', '@errors', '@ns'], SYSCALL_DELTA_MAPS);
    this.latest = null;
    this.prev = null;
  }

  line(text: string, t: number, run = this.run): void {
    if (run !== this.run && this.run !== -1) return;
    // A slow call, printed as it happens: {"type": "printf", "data": "slow 3026 263 32836786 containerd\n"}
    if (text.startsWith('{"type": "printf"')) this.slowCall(text, t);
    const r = this.groups.parser.result();
    const attachedBefore = r.attachedProbes;
    for (const g of this.groups.line(text, t)) this.onGroup(g);
    // Attaching is the zero point: the first print then already gives rates.
    if (attachedBefore === null && r.attachedProbes !== null && !this.latest) this.latest = { t, syscalls: [], processes: [], total: 0 };
  }

  runEnded(run: number): void {
    if (run === this.run) for (const g of this.groups.flush()) this.onGroup(g);
  }

  private slowCall(text: string, t: number): void {
    const rec = parseBpftraceLine(text)?.[0];
    if (rec?.type !== 'printf') return;
    const c = parseSlowLine(rec.text, t, this.nameOf);
    if (!c) return;
    const ms = c.seconds * 1000;
    this.slow.push({ t, kind: 'slow', pid: c.pid, comm: c.comm, text: `${c.syscall} took ${ms >= 100 ? ms.toFixed(0) : ms.toFixed(1)} ms` });
    if (this.slow.length > SLOW_KEPT) this.slow.splice(0, this.slow.length - SLOW_KEPT);
  }

  private settle(): void {
    const r = this.groups.parser.result();
    this.lost += r.lostEvents;
    this.unrecognized += r.unrecognized;
  }

  private onGroup(g: PrintGroup): void {
    const tot = reduceSyscallMaps(countsOf(g.maps.get('@calls')), countsOf(g.maps.get('@errors')), countsOf(g.maps.get('@ns')), this.nameOf);
    const max = this.groups.parser.result().maps.get('@max');
    this.maxNs = max ? maxBySyscall(countsOf(max), this.nameOf) : null;
    this.sample({ t: g.t, syscalls: tot.syscalls, processes: tot.processes, total: tot.totalCalls });
  }

  private sample(s: Sample): void {
    this.prev = this.latest;
    this.latest = s;
    const prev = this.prev;
    if (!prev || s.t <= prev.t) return;
    const dt = (s.t - prev.t) / 1000;
    this.hasRates = true;
    this.windowS = dt;
    this.rates = syscallRates(prev.syscalls, s.syscalls, dt);
    this.totalPerSec = Math.max(0, s.total - prev.total) / dt;
    const seen = new Set<string>();
    for (const r of this.rates) {
      seen.add(r.syscall);
      pushHistory(this.history, r.syscall, r.calls);
    }
    for (const name of this.history.keys()) if (!seen.has(name)) pushHistory(this.history, name, 0);
    const before = new Map(prev.processes.map((p) => [p.pid, p]));
    this.procRates = [];
    for (const p of s.processes) {
      const rows = syscallRates(before.get(p.pid)?.syscalls ?? [], p.syscalls, dt).filter((r) => r.calls > 0);
      if (rows.length === 0) continue;
      let calls = 0, errors = 0, seconds = 0;
      for (const r of rows) {
        calls += r.calls;
        errors += r.errors;
        seconds += r.seconds;
      }
      this.procRates.push({ p, rows, calls, errors, seconds });
    }
  }

  reset(): void {
    this.slow = [];
    this.history.clear();
    this.rates = [];
    this.procRates = [];
    this.totalPerSec = 0;
    this.windowS = 0;
    this.maxNs = null;
  }

  output(t: number): SourceOutput {
    const r = this.groups.parser.result();
    // Slow calls are rare (a few a second at most): the kept ones give their rate over 10 s.
    const slowPerSec = this.slow.filter((e) => e.t > t - 10_000).length / 10;
    const rows = lines(this.rates, this.maxNs, this.history);
    // Once there are rates they stay shown: a restarted tracer needs a print or two before its own.
    const syscalls: SyscallsView | undefined = this.hasRates
      ? { rows, callsPerSec: this.totalPerSec, errorsPerSec: rows.reduce((a, x) => a + x.errorsPerSec, 0), windowS: this.windowS }
      : undefined;
    const targets: TargetPart[] = this.procRates.map(({ p, rows: pr, calls, errors, seconds }) => ({
      pid: p.pid,
      comm: p.comm,
      syscallsPerSec: calls,
      errorsPerSec: errors,
      avgNs: calls > 0 ? (seconds / calls) * 1e9 : null,
      syscalls: lines(pr, null, new Map()),
    }));
    return { eventsPerSec: this.totalPerSec, lost: this.lost + r.lostEvents, unrecognized: this.unrecognized + r.unrecognized, syscalls, targets, events: this.slow, eventRates: { slow: slowPerSec } };
  }
}

export const syscallsSource: LiveSourceDef = {
  id: 'syscalls',
  probe: 'syscall-count',
  panels: ['syscalls', 'events', 'targets'],
  create: (ctx) => new SyscallsSource(syscallNamer(ctx.arch)),
};
