/**
 * The s key: strace (the syscall-trace probe) on one target for a few seconds, after the person
 * confirmed its cost; the result is a per-syscall table and the slowest calls with arguments.
 * Runs through the probe's plan and ProbeTracer (attach wait, failure text, stop) like any tracer.
 */
import { probeContextSync } from './probe-context.js';
import { PROBES } from '../../probes/index.js';
import type { StraceResult } from '../../parsers/strace.js';
import { which } from '../host/preflight.js';
import type { HostTargets } from '../targets/discover.js';
import { comm } from '../targets/procfs.js';
import { roleOf } from '../targets/discover.js';
import type { StraceView, UiAction } from '../ui/state.js';
import { fmtNs, fmtRate } from '../ui/format.js';
import { col } from '../ui/text.js';
import { ProbeTracer } from './probe-tracer.js';
import { callLine } from '../output/strace-call.js';
import { sleep } from '../util/sleep.js';

export const STRACE_SECONDS = 5;

/** The result as lines for the strace overlay. Pure. */
export function straceLines(r: StraceResult, seconds: number): string[] {
  const calls = r.syscalls.reduce((a, s) => a + s.calls, 0);
  const errors = r.syscalls.reduce((a, s) => a + s.errors, 0);
  const out = [`${calls} calls (${fmtRate(calls / Math.max(seconds, 1e-3))}/s), ${errors} errors in ${seconds.toFixed(1)} s under strace -f -tt -T`, ''];
  out.push(col('SYSCALL', 18, 'left') + col('CALLS', 8) + col('ERRORS', 8) + col('TOTAL', 9) + col('AVG', 9));
  for (const s of [...r.syscalls].sort((a, b) => b.seconds - a.seconds).slice(0, 8))
    out.push(col(s.syscall, 18, 'left') + col(String(s.calls), 8) + col(String(s.errors), 8) + col(fmtNs(s.seconds * 1e9), 9) + col(fmtNs((s.seconds / Math.max(1, s.calls)) * 1e9), 9));
  if (r.slowest.length) out.push('', 'slowest calls:');
  for (const c of r.slowest.slice(0, 6)) out.push(`${col(fmtNs((c.seconds ?? 0) * 1e9), 8)}  [${c.pid}] ${callLine(c, 60)}`);
  return out;
}

export interface StraceRun {
  done: Promise<void>;
  /** Ends it early (quit): the tracer is stopped, nothing more is shown. */
  cancel(): Promise<void>;
}

export function runStrace(pid: number, label: string, host: HostTargets, dispatch: (a: UiAction) => void): StraceRun {
  const show = (state: StraceView['state'], lines: string[]) => dispatch({ type: 'strace', view: { pid, label, state, lines } });
  const probe = PROBES['syscall-trace'];
  if (!probe) {
    show('failed', ['the syscall-trace probe is not in this build']);
    return { done: Promise.resolve(), cancel: async () => undefined };
  }
  if (!which('strace')) {
    show('failed', ['strace is not installed (apt-get install strace)']);
    return { done: Promise.resolve(), cancel: async () => undefined };
  }
  const c = comm(pid) ?? '?';
  const target = { pid, comm: c, role: roleOf(pid, c, host) };
  let pt: ProbeTracer;
  try {
    pt = new ProbeTracer(probe.plan(probeContextSync(host, { pids: [pid], comms: [], containers: [], defaultTargets: false }, [target]), {}));
  } catch (e) {
    show('failed', [(e as Error).message]);
    return { done: Promise.resolve(), cancel: async () => undefined };
  }
  let cancelled = false;
  let wake: () => void = () => undefined;
  const done = (async () => {
    pt.start();
    const first = await pt.waitAttached(10_000);
    if (first === 'attached' && !cancelled) {
      show('running', [`attached; tracing for ${STRACE_SECONDS} s…`]);
      await Promise.race([sleep(STRACE_SECONDS * 1000), new Promise<void>((r) => (wake = r)), pt.ended()]);
    }
    await pt.stop();
    if (cancelled) return;
    const r = pt.result();
    if (first !== 'attached' || r.kind !== 'strace') show('failed', [`strace did not attach to pid ${pid}: ${pt.failure()}`]);
    else show('done', straceLines(r.result, pt.attachedSeconds));
  })();
  return {
    done,
    cancel: async () => {
      cancelled = true;
      wake();
      await done;
    },
  };
}

