/**
 * Pure parsers for the per-process and per-thread counters the kernel keeps in /proc, and for the
 * one-line JSON poll that src/host/proc-counters.ts makes of them (what the live view records).
 * No file access here: callers pass the text they read. Nothing throws; input that cannot be read
 * as the file it claims to be returns null, and ProcCounterParser counts it.
 *
 * /proc/PID/stat (one line; comm is in parentheses and may hold spaces and ')'):
 *   2216 (containerd) S 1 2216 2216 0 -1 4194304 10559 1352904 0 0 1017 814 575 811 20 0 10 0 6850 ...
 *   fields (1-based, man 5 proc): 1 pid, 2 comm, 3 state, 10 minflt, 12 majflt, 14 utime,
 *   15 stime (clock ticks), 22 starttime (clock ticks since boot). For a process (not a task)
 *   minflt/majflt/utime/stime cover every thread, those that exited too.
 *
 * /proc/PID/task/TID/status (per thread; only these two lines are read):
 *   voluntary_ctxt_switches:	187
 *   nonvoluntary_ctxt_switches:	6
 *
 * /proc/PID/task/TID/sched (per thread; needs CONFIG_SCHED_DEBUG, which kernel 6.18 here has):
 *   containerd (2220, #threads: 10)
 *   -------------------------------------------------------------------
 *   se.exec_start                                :        477992.231360
 *   se.nr_migrations                             :                 4453
 *   nr_switches                                  :               104745
 *   nr_voluntary_switches                        :                76949
 *   nr_involuntary_switches                      :                27796
 *   (nr_voluntary/involuntary_switches are the same task fields status prints)
 *
 * /proc/uptime:  479.48 666.33   (seconds since boot, idle seconds; 1/100 s resolution)
 */

/** Clock ticks a second of utime/stime/starttime (USER_HZ: 100 on every Linux ABI ctrscope runs on). */
export const TICKS_PER_SEC = 100;

export interface StatCounters {
  pid: number;
  comm: string;
  state: string;
  minflt: number;
  majflt: number;
  /** Clock ticks (TICKS_PER_SEC). */
  utime: number;
  stime: number;
  /** Start time, clock ticks since boot: with the pid, names one process (pids are reused). */
  start: number;
}

export interface ThreadSwitches {
  vcs: number;
  nvcs: number;
}

export interface SchedCounters {
  /** se.nr_migrations; null when the file has no such line. */
  migr: number | null;
  /** nr_voluntary_switches / nr_involuntary_switches; null when absent. */
  vcs: number | null;
  nvcs: number | null;
}

/** A count: digits only (what the kernel prints for these fields). */
function count(s: string | undefined): number | null {
  if (s === undefined || s.length === 0 || s.length > 20) return null;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) return null;
  }
  return Number(s);
}

/** /proc/PID/stat or /proc/PID/task/TID/stat; null when it is not one. */
export function parseStat(text: string | null | undefined): StatCounters | null {
  if (typeof text !== 'string') return null;
  const open = text.indexOf(' (');
  const close = text.lastIndexOf(') ');
  if (open <= 0 || close < open) return null;
  const pid = count(text.slice(0, open));
  const rest = text.slice(close + 2).trimEnd().split(' ');
  // rest[0] is field 3; field N is rest[N - 3].
  const minflt = count(rest[7]);
  const majflt = count(rest[9]);
  const utime = count(rest[11]);
  const stime = count(rest[12]);
  const start = count(rest[19]);
  if (pid === null || minflt === null || majflt === null || utime === null || stime === null || start === null) return null;
  return { pid, comm: text.slice(open + 2, close), state: rest[0]!, minflt, majflt, utime, stime, start };
}

/** The value of a "key<blanks>:<blanks>value" line whose key starts a line; undefined when there is none. */
function field(text: string, key: string): string | undefined {
  const i = text.startsWith(key) ? 0 : text.indexOf('\n' + key) + 1;
  if (i === 0 && !text.startsWith(key)) return undefined;
  let j = i + key.length;
  while (text[j] === ' ' || text[j] === '\t') j++;
  if (text[j] !== ':') return undefined;
  j++;
  while (text[j] === ' ' || text[j] === '\t') j++;
  const e = text.indexOf('\n', j);
  return text.slice(j, e < 0 ? text.length : e).trimEnd();
}

/** A thread's status file: its context switches; null when either line is missing or not a count. */
export function parseStatus(text: string | null | undefined): ThreadSwitches | null {
  if (typeof text !== 'string') return null;
  const vcs = count(field(text, 'voluntary_ctxt_switches'));
  const nvcs = count(field(text, 'nonvoluntary_ctxt_switches'));
  return vcs === null || nvcs === null ? null : { vcs, nvcs };
}

/** A thread's sched file; null when it has none of the three lines (not a sched file). */
export function parseSched(text: string | null | undefined): SchedCounters | null {
  if (typeof text !== 'string') return null;
  const migr = count(field(text, 'se.nr_migrations'));
  const vcs = count(field(text, 'nr_voluntary_switches'));
  const nvcs = count(field(text, 'nr_involuntary_switches'));
  return migr === null && vcs === null && nvcs === null ? null : { migr, vcs, nvcs };
}

/** /proc/uptime as centiseconds since boot (the unit of starttime); null when unreadable. */
export function parseUptime(text: string | null | undefined): number | null {
  if (typeof text !== 'string') return null;
  const m = /^(\d+)\.(\d\d)\s/.exec(text);
  return m ? Number(m[1]) * 100 + Number(m[2]) : null;
}

/** One thread in a poll: [tid, voluntary, involuntary, migrations or null]. */
export type ThreadRow = [number, number, number, number | null];

/** One process in a poll. vcs/nvcs/migr sum the threads read (th); the rest are stat's. */
export interface ProcSample {
  pid: number;
  start: number;
  comm: string;
  vcs: number;
  nvcs: number;
  migr: number | null;
  minflt: number;
  majflt: number;
  utime: number;
  stime: number;
  th: ThreadRow[];
}

/** One poll: the line src/host/proc-counters.ts writes. */
export interface ProcPoll {
  /** ms, monotonic within one ctrscope process (performance.timeOrigin + now()). */
  t: number;
  /** /proc/uptime in centiseconds (starttime's unit), to tell processes born since the last poll. */
  up: number | null;
  /** Whether a hardware PMU is registered (cache events countable); null when unknown. */
  hw: boolean | null;
  procs: ProcSample[];
  /** Targets that could not be read (gone, or their pid reused). */
  gone?: number;
}

const isCount = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0;
const isCountOrNull = (v: unknown): v is number | null => v === null || isCount(v);

function sample(o: unknown): ProcSample | null {
  if (typeof o !== 'object' || o === null) return null;
  const p = o as Record<string, unknown>;
  if (!isCount(p.pid) || !isCount(p.start) || typeof p.comm !== 'string') return null;
  if (!isCount(p.vcs) || !isCount(p.nvcs) || !isCountOrNull(p.migr) || !isCount(p.minflt) || !isCount(p.majflt) || !isCount(p.utime) || !isCount(p.stime)) return null;
  const th: ThreadRow[] = [];
  if (Array.isArray(p.th))
    for (const r of p.th) {
      if (Array.isArray(r) && r.length === 4 && isCount(r[0]) && isCount(r[1]) && isCount(r[2]) && isCountOrNull(r[3])) th.push([r[0], r[1], r[2], r[3]]);
      else return null;
    }
  return { pid: p.pid, start: p.start, comm: p.comm, vcs: p.vcs, nvcs: p.nvcs, migr: p.migr, minflt: p.minflt, majflt: p.majflt, utime: p.utime, stime: p.stime, th };
}

/**
 * A poll line, or null when the text is not one (not JSON, or no t and procs). A process entry
 * that is malformed is left out and counted in `bad`.
 */
export function parsePollLine(text: string): { poll: ProcPoll; bad: number } | null {
  let o: unknown;
  try {
    o = JSON.parse(text);
  } catch {
    return null;
  }
  if (typeof o !== 'object' || o === null) return null;
  const j = o as Record<string, unknown>;
  if (typeof j.t !== 'number' || !Number.isFinite(j.t) || !Array.isArray(j.procs)) return null;
  const procs: ProcSample[] = [];
  let bad = 0;
  for (const p of j.procs) {
    const s = sample(p);
    if (s) procs.push(s);
    else bad++;
  }
  const poll: ProcPoll = { t: j.t, up: isCount(j.up) ? j.up : null, hw: typeof j.hw === 'boolean' ? j.hw : null, procs };
  if (isCount(j.gone) && j.gone > 0) poll.gone = j.gone;
  return { poll, bad };
}

/** The parsers above with a count of the inputs that were not what they should be. */
export class ProcCounterParser {
  unreadable = 0;

  private note<T>(v: T | null): T | null {
    if (v === null) this.unreadable++;
    return v;
  }

  stat(text: string | null | undefined): StatCounters | null {
    return this.note(parseStat(text));
  }
  status(text: string | null | undefined): ThreadSwitches | null {
    return this.note(parseStatus(text));
  }
  sched(text: string | null | undefined): SchedCounters | null {
    return this.note(parseSched(text));
  }
  uptime(text: string | null | undefined): number | null {
    return this.note(parseUptime(text));
  }
  poll(text: string): ProcPoll | null {
    const r = parsePollLine(text);
    if (!r) {
      this.unreadable++;
      return null;
    }
    this.unreadable += r.bad;
    return r.poll;
  }
}
