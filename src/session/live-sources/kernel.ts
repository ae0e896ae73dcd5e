/**
 * Live source for the syscalls, VFS, events and targets panels: the live-kernel probe, one
 * bpftrace program with one hook pair on the syscall path (probes/live-kernel.bt), started once
 * for the whole session. Every 2 s it prints what happened since the last print (kernel-print.ts),
 * so a print is already a rate over 2 s of kernel time (the program's interval:s:2) and
 * nothing is summed here: what this source keeps is bounded by the window it shows (the last
 * print for rates, ten prints for the VFS histograms and MAX, sixty values per sparkline), never
 * by how many processes came and went.
 */
import { mergeHists, normalizeHist, type Bucket } from '../../../parsers/bpftrace-hist.js';
import { asStats, splitMapKey, type BpftraceStats } from '../../../parsers/bpftrace-json.js';
import { parseSlowLine } from '../../aggregate/slow-syscalls.js';
import { syscallNamer } from '../../host/syscalls.js';
import { errnoName, openFlags } from '../../summaries/open-flags.js';
import type { EventItem, SyscallLine, SyscallsView, VfsView } from '../../live-model/types.js';
import { latencyView } from './vfs.js';
import { KernelPrintReader, targetChange, targetChangesInLine, targetChangesOfMap, type KernelPrint } from './kernel-print.js';
import { numbersOf } from './print-groups.js';
import type { LiveSource, LiveSourceDef, SourceOutput, TargetPart } from './types.js';
import type { HostTargets } from '../../targets/discover.js';
import { RuntimeCostReader, runtimeParts } from './runtime-cost.js';

/** Seconds one print covers (the program's interval). */
export const PRINT_S = 2;
/** Prints kept for the VFS histograms and each syscall's MAX: the last 10 s. */
export const WINDOW_PRINTS = 10 / PRINT_S;
/** Values a sparkline keeps (two minutes). */
export const HISTORY = 60;
/** Event lines taken from one print at most, per kind (the biggest counts first). */
const PER_PRINT = 40;
/** Events kept for the panel (as the engine keeps: EVENTS_KEPT in live.ts). */
const ITEMS_KEPT = 200;
/** x86_64 numbers of the read and write families (the program's own list). */
const READS = new Set([0, 17, 19]);
/** Where the VFS panel's latencies are taken (vfs-latency's tracepoint rung, on the shared hook). */
const VFS_AT = 'read/write syscalls at raw_syscalls enter/exit';
const WRITES = new Set([1, 18, 20]);
const OPENAT = 257;

interface Agg {
  calls: number;
  errors: number;
  ns: number;
}

interface PerPid extends Agg {
  comm: string;
  vfs: number;
  opens: number;
  execs: number;
  bySyscall: Map<string, Agg>;
  /** Alone under its comm: the comm's per-syscall figures are its own. */
  own: boolean;
}

interface WindowEntry {
  max: Map<string, number>;
  read: Bucket[];
  write: Bucket[];
}

/** A stats() map's entries ([] for anything else). */
const statsEntries = (v: unknown): Array<[string, unknown]> => (typeof v === 'object' && v !== null && !Array.isArray(v) ? Object.entries(v) : []);

const histOf = (v: unknown): Bucket[] => (Array.isArray(v) ? normalizeHist(v) : []);

const add = (m: Map<string, Agg>, k: string, calls: number, errors: number, ns: number) => {
  const a = m.get(k);
  if (a) (a.calls += calls), (a.errors += errors), (a.ns += ns);
  else m.set(k, { calls, errors, ns });
};

const line = (syscall: string, a: Agg, secs: number, maxNs: number | null, history: number[]): SyscallLine => ({
  syscall,
  callsPerSec: a.calls / secs,
  errorsPerSec: a.errors / secs,
  avgNs: a.calls > 0 ? a.ns / a.calls : null,
  maxNs,
  history,
});

const byRate = (a: SyscallLine, b: SyscallLine) => b.callsPerSec - a.callsPerSec || (a.syscall < b.syscall ? -1 : 1);
const shortFlags = (f: string) => f.replace(/O_/g, '').replace(/\|CLOEXEC|\|LARGEFILE/g, '');

export class KernelSource implements LiveSource {
  private reader = new KernelPrintReader();
  private run = -1;
  private lostBefore = 0;
  private unreadBefore = 0;
  private window: WindowEntry[] = [];
  private history = new Map<string, number[]>();
  private syscalls?: SyscallsView;
  private vfs?: VfsView;
  private targets: TargetPart[] = [];
  private items: EventItem[] = [];
  private slowTimes: number[] = [];
  private rates = { open: 0, exec: 0 };
  private total = 0;
  private lastTick: number | null = null;
  /** Target execs and exits seen (the feed looks at /proc again when this grows). */
  targetChanges = 0;
  /** What each container costs the runtime (the targets panel's RT CPU column). */
  private readonly runtime = new RuntimeCostReader();

  constructor(private readonly nameOf: (nr: number) => string) {}

  runStarted(run: number): void {
    this.lostBefore += this.reader.lost;
    this.unreadBefore += this.reader.unrecognized;
    this.reader = new KernelPrintReader();
    this.run = run;
    this.lastTick = null;
  }

  line(text: string, t: number, run = this.run): void {
    if (run !== this.run && this.run !== -1) return;
    for (const e of this.reader.line(text, t)) {
      if (e.kind === 'print') this.onPrint(e.print);
      else if (e.kind === 'printf') this.onPrintf(e.text, e.t);
    }
  }

  runEnded(run: number, t: number): void {
    if (run !== this.run) return;
    for (const e of this.reader.flush(t)) if (e.kind === 'print') this.onPrint(e.print);
  }

  private onPrintf(text: string, t: number): void {
    if (this.runtime.printf(text, t)) return;
    if (targetChange(text)) {
      this.targetChanges++;
      return;
    }
    const c = parseSlowLine(text, t, this.nameOf);
    if (!c) return;
    const ms = c.seconds * 1000;
    this.slowTimes.push(t);
    this.pushItems([{ t, kind: 'slow', pid: c.pid, comm: c.comm, text: `${c.syscall} took ${ms >= 100 ? ms.toFixed(0) : ms.toFixed(1)} ms` }]);
  }

  private onPrint(p: KernelPrint): void {
    // The seconds the print covers: its tick says; END's last part, the time since the last tick.
    const secs = p.seconds > 0 ? p.seconds : Math.min(PRINT_S, Math.max(0.1, (p.t - (this.lastTick ?? p.t - PRINT_S * 1000)) / 1000));
    this.lastTick = p.t;
    this.targetChanges += targetChangesOfMap(p.maps.get('@tg')).length;
    this.runtime.print(p);
    const pids = new Map<number, PerPid>();
    const perPid = (pid: number, comm: string): PerPid => {
      let x = pids.get(pid);
      if (!x) pids.set(pid, (x = { comm, calls: 0, errors: 0, ns: 0, vfs: 0, opens: 0, execs: 0, bySyscall: new Map(), own: false }));
      return x;
    };
    const vfsByComm = new Map<string, number>();
    const opensByComm = new Map<string, number>();
    // @sc [comm, nr] and @pc [comm, pid] -> {count, total}; @errors [comm, nr], @pe [comm, pid] -> count.
    const bySyscall = new Map<string, Agg>();
    const byComm = new Map<string, Map<string, Agg>>();
    const errors = numbersOf(p.maps.get('@errors'));
    for (const { key, comm, n: nr, st } of this.statsByComm(p.maps.get('@sc'))) {
      const name = this.nameOf(nr);
      const err = errors[key] ?? 0;
      add(bySyscall, name, st.count, err, st.total);
      let c = byComm.get(comm);
      if (!c) byComm.set(comm, (c = new Map()));
      add(c, name, st.count, err, st.total);
      if (READS.has(nr) || WRITES.has(nr)) vfsByComm.set(comm, (vfsByComm.get(comm) ?? 0) + st.count);
      else if (nr === OPENAT) opensByComm.set(comm, (opensByComm.get(comm) ?? 0) + st.count);
    }
    const perErrors = numbersOf(p.maps.get('@pe'));
    const pidsOfComm = new Map<string, number>();
    for (const { key, comm, n: pid, st } of this.statsByComm(p.maps.get('@pc'))) {
      const pp = perPid(pid, comm);
      pp.calls += st.count;
      pp.errors += perErrors[key] ?? 0;
      pp.ns += st.total;
      pidsOfComm.set(comm, (pidsOfComm.get(comm) ?? 0) + 1);
    }
    // A process alone under its comm in this print (containerd) has the comm's syscall table,
    // reads, writes and opens as its own; several shims share theirs.
    for (const x of pids.values()) {
      if (pidsOfComm.get(x.comm) !== 1) continue;
      x.bySyscall = byComm.get(x.comm) ?? new Map();
      x.vfs = vfsByComm.get(x.comm) ?? 0;
      x.opens = opensByComm.get(x.comm) ?? 0;
      x.own = true;
    }
    const max = new Map<string, number>();
    for (const [nr, ns] of Object.entries(numbersOf(p.maps.get('@max')))) {
      const name = this.nameOf(Number(nr));
      max.set(name, Math.max(max.get(name) ?? 0, ns));
    }
    this.window.push({ max, read: histOf(p.maps.get('@read_ns')), write: histOf(p.maps.get('@write_ns')) });
    if (this.window.length > WINDOW_PRINTS) this.window.shift();

    // Sparklines: one value per print for every syscall seen within the last HISTORY prints.
    for (const [name, a] of bySyscall) pushHistory(this.history, name, a.calls / secs);
    for (const [name, h] of this.history) {
      if (bySyscall.has(name)) continue;
      pushHistory(this.history, name, 0);
      if (h.every((v) => v === 0)) this.history.delete(name);
    }
    const maxOf = (name: string) => {
      let m: number | null = null;
      for (const w of this.window) {
        const v = w.max.get(name);
        if (v !== undefined) m = Math.max(m ?? 0, v);
      }
      return m;
    };
    const rows = [...bySyscall].map(([name, a]) => line(name, a, secs, maxOf(name), this.history.get(name) ?? []));
    for (const [name, h] of this.history) if (!bySyscall.has(name)) rows.push(line(name, { calls: 0, errors: 0, ns: 0 }, secs, maxOf(name), h));
    rows.sort(byRate);
    let calls = 0, errs = 0;
    for (const a of bySyscall.values()) (calls += a.calls), (errs += a.errors);
    this.total = calls / secs;
    this.syscalls = { rows, callsPerSec: calls / secs, errorsPerSec: errs / secs, windowS: secs };
    this.vfs = { read: latencyView(mergeHists(this.window.map((w) => w.read))), write: latencyView(mergeHists(this.window.map((w) => w.write))), attachPoint: VFS_AT };

    this.events(p, perPid, secs);
    this.targets = [...pids].map(([pid, x]) => ({
      pid,
      comm: x.comm,
      ...(x.calls > 0 && {
        syscallsPerSec: x.calls / secs,
        errorsPerSec: x.errors / secs,
        avgNs: x.ns / x.calls,
        ...(x.own && { syscalls: [...x.bySyscall].map(([name, a]) => line(name, a, secs, null, [])).sort(byRate) }),
      }),
      metrics: (x.own ? { 'vfs/s': x.vfs / secs, 'opens/s': x.opens / secs, 'execs/s': x.execs / secs } : { 'execs/s': x.execs / secs }) as Record<string, number>,
    }));
  }

  /**
   * A stats() map keyed [comm, number] (@sc: the syscall number; @pc: the pid) as entries; a key
   * or value it cannot read is counted, not used.
   */
  private statsByComm(v: unknown): Array<{ key: string; comm: string; n: number; st: BpftraceStats }> {
    const out: Array<{ key: string; comm: string; n: number; st: BpftraceStats }> = [];
    for (const [key, value] of statsEntries(v)) {
      const st = asStats(value);
      const [comm, num] = splitMapKey(key, 2);
      const n = Number(num);
      if (st && comm !== undefined && Number.isInteger(n)) out.push({ key, comm, n, st });
      else this.reader.unrecognized++;
    }
    return out;
  }

  /** Opens and execs of one print as event lines (the biggest counts first), and their rates. */
  private events(p: KernelPrint, perPid: (pid: number, comm: string) => PerPid, secs: number): void {
    type Ev = { pid: number | null; comm: string; text: string; count: number };
    const comms = p.maps.get('@comm') as Record<string, string> | undefined;
    const commOf = (pid: number) => (typeof comms?.[String(pid)] === 'string' ? comms[String(pid)]! : '?');
    // @opens [path, comm, flags, errno]: not by pid (a process's opens are its openat count).
    const opens = Object.entries(numbersOf(p.maps.get('@opens'))).flatMap(([key, count]): Ev[] => {
      const [path, comm, flags, errno] = splitMapKey(key, 4);
      const err = Number(errno);
      if (path === undefined || comm === undefined || !Number.isFinite(err)) return [];
      return [{ pid: null, comm, text: `${path} ${shortFlags(openFlags(Number(flags)))}${err ? ` → ${errnoName(err)}` : ''}`, count }];
    });
    const execs = Object.entries(numbersOf(p.maps.get('@execs'))).flatMap(([key, count]): Ev[] => {
      const [program, pidText] = splitMapKey(key, 2);
      const pid = Number(pidText);
      return Number.isInteger(pid) ? [{ pid, comm: commOf(pid), text: program ?? '?', count }] : [];
    });
    const fresh: EventItem[] = [];
    for (const [kind, list] of [['open', opens], ['exec', execs]] as const) {
      let n = 0;
      for (const x of list) {
        n += x.count;
        if (x.pid !== null) perPid(x.pid, x.comm).execs += x.count;
      }
      this.rates[kind] = n / secs;
      const top = [...list].sort((a, b) => b.count - a.count || (a.text < b.text ? -1 : a.text > b.text ? 1 : (a.pid ?? 0) - (b.pid ?? 0))).slice(0, PER_PRINT);
      for (const x of top) fresh.push({ t: p.t, kind, pid: x.pid, comm: x.comm, text: x.count > 1 ? `${x.text}  ×${x.count}` : x.text });
    }
    this.pushItems(fresh);
  }

  private pushItems(items: EventItem[]): void {
    if (items.length === 0) return;
    this.items.push(...items);
    if (this.items.length > ITEMS_KEPT) this.items.splice(0, this.items.length - ITEMS_KEPT);
  }

  reset(): void {
    this.items = [];
    this.slowTimes = [];
    this.history.clear();
    this.window = [];
    this.syscalls = undefined;
    this.vfs = undefined;
    this.targets = [];
  }

  output(t: number, host?: HostTargets): SourceOutput {
    // Slow calls are rare (a few a second at most): their rate over the last 10 s.
    while (this.slowTimes.length && this.slowTimes[0]! <= t - 10_000) this.slowTimes.shift();
    return {
      eventsPerSec: this.total,
      lost: this.lostBefore + this.reader.lost,
      unrecognized: this.unreadBefore + this.reader.unrecognized + this.runtime.unrecognized,
      syscalls: this.syscalls,
      vfs: this.vfs,
      targets: host ? [...this.targets, ...runtimeParts(this.runtime.ledger, host, t)] : this.targets,
      events: this.items,
      eventRates: { open: this.rates.open, exec: this.rates.exec, slow: this.slowTimes.length / 10 },
    };
  }
}

/** Appends to a sparkline, keeping the last HISTORY values. */
export function pushHistory(h: Map<string, number[]>, key: string, v: number): void {
  let a = h.get(key);
  if (!a) h.set(key, (a = []));
  a.push(v);
  if (a.length > HISTORY) a.shift();
}

export const kernelSource: LiveSourceDef = {
  id: 'kernel',
  probe: 'live-kernel',
  panels: ['syscalls', 'vfs', 'events', 'targets'],
  create: (ctx) => new KernelSource(syscallNamer(ctx.arch)),
  targetsChanged: (text) => targetChangesInLine(text).length > 0,
};
