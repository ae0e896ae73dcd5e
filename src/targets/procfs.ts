/** Small, failure-tolerant readers of /proc. A process can vanish between two reads: every reader returns null then. */
import { readFileSync, readdirSync, readlinkSync } from 'node:fs';

export const PROC = process.env.CTRSCOPE_PROC ?? '/proc';

export function readProc(pid: number | 'self', file: string): string | null {
  try {
    return readFileSync(`${PROC}/${pid}/${file}`, 'utf8');
  } catch {
    return null;
  }
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
    return Number(readFileSync(`${PROC}/sys/kernel/pid_max`, 'utf8').trim()) || 4194304;
  } catch {
    return 4194304;
  }
}
