/**
 * What the live view's header says about the host, refreshed each tick: containerd and its shims
 * (they come and go), and the CPU that ctrscope and its tracers use.
 */
import { run } from '../runner/exec.js';
import { discover, type HostTargets } from '../targets/discover.js';
import { exePath, readProc } from '../targets/procfs.js';
import type { SelfUsage } from './live-types.js';

/** /proc/PID/stat reports times in USER_HZ, which Linux fixes at 100 for user space. */
const USER_HZ = 100;

/** utime + stime of a process in seconds, or null when it is gone. */
export function cpuSeconds(pid: number): number | null {
  const s = readProc(pid, 'stat');
  if (s === null) return null;
  const f = s.slice(s.lastIndexOf(')') + 2).split(' ');
  // After the comm: state(0) ppid(1) ... utime is field 14 of the whole line, index 11 here.
  const ticks = Number(f[11]) + Number(f[12]);
  return Number.isFinite(ticks) ? ticks / USER_HZ : null;
}

/** containerd's version from its own binary ("containerd github.com/containerd/containerd 1.6.20 …"). */
export async function containerdVersion(pid: number | undefined): Promise<string | null> {
  const exe = (pid && exePath(pid)) || 'containerd';
  const r = await run([exe, '--version'], 5000);
  if (r.code !== 0) return null;
  const m = /\b(v?\d+\.\d+\.\d+[\w.~+-]*)/.exec(r.stdout);
  return m ? m[1]!.replace(/~.*$/, '') : null;
}

export const sameHost = (a: HostTargets, b: HostTargets) => JSON.stringify(a) === JSON.stringify(b);

/** Measures CPU use between calls: ours from process.cpuUsage, the tracers' from /proc. */
export class CpuMeter {
  private last = { wall: performance.now(), self: process.cpuUsage(), tracers: new Map<number, number>() };

  sample(tracerPids: number[]): SelfUsage {
    const wall = performance.now();
    const self = process.cpuUsage();
    const dtS = Math.max(1e-3, (wall - this.last.wall) / 1000);
    const selfS = (self.user - this.last.self.user + self.system - this.last.self.system) / 1e6;
    let tracersS = 0;
    const now = new Map<number, number>();
    for (const pid of tracerPids) {
      const c = cpuSeconds(pid);
      if (c === null) continue;
      now.set(pid, c);
      const before = this.last.tracers.get(pid);
      if (before !== undefined) tracersS += Math.max(0, c - before);
    }
    this.last = { wall, self, tracers: now };
    return { cpuPct: (selfS / dtS) * 100, tracersCpuPct: (tracersS / dtS) * 100 };
  }
}

export { discover };
