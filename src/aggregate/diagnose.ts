/**
 * `ctrscope diagnose`: turns what was measured on containerd during a run into findings for its
 * three usual symptoms — high CPU, memory growth, rising latency — each with the evidence behind
 * it and the next command to run. Pure: the measuring is in src/native/diagnose-run.ts.
 */
import type { FunctionTotal } from '../../parsers/pprof.js';
import type { GoroutineGrowth } from './goroutines.js';
import { leakHint } from './goroutines.js';
import type { MethodLatency } from './grpc-latency.js';
import { WAITING_SYSCALLS as WAITS, type SyscallLatencyRow } from './syscall-outliers.js';
import { logFindingParts, type LogEvidence } from './diagnose-logs.js';

export interface DiagnoseEvidence {
  durationSeconds: number;
  /** One reading a second: RSS bytes, goroutines, CPU seconds (cumulative). */
  series: Array<{ t: number; rssBytes: number | null; goroutines: number | null; cpuSeconds: number | null; heapInuseBytes: number | null }>;
  /** Go CPU profile over the run; null when the debug socket was not available. */
  cpu: { samples: number; top: FunctionTotal[]; hotStacks: Array<{ stack: string; samples: number }>; gcShare: number } | null;
  goroutineGrowth: GoroutineGrowth[] | null;
  heapTop: FunctionTotal[] | null;
  /** gRPC per method over the first and second half of the run, and over all of it. */
  grpc: { firstHalf: MethodLatency[]; secondHalf: MethodLatency[]; whole: MethodLatency[]; histogram: boolean } | null;
  /** containerd's syscalls from the kernel: most time, and non-waiting ones over 10 ms. */
  syscalls: { top: SyscallLatencyRow[]; outliers: SyscallLatencyRow[] } | null;
  /** Sources that could not be read, and why. */
  unavailable: string[];
  /** containerd's log over the run (absent from older evidence; null when it could not be read). */
  logs?: LogEvidence | null;
}

export type Severity = 'problem' | 'watch' | 'ok' | 'unknown';

export interface Finding {
  symptom: 'high CPU' | 'memory growth' | 'goroutine growth' | 'rising latency' | 'gRPC errors' | 'slow syscalls' | 'log errors';
  severity: Severity;
  summary: string;
  evidence: string[];
  next?: string;
}

export const THRESHOLDS = {
  /** % of one core, averaged over the run. */
  cpuProblem: 50,
  cpuWatch: 20,
  /** RSS growth over the run, as a fraction of the start and in bytes (both must be exceeded). */
  rssGrowthFraction: 0.1,
  rssGrowthBytes: 8 * 1024 * 1024,
  /** p99 ratio second half / first half, with at least this many calls in each half. */
  latencyRatio: 2,
  latencyMinCalls: 5,
  /** A p99 above this is reported as slow whatever the trend. */
  slowP99Seconds: 0.5,
  /** A single non-waiting syscall this long is a problem. */
  slowSyscallSeconds: 0.1,
};

const mib = (b: number) => `${(b / 1048576).toFixed(1)} MiB`;
const ms = (s: number | null) => (s === null ? '?' : `${(s * 1000).toFixed(1)} ms`);
const nums = (xs: Array<number | null>) => xs.filter((x): x is number => x !== null);

/** Least-squares slope of y over t (units of y per second); 0 with fewer than two points. */
export function slope(points: Array<[number, number]>): number {
  const n = points.length;
  if (n < 2) return 0;
  const mt = points.reduce((a, p) => a + p[0], 0) / n;
  const my = points.reduce((a, p) => a + p[1], 0) / n;
  const num = points.reduce((a, p) => a + (p[0] - mt) * (p[1] - my), 0);
  const den = points.reduce((a, p) => a + (p[0] - mt) ** 2, 0);
  return den === 0 ? 0 : num / den;
}

function cpuFinding(e: DiagnoseEvidence): Finding {
  const cpu = nums(e.series.map((s) => s.cpuSeconds));
  if (cpu.length < 2 || e.durationSeconds <= 0) return { symptom: 'high CPU', severity: 'unknown', summary: 'CPU use unknown: no process_cpu_seconds_total readings', evidence: e.unavailable };
  const pct = ((cpu.at(-1)! - cpu[0]!) / e.durationSeconds) * 100;
  const severity: Severity = pct >= THRESHOLDS.cpuProblem ? 'problem' : pct >= THRESHOLDS.cpuWatch ? 'watch' : 'ok';
  const evidence = [`containerd used ${pct.toFixed(1)}% of a core on average over ${e.durationSeconds.toFixed(0)} s`];
  if (e.cpu && e.cpu.samples > 0) {
    evidence.push(`Go profile: ${e.cpu.samples} samples, ${(e.cpu.gcShare * 100).toFixed(0)}% in GC and allocation`);
    for (const t of e.cpu.top.slice(0, 5)) evidence.push(`hot function: ${t.func} (${((t.flat / e.cpu.samples) * 100).toFixed(0)}% flat, ${((t.cum / e.cpu.samples) * 100).toFixed(0)}% cum)`);
    for (const h of e.cpu.hotStacks.slice(0, 3)) evidence.push(`hot stack (${h.samples} samples): ${h.stack}`);
  }
  return {
    symptom: 'high CPU',
    severity,
    summary: severity === 'ok' ? `CPU ${pct.toFixed(1)}% of a core: not high` : `containerd is busy: ${pct.toFixed(1)}% of a core`,
    evidence,
    next: severity === 'ok' ? undefined : 'ctrscope --probe go-cpu --duration 30s --output containerd.folded (then flamegraph.pl containerd.folded > cpu.svg); ctrscope --probe syscall-count for the kernel side',
  };
}

function memoryFinding(e: DiagnoseEvidence): Finding {
  const pts = e.series.filter((s) => s.rssBytes !== null).map((s) => [s.t, s.rssBytes!] as [number, number]);
  if (pts.length < 2) return { symptom: 'memory growth', severity: 'unknown', summary: 'RSS unknown: no process_resident_memory_bytes readings', evidence: e.unavailable };
  const start = pts[0]![1];
  const end = pts.at(-1)![1];
  const grow = end - start;
  const rate = slope(pts);
  const growing = grow > THRESHOLDS.rssGrowthBytes && grow > start * THRESHOLDS.rssGrowthFraction && rate > 0;
  const evidence = [`RSS ${mib(start)} -> ${mib(end)} (${grow >= 0 ? '+' : ''}${mib(grow)}; trend ${(rate / 1024).toFixed(1)} KiB/s)`];
  const heap = nums(e.series.map((s) => s.heapInuseBytes));
  if (heap.length >= 2) evidence.push(`Go heap in use ${mib(heap[0]!)} -> ${mib(heap.at(-1)!)}`);
  if (growing && e.heapTop) for (const t of e.heapTop.slice(0, 5)) evidence.push(`in use: ${mib(t.flat)} allocated by ${t.func}`);
  return {
    symptom: 'memory growth',
    severity: growing ? 'problem' : grow > THRESHOLDS.rssGrowthBytes ? 'watch' : 'ok',
    summary: growing ? `containerd's memory grew by ${mib(grow)} in ${e.durationSeconds.toFixed(0)} s` : `memory steady (${grow >= 0 ? '+' : ''}${mib(grow)})`,
    evidence,
    next: growing ? 'ctrscope --probe heap --output before.pb.gz; wait; ctrscope --probe heap --base before.pb.gz' : undefined,
  };
}

function goroutineFinding(e: DiagnoseEvidence): Finding {
  const totals = nums(e.series.map((s) => s.goroutines));
  if (totals.length < 2) return { symptom: 'goroutine growth', severity: 'unknown', summary: 'goroutine count unknown', evidence: e.unavailable };
  const h = leakHint(totals);
  const evidence = [`goroutines ${totals[0]} -> ${totals.at(-1)} (min ${h.min}, max ${h.max})`];
  for (const g of (e.goroutineGrowth ?? []).filter((x) => x.delta > 0).slice(0, 5)) evidence.push(`+${g.delta} waiting in ${g.top}, started by ${g.site}`);
  return {
    symptom: 'goroutine growth',
    severity: h.rising ? 'problem' : 'ok',
    summary: h.rising ? `goroutines rose by ${h.rise} and stayed up: a leak hint` : 'goroutine count steady',
    evidence,
    next: h.rising ? 'ctrscope --probe goroutines --duration 60s' : undefined,
  };
}

function latencyFindings(e: DiagnoseEvidence): Finding[] {
  if (!e.grpc) return [{ symptom: 'rising latency', severity: 'unknown', summary: 'gRPC latency unknown: metrics not readable', evidence: e.unavailable }];
  if (!e.grpc.histogram) return [{ symptom: 'rising latency', severity: 'unknown', summary: 'gRPC latency unknown: containerd has grpc_histogram off', evidence: [], next: 'set grpc_histogram = true under [metrics] in containerd\'s config (restart needed)' }];
  const rising: string[] = [];
  for (const b of e.grpc.secondHalf) {
    const a = e.grpc.firstHalf.find((m) => m.method === b.method);
    if (!a || a.count < THRESHOLDS.latencyMinCalls || b.count < THRESHOLDS.latencyMinCalls || a.p99Seconds === null || b.p99Seconds === null) continue;
    if (b.p99Seconds >= a.p99Seconds * THRESHOLDS.latencyRatio && b.p99Seconds - a.p99Seconds > 0.005) rising.push(`${b.method}: p99 ${ms(a.p99Seconds)} -> ${ms(b.p99Seconds)} (${a.count} then ${b.count} calls)`);
  }
  const slow = e.grpc.whole.filter((m) => m.p99Seconds !== null && m.p99Seconds >= THRESHOLDS.slowP99Seconds);
  const slowest = [...e.grpc.whole].filter((m) => m.p99Seconds !== null).sort((x, y) => y.p99Seconds! - x.p99Seconds!).slice(0, 5);
  const evidence = [...rising, ...slowest.map((m) => `slowest: ${m.method} p50 ${ms(m.p50Seconds)}, p99 ${ms(m.p99Seconds)} over ${m.count} calls`)];
  const calls = e.grpc.whole.reduce((a, m) => a + m.count, 0);
  const out: Finding[] = [
    {
      symptom: 'rising latency',
      severity: rising.length ? 'problem' : slow.length ? 'watch' : calls ? 'ok' : 'unknown',
      summary: rising.length ? `${rising.length} gRPC method(s) got slower during the run` : slow.length ? `${slow.length} gRPC method(s) with p99 above ${THRESHOLDS.slowP99Seconds * 1000} ms` : calls ? `latency steady over ${calls} gRPC calls` : 'no gRPC call during the run: nothing to compare',
      evidence,
      next: rising.length || slow.length ? 'ctrscope --probe grpc-latency --duration 30s; ctrscope --probe container-start --count 20 to see which phase is slow' : undefined,
    },
  ];
  const errs = e.grpc.whole.filter((m) => Object.keys(m.errorsByCode).some((c) => c !== 'NotFound' && c !== 'AlreadyExists'));
  if (errs.length) {
    out.push({
      symptom: 'gRPC errors',
      severity: 'watch',
      summary: `${errs.length} gRPC method(s) failed with codes other than NotFound`,
      evidence: errs.slice(0, 5).map((m) => `${m.method}: ${Object.entries(m.errorsByCode).map(([c, n]) => `${c} ${n}`).join(', ')} of ${m.count} calls`),
    });
  }
  return out;
}

function syscallFinding(e: DiagnoseEvidence): Finding {
  if (!e.syscalls) return { symptom: 'slow syscalls', severity: 'unknown', summary: 'kernel view not measured', evidence: e.unavailable.filter((u) => u.startsWith('kernel')) };
  const o = e.syscalls.outliers;
  const sec = (s: number) => `${(s * 1000).toFixed(1)} ms`;
  const evidence = o.map((r) => `${r.syscall}: ${r.slow} of ${r.calls} calls over 10 ms, longest ${sec(r.maxSeconds)}`);
  for (const r of e.syscalls.top.slice(0, 3)) evidence.push(`most time: ${r.syscall} ${r.totalSeconds.toFixed(3)} s over ${r.calls} calls${WAITS.has(r.syscall) ? ' (waiting, normal)' : ''}`);
  const worst = o[0]?.maxSeconds ?? 0;
  return {
    symptom: 'slow syscalls',
    severity: worst >= THRESHOLDS.slowSyscallSeconds ? 'problem' : o.length ? 'watch' : 'ok',
    summary: o.length ? `${o.length} kind(s) of syscall took over 10 ms (longest ${sec(worst)}: ${o[0]!.syscall})` : 'no syscall over 10 ms apart from waits',
    evidence,
    next: o.length ? 'ctrscope --probe vfs-latency --duration 30s and --probe syscall-count; slow fsync/fdatasync point at the disk under /var/lib/containerd' : undefined,
  };
}

function logFinding(e: DiagnoseEvidence): Finding[] {
  if (e.logs === undefined) return [];
  if (e.logs === null) return [{ symptom: 'log errors', severity: 'unknown', summary: "containerd's log not read", evidence: e.unavailable.filter((u) => u.startsWith('log')) }];
  const p = logFindingParts(e.logs, e.durationSeconds);
  return [{ symptom: 'log errors', ...p, next: p.severity === 'ok' ? undefined : 'ctrscope logs --since 5m (errors and warnings by message, per-container timelines)' }];
}

const ORDER: Record<Severity, number> = { problem: 0, watch: 1, unknown: 2, ok: 3 };

/** Every finding, problems first. */
export function diagnose(e: DiagnoseEvidence): Finding[] {
  return [cpuFinding(e), memoryFinding(e), goroutineFinding(e), ...latencyFindings(e), syscallFinding(e), ...logFinding(e)].sort((a, b) => ORDER[a.severity] - ORDER[b.severity]);
}
