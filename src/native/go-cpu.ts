/**
 * go-cpu: containerd's own CPU profile (Go's pprof, sampled at 100 Hz by the Go runtime) taken
 * through its debug socket, decoded into folded stacks ("containerd;main.main;...;f 12", root
 * first) that flamegraph.pl and inferno read, next to the kernel's view of the same process.
 * USAGE:   ctrscope --probe go-cpu --duration 10s --output containerd.folded
 * OVERHEAD: Go's SIGPROF profiler inside containerd for the duration (a few % CPU at most).
 */
import { foldedStacks, functionTotals, sampleIndex, totalValue, type DecodedProfile } from '../../parsers/pprof.js';
import { decodeProfile, rawCpuProfile } from '../containerd/debug-client.js';
import { debugSocket } from '../containerd/endpoints.js';
import { CtrscopeError } from '../errors.js';
import { writeFileAtomic } from '../output/write-file.js';
import { fmtInt, renderTable } from '../output/table.js';
import type { ProbeReport } from '../../probes/types.js';
import { checkOutput, containerdTargets, round, say } from './common.js';
import type { NativeProbe } from './types.js';
import { checkAssertions } from '../assert/check.js';

export const goCpuProbe: NativeProbe = {
  name: 'go-cpu',
  summary: "containerd's Go CPU profile from its debug socket, as folded stacks (--output FILE.folded)",
  backend: 'pprof',
  async run(o) {
    checkOutput(o);
    const socket = debugSocket(o.debugSocket);
    const seconds = Math.max(1, Math.round(o.durationSeconds));
    if (seconds !== o.durationSeconds) say(`Go CPU profiles last whole seconds: profiling for ${seconds} s`);
    // Go hands the profile over whole at the end: Ctrl-C can only give up on it.
    const stop = new AbortController();
    const onSignal = () => stop.abort(new CtrscopeError('interrupted', 'interrupted before containerd finished the CPU profile', 'Go writes it only at the end: use a shorter --duration'));
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
    let raw: Buffer;
    try {
      raw = await rawCpuProfile(socket, seconds, stop.signal);
    } finally {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    }
    const profile = decodeProfile(raw, 'the CPU profile');
    const report = goCpuReport(socket, profile);
    if (o.output) {
      writeFileAtomic(o.output, report.folded.join('\n') + (report.folded.length ? '\n' : ''), o.force);
      say(`wrote ${report.folded.length} folded stacks to ${o.output}`);
    }
    const { folded, ...rest } = report;
    process.stdout.write(o.json ? JSON.stringify(o.output ? rest : report, null, 2) + '\n' : renderGoCpu(report));
    checkAssertions(o.assertions ?? [], report);
    return 0;
  },
};

export type GoCpuReport = ReturnType<typeof goCpuReport>;

export function goCpuReport(socket: string, p: DecodedProfile) {
  const iSamples = Math.max(0, sampleIndex(p, 'samples'));
  const iCpu = sampleIndex(p, 'cpu');
  const samples = totalValue(p, iSamples);
  const cpuSeconds = iCpu >= 0 ? totalValue(p, iCpu) / 1e9 : samples * (p.period / 1e9);
  const duration = p.durationNanos / 1e9;
  const runtimeSamples = p.samples.filter((s) => s.stack.some((f) => f.startsWith('runtime.gcBgMarkWorker') || f === 'runtime.mallocgc' || f === 'runtime.gcDrain')).reduce((a, s) => a + (s.values[iSamples] ?? 0), 0);
  const report = {
    probe: 'go-cpu',
    backend: 'pprof' as const,
    attachPoint: `unix:${socket} /debug/pprof/profile?seconds=${Math.round(duration)}`,
    skipped: [],
    durationSeconds: round(duration, 2),
    targets: containerdTargets(),
    samples,
    cpuSeconds: round(cpuSeconds, 3),
    cpuPercent: duration > 0 ? round((cpuSeconds / duration) * 100, 1) : null,
    /** Share of samples in garbage collection and allocation. */
    gcShare: samples ? round(runtimeSamples / samples, 3) : 0,
    top: functionTotals(p, iSamples).slice(0, 20),
    stacks: 0,
    folded: foldedStacks(p, iSamples, 'containerd'),
  };
  report.stacks = report.folded.length;
  return report satisfies ProbeReport;
}

export function renderGoCpu(r: GoCpuReport): string {
  let s = `go-cpu: ${fmtInt(r.samples)} samples, ${r.cpuSeconds.toFixed(2)} s of CPU in ${r.durationSeconds.toFixed(1)} s (${r.cpuPercent ?? '?'}% of a core), ${r.stacks} distinct stacks\n`;
  s += `read from ${r.attachPoint}; GC and allocation: ${(r.gcShare * 100).toFixed(0)}% of samples\n\n`;
  if (r.samples === 0) return s + 'containerd was idle: no CPU sample in the window\n';
  const pct = (v: number) => `${((v / r.samples) * 100).toFixed(1)}%`;
  return s + renderTable(r.top.slice(0, 15), [
    { title: 'FLAT', get: (t) => fmtInt(t.flat) },
    { title: 'FLAT%', get: (t) => pct(t.flat) },
    { title: 'CUM', get: (t) => fmtInt(t.cum) },
    { title: 'CUM%', get: (t) => pct(t.cum) },
    { title: 'FUNCTION', get: (t) => t.func, align: 'left' },
  ]);
}
