/** Small, failure-tolerant readers of /proc. A process can vanish between two reads: every reader returns null then. */
import { readdirSync, readlinkSync } from 'node:fs';
import { TICKS_PER_SEC } from '../../parsers/proc-counters.js';
import { readOrNull } from '../util/read.js';

export const PROC = process.env.CTRSCOPE_PROC ?? '/proc';

export function readProc(pid: number | 'self', file: string): string | null {
  return readOrNull(`${PROC}/${pid}/${file}`);
}

export function listPids(): number[] {
  const out: number[] = [];
  for (const name of readdirSync(PROC)) {
    const c = name.charCodeAt(0);
    if (c >= 48 && c <= 57) out.push(Number(name));
  }
  return out;
}

export function comm(pid: number): string | null {
  const c = readProc(pid, 'comm');
  return c === null ? null : c.replace(/\n$/, '');
}

export function cmdline(pid: number): string[] | null {
  const c = readProc(pid, 'cmdline');
  if (c === null || c.length === 0) return null;
  return c.replace(/\0$/, '').split('\0');
}

export function exePath(pid: number): string | null {
  try {
    return readlinkSync(`${PROC}/${pid}/exe`);
  } catch {
    return null;
  }
}

/** Fields of /proc/PID/stat after the comm: [state, ppid, ...]; starttime is field 22 of the whole line. */
export function statFields(pid: number): { ppid: number; startTime: number; state: string } | null {
  const s = readProc(pid, 'stat');
  if (s === null) return null;
  const close = s.lastIndexOf(')');
  const rest = s.slice(close + 2).split(' ');
  return { state: rest[0] ?? '?', ppid: Number(rest[1]), startTime: Number(rest[19]) };
}

/** CPU time of a process from /proc/PID/stat, in seconds; resident memory in bytes. */
export interface ProcCpu {
  /** utime + stime: its own threads. */
  own: number;
  /** cutime + cstime: its children that exited and were reaped (restarted tracers, helpers). */
  reaped: number;
  /** Resident memory, bytes (stat's rss pages of 4 KiB). */
  rss: number;
}

/** The one reader of CPU seconds from /proc/PID/stat; null when the process is gone. */
export function procCpu(pid: number | 'self'): ProcCpu | null {
  const s = readProc(pid, 'stat');
  if (s === null) return null;
  // After the comm: state(0) ppid(1) ... utime is field 14 of the whole line, index 11 here;
  // stime 12, cutime 13, cstime 14, rss (pages) 21.
  const f = s.slice(s.lastIndexOf(')') + 2).split(' ');
  const own = (Number(f[11]) + Number(f[12])) / TICKS_PER_SEC;
  const reaped = (Number(f[13]) + Number(f[14])) / TICKS_PER_SEC;
  return Number.isFinite(own) && Number.isFinite(reaped) ? { own, reaped, rss: Number(f[21]) * 4096 } : null;
}

/** True when the process is gone, or its pid now names another process (another start time). */
export function processGone(pid: number, startTime?: number): boolean {
  const st = statFields(pid);
  return !st || (startTime !== undefined && st.startTime !== startTime);
}

/** Value of a "Key:\tvalue" line in /proc/PID/status. */
export function statusField(pid: number, key: string): string | null {
  const s = readProc(pid, 'status');
  if (s === null) return null;
  const m = s.match(new RegExp(`^${key}:\\s*(.*)$`, 'm'));
  return m ? m[1]! : null;
}

export function threadIds(pid: number): number[] {
  try {
    return readdirSync(`${PROC}/${pid}/task`).map(Number);
  } catch {
    return [];
  }
}

export function pidMax(): number {
  try {
    return Number(readOrNull(`${PROC}/sys/kernel/pid_max`)?.trim()) || 4194304;
  } catch {
    return 4194304;
  }
}
