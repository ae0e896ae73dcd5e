/**
 * What the live view's header says about the host, refreshed each tick: containerd and its shims
 * (they come and go), and the CPU that ctrscope and its tracers use.
 */
import { run } from '../runner/exec.js';
import { discover, type HostTargets } from '../targets/discover.js';
import { exePath, procCpu } from '../targets/procfs.js';
import type { SelfUsage } from '../live-model/types.js';

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
  /** CPU of children that exited and were reaped, so far. */
  reapedS: number;
  /** Each live tracer's CPU seconds so far (its own and its reaped children's). */
  tracers: Map<number, number>;
}

/**
 * Measures the whole CPU cost of the session over the last few seconds: ctrscope's own threads,
 * every live tracer, and the tracers that exited in the window (their CPU moves into ctrscope's
 * cutime/cstime when they are reaped, so it is counted once, either way). Read from /proc, in
 * 10 ms ticks: a window of a few seconds is needed to read small shares.
 */
export class CpuMeter {
  private readonly samples: CpuSample[] = [];

  constructor(private readonly windowMs = 3000) {}

  sample(tracerPids: number[]): SelfUsage {
    const me = procCpu('self');
    const now: CpuSample = { wall: performance.now(), selfS: me?.own ?? 0, reapedS: me?.reaped ?? 0, tracers: new Map() };
    let tracersRss = 0;
    for (const pid of tracerPids) {
      const c = procCpu(pid);
      if (c === null) continue;
      now.tracers.set(pid, c.own + c.reaped);
      tracersRss += c.rss;
    }
    this.samples.push(now);
    while (this.samples.length > 2 && now.wall - this.samples[1]!.wall >= this.windowMs) this.samples.shift();
    const old = this.samples[0]!;
    const mem = { rssMiB: (me?.rss ?? process.memoryUsage.rss()) / 2 ** 20, tracersRssMiB: tracersRss / 2 ** 20 };
    if (old === now) return { cpuPct: 0, tracersCpuPct: 0, ...mem };
    const dtS = Math.max(1e-3, (now.wall - old.wall) / 1000);
    // A tracer that started inside the window counts from zero; one that exited in it is in reapedS.
    let tracersS = Math.max(0, now.reapedS - old.reapedS);
    for (const [pid, c] of now.tracers) tracersS += Math.max(0, c - (old.tracers.get(pid) ?? 0));
    for (const [pid, c] of old.tracers) if (!now.tracers.has(pid)) tracersS -= Math.min(c, tracersS);
    return { cpuPct: ((now.selfS - old.selfS) / dtS) * 100, tracersCpuPct: (tracersS / dtS) * 100, ...mem };
  }
}

export { discover };
