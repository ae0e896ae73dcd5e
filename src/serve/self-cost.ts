/**
 * What serve costs, as counters: CPU seconds of its own threads and of its tracers (the live
 * ones, read from /proc/PID/stat, and the ones that exited, in its own cutime/cstime once
 * reaped), and resident memory. A tracer's CPU moves from "live" to "reaped" when it exits, and
 * between its exit and its reaping it is in neither: the totals never go back (each is the
 * largest value seen), so Prometheus' rate() reads them as counters.
 */
import { procCpu } from '../targets/procfs.js';
import type { CostSample } from './metrics.js';

export class SelfCost {
  private cpu = { self: 0, tracers: 0 };

  constructor(private readonly tracerPids: () => number[]) {}

  sample(): CostSample {
    const me = procCpu('self');
    let tracersS = me?.reaped ?? 0;
    let tracersRss = 0;
    for (const pid of this.tracerPids()) {
      const c = procCpu(pid);
      if (c === null) continue;
      tracersS += c.own + c.reaped;
      tracersRss += c.rss;
    }
    this.cpu = { self: Math.max(this.cpu.self, me?.own ?? 0), tracers: Math.max(this.cpu.tracers, tracersS) };
    return { selfCpuS: this.cpu.self, tracersCpuS: this.cpu.tracers, selfRssBytes: me?.rss ?? process.memoryUsage.rss(), tracersRssBytes: tracersRss };
  }
}
