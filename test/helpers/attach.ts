/**
 * When a tracer is attached, read from the kernel's side (/proc) while it runs, not guessed with
 * a fixed sleep. ctrscope's CLI prints nothing when its tracers attach, and bpftrace prints
 * "Attaching N probes..." / attached_probes *before* it attaches them, so neither is the sign:
 *  - bpftrace: each probe it attaches holds one perf event fd ("anon_inode:[perf_event]"), on top
 *    of one output buffer per online CPU; its programs are loaded ("anon_inode:bpf-prog") before
 *    any is attached. Attached: at least as many perf event fds as CPUs plus programs.
 *  - perf stat: its counters are perf event fds, opened together: attached once there are some
 *    and their number holds still.
 *  - strace: the target's TracerPid (see probes-perf-strace.test.ts).
 */
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { tracersOf } from './cli.js';

/** Online CPUs: /proc/stat has a "cpuN" line for each. */
export function onlineCpus(): number {
  return readFileSync('/proc/stat', 'utf8').match(/^cpu\d+ /gm)?.length ?? 0;
}

/** How many of pid's fds are perf events and BPF programs (0, 0 once it is gone). */
export function eventFds(pid: number): { perf: number; prog: number } {
  const n = { perf: 0, prog: 0 };
  let fds: string[];
  try {
    fds = readdirSync(`/proc/${pid}/fd`);
  } catch {
    return n;
  }
  for (const fd of fds) {
    let link: string;
    try {
      link = readlinkSync(`/proc/${pid}/fd/${fd}`);
    } catch {
      continue;
    }
    if (link === 'anon_inode:[perf_event]') n.perf++;
    else if (link === 'anon_inode:bpf-prog') n.prog++;
  }
  return n;
}

const comm = (pid: number) => {
  try {
    return readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
  } catch {
    return '';
  }
};

/** Whether the bpftrace with this pid has attached every program it loaded. */
export function bpftraceAttached(pid: number): boolean {
  const n = eventFds(pid);
  return n.prog > 0 && n.perf >= onlineCpus() + n.prog;
}

/**
 * Waits until a tracer of the ctrscope session `sessionPid` (bpftrace or perf, or only the one
 * named by `only`) is attached, as the kernel shows it; resolves to that tracer's pid and the
 * time it was seen (Date.now()), or rejects after `ms`.
 */
export async function waitAttached(sessionPid: number, only?: 'bpftrace' | 'perf', ms = 20_000): Promise<{ pid: number; at: number }> {
  const end = Date.now() + ms;
  /** Each perf's count of perf event fds at the last look. */
  const lastPerf = new Map<number, number>();
  while (Date.now() < end) {
    for (const pid of tracersOf(sessionPid)) {
      const c = comm(pid);
      if (only !== undefined && c !== only) continue;
      if (c === 'bpftrace' && bpftraceAttached(pid)) return { pid, at: Date.now() };
      if (c === 'perf') {
        const n = eventFds(pid).perf;
        if (n > 0 && n === lastPerf.get(pid)) return { pid, at: Date.now() };
        lastPerf.set(pid, n);
      }
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`no tracer of session ${sessionPid} attached within ${ms} ms`);
}

/** The times (Date.now()) around a bpftrace's attach and detach, seen from its fds. */
export interface AttachWindow {
  /** From its first probe attached to its last let go: every count it made is inside. */
  outer: [number, number];
  /** From its last probe attached to its first let go: every probe counted all along. */
  inner: [number, number];
}

/**
 * Watches the bpftrace of ctrscope session `sessionPid` from before it attaches until it has let
 * go of every probe (or exited): bpftrace attaches and detaches its probes one at a time, which
 * takes a second and more on a loaded host, so a count it makes lies between a reference's counts
 * over the inner and the outer window. Looks every 10 ms.
 */
export async function watchAttachWindow(sessionPid: number, ms = 60_000): Promise<AttachWindow> {
  const end = Date.now() + ms;
  const cpus = onlineCpus();
  let pid = 0;
  let first = 0;
  let all = 0;
  let drop = 0;
  let last = 0;
  while (Date.now() < end) {
    if (!pid) pid = tracersOf(sessionPid).find((p) => comm(p) === 'bpftrace') ?? 0;
    if (pid) {
      const n = eventFds(pid);
      const now = Date.now();
      const some = n.perf > cpus;
      const every = n.prog > 0 && n.perf >= cpus + n.prog;
      if (some) {
        if (!first) first = now;
        last = now;
      }
      if (every && !all) all = now;
      if (all && !every && !drop) drop = now;
      if (first && !some) return { outer: [first, last], inner: [all || last, drop || last] };
    }
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`the bpftrace of session ${sessionPid} did not attach and let go within ${ms} ms`);
}
