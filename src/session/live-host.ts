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

interface CpuSample {
  wall: number;
  selfS: number;
  /** Each tracer's CPU seconds so far. */
  tracers: Map<number, number>;
}

/**
 * Measures CPU use over the last few seconds: ours from process.cpuUsage, the tracers' from
 * /proc (counted in 10 ms ticks, so a window of a few seconds is needed to read small shares).
 */
export class CpuMeter {
  private readonly samples: CpuSample[] = [];

  constructor(private readonly windowMs = 3000) {}

  sample(tracerPids: number[]): SelfUsage {
    const u = process.cpuUsage();
    const now: CpuSample = { wall: performance.now(), selfS: (u.user + u.system) / 1e6, tracers: new Map() };
    for (const pid of tracerPids) {
      const c = cpuSeconds(pid);
      if (c !== null) now.tracers.set(pid, c);
    }
    this.samples.push(now);
    while (this.samples.length > 2 && now.wall - this.samples[1]!.wall >= this.windowMs) this.samples.shift();
    const old = this.samples[0]!;
    const dtS = Math.max(1e-3, (now.wall - old.wall) / 1000);
    let tracersS = 0;
    // A tracer that started inside the window counts from zero.
    for (const [pid, c] of now.tracers) tracersS += Math.max(0, c - (old.tracers.get(pid) ?? 0));
    if (old === now) return { cpuPct: 0, tracersCpuPct: 0 };
    return { cpuPct: ((now.selfS - old.selfS) / dtS) * 100, tracersCpuPct: (tracersS / dtS) * 100 };
  }
}

export { discover };
