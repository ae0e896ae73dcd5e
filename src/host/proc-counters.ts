/**
 * Reads the scheduler and fault counters of the live view's targets from /proc (sync reads, a few
 * small files per thread) and writes them as ONE line of JSON per poll, the text the live view's
 * sched source parses (parsers/proc-counters.ts) and recordings keep:
 *
 *   {"t":1733040000123.4,"up":47948,"hw":false,"procs":[{"pid":2216,"start":6850,"comm":"containerd",
 *    "vcs":76949,"nvcs":27796,"migr":4453,"minflt":10559,"majflt":0,"utime":1017,"stime":814,
 *    "th":[[2216,21,89,2],[2219,...],...]}]}
 *
 * Per process: /proc/PID/stat (faults and CPU time of every thread, dead ones too, and the start
 * time that tells a reused pid). Per thread: /proc/PID/task/TID/sched, which on this kernel has the
 * migrations and both context-switch counts; /proc/PID/task/TID/status is read for the switches
 * only where sched lacks them (kernels without CONFIG_SCHED_DEBUG), and then migrations are null.
 * A process that vanishes mid-read, or whose pid now names another process, is left out (gone).
 */
import { closeSync, openSync, readdirSync, readSync } from 'node:fs';
import { parseSched, parseStat, parseStatus, parseUptime, type ProcPoll, type ProcSample, type ThreadRow } from '../../parsers/proc-counters.js';
import type { HostTargets } from '../targets/discover.js';
import { hasHardwarePmu } from './features.js';

export interface PollTarget {
  pid: number;
  /** From discovery: when given and the pid's start time differs, the pid was reused. */
  startTime?: number;
}

export interface ReaderOptions {
  proc?: string;
  sys?: string;
  /** 'status': read status for the switches even where sched has them (the two agree). */
  threads?: 'auto' | 'status';
  /** ms clock for the poll's t. */
  now?: () => number;
}

const monotonicMs = () => Math.round((performance.timeOrigin + performance.now()) * 10) / 10;

/** Reads one /proc file whole into a shared buffer; null when it cannot be opened or read. */
class SmallReader {
  private buf = Buffer.allocUnsafe(16384);

  read(path: string): string | null {
    let fd: number;
    try {
      fd = openSync(path, 'r');
    } catch {
      return null;
    }
    try {
      let n = 0;
      for (;;) {
        if (n === this.buf.length) {
          const bigger = Buffer.allocUnsafe(this.buf.length * 2);
          this.buf.copy(bigger);
          this.buf = bigger;
        }
        const r = readSync(fd, this.buf, n, this.buf.length - n, null);
        if (r === 0) break;
        n += r;
      }
      return this.buf.toString('latin1', 0, n);
    } catch {
      return null;
    } finally {
      closeSync(fd);
    }
  }
}

export class ProcCounterReader {
  private readonly proc: string;
  private readonly sys: string;
  private readonly threadsMode: 'auto' | 'status';
  private readonly now: () => number;
  private readonly file = new SmallReader();
  private hw: boolean | null | undefined;
  /** False once a sched file was missing where status was there: the kernel has no sched files. */
  private schedFiles = true;

  constructor(o: ReaderOptions = {}) {
    this.proc = o.proc ?? process.env.CTRSCOPE_PROC ?? '/proc';
    this.sys = o.sys ?? process.env.CTRSCOPE_SYS ?? '/sys';
    this.threadsMode = o.threads ?? 'auto';
    this.now = o.now ?? monotonicMs;
  }

  private hardware(): boolean | null {
    if (this.hw === undefined) {
      try {
        this.hw = hasHardwarePmu(readdirSync(`${this.sys}/bus/event_source/devices`));
      } catch {
        this.hw = null;
      }
    }
    return this.hw;
  }

  /** One thread's row, or null when it exited before its files were read. */
  private thread(dir: string, tid: number): ThreadRow | null {
    const sched = this.schedFiles ? parseSched(this.file.read(`${dir}/sched`)) : null;
    if (this.threadsMode === 'auto' && sched && sched.vcs !== null && sched.nvcs !== null) return [tid, sched.vcs, sched.nvcs, sched.migr];
    const status = parseStatus(this.file.read(`${dir}/status`));
    if (!status) return null;
    if (!sched && this.schedFiles) this.schedFiles = false;
    return [tid, status.vcs, status.nvcs, sched?.migr ?? null];
  }

  /** One process, or null when it is gone (or its pid names another process now). */
  sample(target: PollTarget): ProcSample | null {
    const base = `${this.proc}/${target.pid}`;
    const st = parseStat(this.file.read(`${base}/stat`));
    if (!st || st.pid !== target.pid || (target.startTime !== undefined && st.start !== target.startTime)) return null;
    let tids: string[];
    try {
      tids = readdirSync(`${base}/task`);
    } catch {
      return null;
    }
    const th: ThreadRow[] = [];
    let vcs = 0;
    let nvcs = 0;
    let migr: number | null = null;
    for (const name of tids) {
      const row = this.thread(`${base}/task/${name}`, Number(name));
      if (!row) continue;
      th.push(row);
      vcs += row[1];
      nvcs += row[2];
      if (row[3] !== null) migr = (migr ?? 0) + row[3];
    }
    if (th.length === 0) return null;
    return { pid: st.pid, start: st.start, comm: st.comm, vcs, nvcs, migr, minflt: st.minflt, majflt: st.majflt, utime: st.utime, stime: st.stime, th };
  }

  /** One poll of these targets (a pid listed twice is read once). */
  poll(targets: PollTarget[]): ProcPoll {
    const t = this.now();
    const up = parseUptime(this.file.read(`${this.proc}/uptime`));
    const procs: ProcSample[] = [];
    const seen = new Set<number>();
    let gone = 0;
    for (const target of targets) {
      if (seen.has(target.pid)) continue;
      seen.add(target.pid);
      const s = this.sample(target);
      if (s) procs.push(s);
      else gone++;
    }
    const poll: ProcPoll = { t, up, hw: this.hardware(), procs };
    if (gone > 0) poll.gone = gone;
    return poll;
  }

  /** The poll as the one text line the live view records. */
  line(targets: PollTarget[]): string {
    return JSON.stringify(this.poll(targets));
  }
}

/** The live view's targets for these counters: every containerd and every shim discovery found. */
export function counterTargets(host: HostTargets): PollTarget[] {
  return [...host.containerd, ...host.shims].map((t) => ({ pid: t.pid, startTime: t.startTime }));
}
