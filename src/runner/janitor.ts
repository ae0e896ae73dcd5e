/**
 * Start-up checks for what earlier runs, or other people, left attached:
 *  - tracers carrying CTRSCOPE_SESSION=<pid> whose ctrscope is gone are stopped (SIGKILL by pid);
 *  - a containerd (or shim) thread that is already ptrace-traced is reported before we attach.
 */
import { comm, listPids, readProc, statFields, threadIds } from '../targets/procfs.js';
import { SESSION_ENV } from './tracer.js';

export interface Orphan {
  pid: number;
  comm: string;
  session: number;
}

function sessionOf(pid: number): number | null {
  const env = readProc(pid, 'environ');
  if (!env) return null;
  const key = `${SESSION_ENV}=`;
  for (const kv of env.split('\0')) if (kv.startsWith(key)) return Number(kv.slice(key.length)) || null;
  return null;
}

/** Is `session` a live ctrscope that started before `pid`? (Guards against PID reuse.) */
function sessionAlive(session: number, pid: number): boolean {
  if (session === process.pid) return true;
  const s = statFields(session);
  const t = statFields(pid);
  if (!s || !t) return false;
  // Its parent is that session, alive: not an orphan, whatever the session's command line (a
  // test runner that starts tracers in process). A tracer whose session died is reparented.
  if (t.ppid === session) return true;
  const cmd = readProc(session, 'cmdline') ?? '';
  return s.startTime <= t.startTime && /ctrscope|cli\.js/.test(cmd);
}

/** Tracers of ours whose ctrscope no longer runs. */
export function findOrphans(): Orphan[] {
  const out: Orphan[] = [];
  for (const pid of listPids()) {
    if (pid === process.pid) continue;
    const session = sessionOf(pid);
    if (session === null || sessionAlive(session, pid)) continue;
    out.push({ pid, comm: comm(pid) ?? '?', session });
  }
  return out;
}

/** Stops orphans by pid; returns what it stopped. */
export function stopOrphans(say: (m: string) => void): Orphan[] {
  const orphans = findOrphans();
  for (const o of orphans) {
    try {
      process.kill(o.pid, 'SIGKILL');
      say(`stopped ${o.comm} (pid ${o.pid}) left running by an earlier ctrscope (pid ${o.session})`);
    } catch {
      // it exited meanwhile
    }
  }
  return orphans;
}

export interface ForeignTracer {
  target: number;
  tid: number;
  tracerPid: number;
  tracerComm: string;
}

/** Threads of `pids` that some process ptrace-traces now. */
export function tracedThreads(pids: number[]): ForeignTracer[] {
  const out: ForeignTracer[] = [];
  for (const pid of pids) {
    for (const tid of threadIds(pid)) {
      const tp = Number(readTracerPid(pid, tid));
      if (tp > 0) out.push({ target: pid, tid, tracerPid: tp, tracerComm: comm(tp) ?? '?' });
    }
  }
  return out;
}

function readTracerPid(pid: number, tid: number): string {
  const s = readProc(pid, `task/${tid}/status`);
  const m = s ? /^TracerPid:\s*(\d+)/m.exec(s) : null;
  return m ? m[1]! : '0';
}

/** One line per process already traced by someone else (collapsed over its threads). */
export function describeForeign(list: ForeignTracer[]): string[] {
  const seen = new Map<string, ForeignTracer>();
  for (const f of list) seen.set(`${f.target}:${f.tracerPid}`, f);
  return [...seen.values()].map((f) => `pid ${f.target} is already traced by ${f.tracerComm} (pid ${f.tracerPid}); its syscalls are slowed until that tracer detaches`);
}
