/**
 * block / mutex: where containerd's goroutines waited (block) or held contended locks (mutex),
 * from its debug socket — when the Go runtime records them. Both are off unless the program calls
 * runtime.SetBlockProfileRate / runtime.SetMutexProfileFraction; containerd 1.6 has no setting
 * for either, so on a stock containerd this probe says so and names what to use instead.
 */
import { functionTotals, sampleIndex, totalValue, type DecodedProfile } from '../../parsers/pprof.js';
import { decodeProfile, mutexSamplingPeriod, rawProfile } from '../containerd/debug-client.js';
import { debugSocket } from '../containerd/endpoints.js';
import { CtrscopeError } from '../errors.js';
import { fmtInt, renderTable } from '../output/table.js';
import type { ProbeReport } from '../../probes/types.js';
import { checkOutput, containerdTargets, emit } from './common.js';
import type { NativeProbe } from './types.js';

const HOW = {
  block: 'runtime.SetBlockProfileRate(N)',
  mutex: 'runtime.SetMutexProfileFraction(N)',
};

/** Why a profile is empty, and how to get one: a user-facing hint. */
export function enableHint(kind: 'block' | 'mutex'): string {
  return `containerd records ${kind} events only when built to call ${HOW[kind]}: containerd 1.6 has no config setting for it; ` +
    `meanwhile --probe goroutines shows where goroutines wait and --probe go-cpu where CPU goes`;
}

function contentionProbe(kind: 'block' | 'mutex'): NativeProbe {
  return {
    name: kind,
    summary: kind === 'block' ? "containerd's goroutine blocking profile (when enabled in containerd)" : "containerd's mutex contention profile (when enabled in containerd)",
    backend: 'pprof',
    async run(o) {
      checkOutput(o);
      const socket = debugSocket(o.debugSocket);
      const profile = decodeProfile(await rawProfile(socket, kind), `the ${kind} profile`);
      const period = kind === 'mutex' ? await mutexSamplingPeriod(socket) : null;
      const report = contentionReport(kind, socket, profile, period);
      if (!report.enabled) throw new CtrscopeError('containerd', `containerd's ${kind} profile is empty: ${kind} profiling is off`, enableHint(kind));
      emit(o, report, () => renderContention(report));
      return 0;
    },
  };
}

export const blockProbe = contentionProbe('block');
export const mutexProbe = contentionProbe('mutex');

export type ContentionReport = ReturnType<typeof contentionReport>;

/** mutexPeriod: the "sampling period" the text profile states (0: off); null when unknown. */
export function contentionReport(kind: 'block' | 'mutex', socket: string, p: DecodedProfile, mutexPeriod: number | null) {
  const iDelay = sampleIndex(p, 'delay');
  const iCount = sampleIndex(p, 'contentions');
  const delayNs = iDelay >= 0 ? totalValue(p, iDelay) : 0;
  const report = {
    probe: kind,
    backend: 'pprof' as const,
    attachPoint: `unix:${socket} /debug/pprof/${kind}`,
    skipped: [],
    durationSeconds: 0,
    targets: containerdTargets(),
    enabled: mutexPeriod === 0 ? false : p.samples.length > 0,
    samplingPeriod: mutexPeriod,
    contentions: iCount >= 0 ? totalValue(p, iCount) : 0,
    delaySeconds: delayNs / 1e9,
    top: iDelay >= 0 ? functionTotals(p, iDelay).slice(0, 15).map((t) => ({ func: t.func, flatSeconds: t.flat / 1e9, cumSeconds: t.cum / 1e9 })) : [],
  };
  return report satisfies ProbeReport;
}

export function renderContention(r: ContentionReport): string {
  let s = `${r.probe}: ${fmtInt(r.contentions)} contentions, ${r.delaySeconds.toFixed(3)} s waited in total since profiling began\n`;
  s += `read from ${r.attachPoint}\n\n`;
  return s + renderTable(r.top, [
    { title: 'FLAT_S', get: (t) => t.flatSeconds.toFixed(6) },
    { title: 'CUM_S', get: (t) => t.cumSeconds.toFixed(6) },
    { title: 'FUNCTION', get: (t) => t.func, align: 'left' },
  ]);
}
