/**
 * Measures containerd for `ctrscope diagnose`, all at once over the run: its Go CPU profile, RSS
 * and CPU time from /proc each second (cheaper for containerd than scraping its metrics), the
 * goroutine count every two seconds, three metrics scrapes (start, middle, end) for gRPC latency
 * per half, goroutine and heap profiles at the ends. A source that cannot be read is listed as
 * unavailable; the rest still runs.
 */
import type { GoroutineProfile } from '../../parsers/go-goroutines.js';
import { foldedStacks, functionTotals, sampleIndex, totalValue } from '../../parsers/pprof.js';
import { runFor } from './common.js';
import type { DiagnoseEvidence } from '../aggregate/diagnose.js';
import { goroutineGrowth, goroutineTotal } from '../aggregate/goroutines.js';
import { grpcLatencyDiff, hasGrpcHistogram } from '../aggregate/grpc-latency.js';
import { scalar } from '../../parsers/prometheus-text.js';
import { CtrscopeError } from '../errors.js';
import { discover } from '../targets/discover.js';
import { procCpu, readProc } from '../targets/procfs.js';
import { decodeProfile, goroutines, rawCpuProfile, rawProfile } from '../containerd/debug-client.js';
import { debugSocket, metricsUrl } from '../containerd/endpoints.js';
import { scrape, type TimedScrape } from '../containerd/metrics-client.js';
import { startSyscallWatch } from './syscall-watch.js';
import { syscallLatencyRows, syscallOutliers } from '../aggregate/syscall-outliers.js';
import { syscallNamer } from '../host/syscalls.js';
import { ContainerdLogParser } from '../../parsers/containerd-log.js';
import { LogBurstCounter, type LogEvidence } from '../aggregate/diagnose-logs.js';
import { findLogSource } from '../containerd/log-source.js';
import { tailLog } from '../containerd/log-tail.js';

/** containerd's log over the run: what was appended from start() to finish(). */
async function followLog(unavailable: string[]): Promise<{ read: () => Promise<void>; finish: () => Promise<LogEvidence | null> } | null> {
  const source = await attempt('log', unavailable, async () => findLogSource({}));
  if (!source) return null;
  const tail = tailLog(source);
  const counter = new LogBurstCounter();
  const parser = new ContainerdLogParser((r) => counter.add(r));
  let failed = false;
  const read = async () => {
    if (failed) return;
    try {
      for (const l of (await tail.take()).split('\n')) parser.line(l);
    } catch (e) {
      failed = true;
      unavailable.push(`log: ${reason(e)}`);
    }
  };
  await read();
  return {
    read,
    finish: async () => {
      await read();
      await tail.stop();
      return failed ? null : counter.result(source.how, parser.result().unreadLines);
    },
  };
}

/** RSS and CPU seconds of a process from /proc, or nulls when it is gone. */
export function procUsage(pid: number): { rssBytes: number | null; cpuSeconds: number | null } {
  const status = readProc(pid, 'status');
  const cpu = procCpu(pid)?.own ?? null;
  const rss = status ? /^VmRSS:\s+(\d+) kB/m.exec(status) : null;
  return { rssBytes: rss ? Number(rss[1]) * 1024 : null, cpuSeconds: cpu };
}

const reason = (e: unknown) => (e instanceof CtrscopeError ? e.line().replace(/^ctrscope: /, '') : (e as Error).message);

async function attempt<T>(what: string, unavailable: string[], f: () => Promise<T>): Promise<T | null> {
  try {
    return await f();
  } catch (e) {
    unavailable.push(`${what}: ${reason(e)}`);
    return null;
  }
}

export interface DiagnoseSources {
  pid: number;
  debugSocket: string | null;
  metricsUrl: string | null;
}

export async function collectEvidence(o: { durationSeconds: number; debugSocket?: string; metricsUrl?: string }): Promise<{ evidence: DiagnoseEvidence; sources: DiagnoseSources; interrupted: boolean }> {
  const c = discover().containerd[0];
  if (!c) throw new CtrscopeError('containerd', 'containerd is not running', 'start it, then run diagnose again');
  const unavailable: string[] = [];
  let sock: string | null = null;
  let url: string | null = null;
  try {
    sock = debugSocket(o.debugSocket);
  } catch (e) {
    unavailable.push(`pprof: ${reason(e)}`);
  }
  try {
    url = metricsUrl(o.metricsUrl);
  } catch (e) {
    unavailable.push(`metrics: ${reason(e)}`);
  }
  const seconds = Math.max(2, Math.round(o.durationSeconds));
  const kernel = await attempt('kernel view', unavailable, () => startSyscallWatch(c, (m) => process.stderr.write(`ctrscope: ${m}\n`)));
  const log = await followLog(unavailable);
  const t0 = Date.now();
  const series: DiagnoseEvidence['series'] = [];
  const sample = (goroutineCount: number | null, heapInuse: number | null) => series.push({ t: (Date.now() - t0) / 1000, ...procUsage(c.pid), goroutines: goroutineCount, heapInuseBytes: heapInuse });

  const s0 = url ? await attempt('metrics', unavailable, () => scrape(url!)) : null;
  const g0 = sock ? await attempt('goroutines', unavailable, () => goroutines(sock!)) : null;
  sample(g0 ? goroutineTotal(g0) : (s0 && (scalar(s0.scrape, 'go_goroutines') ?? null)), s0 ? (scalar(s0.scrape, 'go_memstats_heap_inuse_bytes') ?? null) : null);
  const cpuRaw = sock ? attempt('CPU profile', unavailable, () => rawCpuProfile(sock!, seconds)) : Promise.resolve(null);

  let mid: TimedScrape | null = null;
  const interrupted = await runFor(seconds * 1000, async (el) => {
    let g: number | null = null;
    if (sock && Math.round(el) % 2 === 0) g = await goroutines(sock).then(goroutineTotal, () => null);
    if (url && !mid && el >= seconds / 2) mid = await scrape(url).catch(() => null);
    sample(g, null);
    await log?.read();
  });
  const s1 = url ? await attempt('metrics', unavailable, () => scrape(url!)) : null;
  const g1: GoroutineProfile | null = sock ? await attempt('goroutines', unavailable, () => goroutines(sock!)) : null;
  sample(g1 ? goroutineTotal(g1) : (s1 && (scalar(s1.scrape, 'go_goroutines') ?? null)), s1 ? (scalar(s1.scrape, 'go_memstats_heap_inuse_bytes') ?? null) : null);
  const heapRaw = sock ? await attempt('heap profile', unavailable, () => rawProfile(sock!, 'heap')) : null;
  // An interrupted run does not wait for the profile's full length.
  const cpuBytes = interrupted ? null : await cpuRaw;

  const maps = kernel ? await kernel.stop() : null;
  const logs = log ? await log.finish() : null;
  const rows = maps ? syscallLatencyRows(maps, syscallNamer()) : null;
  const syscalls = rows ? { top: rows.slice(0, 10), outliers: syscallOutliers(rows).slice(0, 10) } : null;

  let cpu: DiagnoseEvidence['cpu'] = null;
  if (cpuBytes) {
    const p = decodeProfile(cpuBytes, 'the CPU profile');
    const i = Math.max(0, sampleIndex(p, 'samples'));
    const samples = totalValue(p, i);
    const gc = p.samples.filter((s) => s.stack.some((f) => f.startsWith('runtime.gcBgMarkWorker') || f === 'runtime.mallocgc' || f === 'runtime.gcDrain')).reduce((a, s) => a + (s.values[i] ?? 0), 0);
    const hot = foldedStacks(p, i)
      .map((l) => ({ stack: l.slice(0, l.lastIndexOf(' ')), samples: Number(l.slice(l.lastIndexOf(' ') + 1)) }))
      .sort((a, b) => b.samples - a.samples)
      .slice(0, 5)
      .map((h) => ({ ...h, stack: h.stack.split(';').slice(-4).join(' <- ') }));
    cpu = { samples, top: functionTotals(p, i).slice(0, 10), hotStacks: hot, gcShare: samples ? gc / samples : 0 };
  }
  let heapTop: DiagnoseEvidence['heapTop'] = null;
  if (heapRaw) {
    const p = decodeProfile(heapRaw, 'the heap profile');
    const i = sampleIndex(p, 'inuse_space');
    if (i >= 0) heapTop = functionTotals(p, i).slice(0, 10);
  }
  const grpc =
    s0 && s1
      ? {
          firstHalf: mid ? grpcLatencyDiff(s0.scrape, (mid as TimedScrape).scrape) : [],
          secondHalf: mid ? grpcLatencyDiff((mid as TimedScrape).scrape, s1.scrape) : [],
          whole: grpcLatencyDiff(s0.scrape, s1.scrape),
          histogram: hasGrpcHistogram(s1.scrape),
        }
      : null;
  return {
    evidence: { durationSeconds: (Date.now() - t0) / 1000, series, cpu, goroutineGrowth: g0 && g1 ? goroutineGrowth(g0, g1) : null, heapTop, grpc, syscalls, logs, unavailable: [...new Set(unavailable)] },
    sources: { pid: c.pid, debugSocket: sock, metricsUrl: url },
    interrupted,
  };
}
