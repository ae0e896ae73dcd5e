/**
 * grpc-latency: containerd's gRPC calls per method over the run, from its Prometheus metrics:
 * calls, errors by code, p50/p99 from the latency histogram (needs `grpc_histogram = true`).
 * Scrapes /v1/metrics at the start and the end and diffs the counters; also reports the
 * process figures the endpoint carries (RSS, CPU, goroutines, threads).
 * OVERHEAD: two HTTP scrapes (~4,500 lines each on containerd 1.6).
 */
import type { PromScrape } from '../../parsers/prometheus-text.js';
import { grpcLatencyDiff, hasGrpcHistogram } from '../aggregate/grpc-latency.js';
import { cpuPercent, processStats } from '../aggregate/go-process.js';
import { metricsUrl } from '../containerd/endpoints.js';
import { scrape } from '../containerd/metrics-client.js';
import { fmtInt, renderTable } from '../output/table.js';
import type { ProbeReport } from '../../probes/types.js';
import { checkOutput, containerdTargets, emit, round, runFor, say } from './common.js';
import type { NativeProbe } from './types.js';

export const grpcLatencyProbe: NativeProbe = {
  name: 'grpc-latency',
  summary: "containerd's gRPC calls per method from its metrics: calls, errors, p50/p99 latency",
  backend: 'metrics',
  async run(o) {
    checkOutput(o);
    const url = metricsUrl(o.metricsUrl);
    const a = await scrape(url);
    say(`scraped ${url}; scraping again in ${o.durationSeconds} s (Ctrl-C ends early)`);
    await runFor(o.durationSeconds * 1000);
    const b = await scrape(url);
    const report = grpcReport(url, a.scrape, b.scrape, (b.atMs - a.atMs) / 1000);
    if (!report.histogram) say(`containerd's metrics have no gRPC latency histogram: set grpc_histogram = true under [metrics] in its config (restart needed); calls and errors are still counted`);
    emit(o, report, () => renderGrpc(report));
    return 0;
  },
};

export type GrpcReport = ReturnType<typeof grpcReport>;

const secs = (v: number | null) => (v === null ? null : round(v, 6));

export function grpcReport(url: string, a: PromScrape, b: PromScrape, seconds: number) {
  const methods = grpcLatencyDiff(a, b).map((m) => ({ ...m, p50Seconds: secs(m.p50Seconds), p99Seconds: secs(m.p99Seconds), meanSeconds: secs(m.meanSeconds) }));
  const pa = processStats(a);
  const pb = processStats(b);
  const report = {
    probe: 'grpc-latency',
    backend: 'metrics' as const,
    attachPoint: url,
    skipped: [],
    durationSeconds: round(seconds, 2),
    targets: containerdTargets(),
    histogram: hasGrpcHistogram(b),
    calls: methods.reduce((n, m) => n + m.count, 0),
    errors: methods.reduce((n, m) => n + m.errors, 0),
    methods,
    process: { start: pa, end: pb, cpuPercent: cpuPercent(pa, pb, seconds) === null ? null : round(cpuPercent(pa, pb, seconds)!, 1) },
    unrecognizedLines: a.unrecognized + b.unrecognized,
  };
  return report satisfies ProbeReport;
}

const ms = (v: number | null) => (v === null ? '-' : (v * 1000).toFixed(v < 0.01 ? 2 : 1));
const mib = (v: number | null) => (v === null ? '?' : `${(v / 1048576).toFixed(1)} MiB`);

export function renderGrpc(r: GrpcReport): string {
  const p = r.process;
  let s = `grpc-latency: ${fmtInt(r.calls)} gRPC calls (${fmtInt(r.errors)} errors) in ${r.durationSeconds.toFixed(1)} s, from ${r.attachPoint}\n`;
  s += `containerd: RSS ${mib(p.start.rssBytes)} -> ${mib(p.end.rssBytes)}, CPU ${p.cpuPercent ?? '?'}% of a core, goroutines ${p.start.goroutines ?? '?'} -> ${p.end.goroutines ?? '?'}, threads ${p.end.threads ?? '?'}\n`;
  if (!r.histogram) s += 'no latency histogram: set grpc_histogram = true under [metrics] in containerd\'s config\n';
  if (r.methods.length === 0) return s + '\nno gRPC call finished during the run\n';
  s += '\n' + renderTable(r.methods, [
    { title: 'METHOD', get: (m) => m.method, align: 'left' },
    { title: 'CALLS', get: (m) => fmtInt(m.count) },
    { title: 'ERRORS', get: (m) => (m.errors ? `${m.errors} (${Object.entries(m.errorsByCode).map(([c, n]) => `${c} ${n}`).join(', ')})` : '0') },
    { title: 'P50_MS', get: (m) => ms(m.p50Seconds) },
    { title: 'P99_MS', get: (m) => ms(m.p99Seconds) },
    { title: 'MEAN_MS', get: (m) => ms(m.meanSeconds) },
  ]);
  return s + 'p50/p99: interpolated inside the histogram buckets (5 ms ... 10 s), capped by what the mean allows\n';
}
