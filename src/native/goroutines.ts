/**
 * goroutines: containerd's goroutines from its debug socket — the total, the largest groups by
 * stack, and how each group changed over the run (a group that only grows hints at a leak).
 * Reads /debug/pprof/goroutine?debug=1 at the start, every second, and at the end.
 * OVERHEAD: one stack walk of every goroutine per read (stop-the-world for well under a ms here).
 */
import type { GoroutineProfile } from '../../parsers/go-goroutines.js';
import { goroutineGrowth, goroutineTotal, leakHint, topGroups } from '../aggregate/goroutines.js';
import { goroutines } from '../containerd/debug-client.js';
import { debugSocket } from '../containerd/endpoints.js';
import { fmtInt, renderTable } from '../output/table.js';
import type { ProbeReport } from '../../probes/types.js';
import { checkOutput, containerdTargets, emit, round, runFor } from './common.js';
import type { NativeProbe } from './types.js';

export const goroutinesProbe: NativeProbe = {
  name: 'goroutines',
  summary: "containerd's goroutines from its debug socket: total, largest groups, growth over the run",
  backend: 'pprof',
  async run(o) {
    checkOutput(o);
    const socket = debugSocket(o.debugSocket);
    const t0 = Date.now();
    const first = await goroutines(socket);
    const totals = [goroutineTotal(first)];
    let last: GoroutineProfile = first;
    await runFor(o.durationSeconds * 1000, async () => {
      last = await goroutines(socket);
      totals.push(goroutineTotal(last));
    });
    if (totals.length === 1) {
      last = await goroutines(socket);
      totals.push(goroutineTotal(last));
    }
    const report = goroutineReport(socket, first, last, totals, (Date.now() - t0) / 1000);
    emit(o, report, () => renderGoroutines(report));
    return 0;
  },
};

export type GoroutineReport = ReturnType<typeof goroutineReport>;

export function goroutineReport(socket: string, first: GoroutineProfile, last: GoroutineProfile, totals: number[], seconds: number) {
  const growth = goroutineGrowth(first, last);
  const report = {
    probe: 'goroutines',
    backend: 'pprof' as const,
    attachPoint: `unix:${socket} /debug/pprof/goroutine?debug=1`,
    skipped: [],
    durationSeconds: round(seconds, 2),
    targets: containerdTargets(),
    /** The total at the end of the run. */
    goroutines: goroutineTotal(last),
    startGoroutines: goroutineTotal(first),
    groups: topGroups(last, 15),
    growth: growth.filter((g) => g.delta > 0).slice(0, 10),
    shrunk: growth.filter((g) => g.delta < 0).slice(-5),
    totals,
    leak: leakHint(totals),
    unrecognizedLines: first.unrecognized + last.unrecognized,
  };
  return report satisfies ProbeReport;
}

export function renderGoroutines(r: GoroutineReport): string {
  const delta = r.goroutines - r.startGoroutines;
  let s = `goroutines: ${fmtInt(r.goroutines)} in containerd (${delta >= 0 ? '+' : ''}${delta} over ${r.durationSeconds.toFixed(1)} s; min ${r.leak.min}, max ${r.leak.max})\n`;
  s += `read from ${r.attachPoint}\n`;
  if (r.leak.rising) s += `hint: the total rose by ${r.leak.rise} and stayed up — watch the growing groups below for a leak\n`;
  s += '\nlargest groups at the end:\n';
  s += renderTable(r.groups, [
    { title: 'COUNT', get: (g) => fmtInt(g.count) },
    { title: 'WAITING IN', get: (g) => g.top, align: 'left' },
    { title: 'STARTED BY', get: (g) => g.site, align: 'left' },
  ]);
  if (r.growth.length) {
    s += '\ngroups that grew:\n';
    s += renderTable(r.growth, [
      { title: 'START', get: (g) => fmtInt(g.start) },
      { title: 'END', get: (g) => fmtInt(g.end) },
      { title: 'DELTA', get: (g) => `+${g.delta}` },
      { title: 'WAITING IN', get: (g) => g.top, align: 'left' },
      { title: 'STARTED BY', get: (g) => g.site, align: 'left' },
    ]);
  } else s += '\nno group grew during the run\n';
  return s;
}
