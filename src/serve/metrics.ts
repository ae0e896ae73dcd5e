/**
 * serve's metric families (prom-client 15 registries; the VFS histograms by hand, see
 * histogram-text.ts). Every value is read at scrape time from what the sources added up: nothing
 * is computed between scrapes. Names follow Prometheus' rules: one prefix, base units (seconds,
 * bytes), _total on counters, no pid label; the syscall label is bounded (kernel-counters.ts).
 *
 * Two registries with their own metric objects, one per format: prom-client renames a counter
 * in place when an OpenMetrics registry renders it, so the two cannot share one.
 */
import client from 'prom-client';
import { VERSION } from '../version.js';
import { histogramFamily } from './histogram-text.js';
import type { KernelCounters } from './kernel-counters.js';
import type { SchedCounters } from './sched-counters.js';
import { startHistograms, type StartFeed } from './start-metrics.js';
import type { OtlpStats } from '../otel/exporter.js';

export interface SourceInfo {
  id: string;
  probe: string;
  backend?: string;
  attachPoint?: string;
  state: string;
  droppedLines: number;
  lost: number;
  unrecognized: number;
}

export interface CostSample {
  /** CPU seconds of ctrscope's own threads, and of its tracers (live ones and those reaped). */
  selfCpuS: number;
  tracersCpuS: number;
  selfRssBytes: number;
  tracersRssBytes: number;
}

/** What the metrics are read from at each scrape. */
export interface ServeState {
  kernel: KernelCounters;
  sched: SchedCounters;
  sources(): SourceInfo[];
  cost(): CostSample;
  /** Live processes by role, from the latest discovery. */
  targets(): Record<string, number>;
  /** Lines containerd logged while serve ran, by level (absent: its log is not read). */
  containerdLogLevels?(): Record<string, number>;
  /** Container starts as they complete (the start histograms); absent: no start metrics. */
  starts?: StartFeed;
  /** --otlp-endpoint: what the trace exporter sent and dropped. */
  otlp?: () => OtlpStats;
  /** CPU seconds charged per container and component (aggregate/runtime-cost-live.ts), when serve keeps them. */
  runtime?(): Array<{ namespace: string; container: string; component: string; cpuSeconds: number }>;
}

export const PROMETHEUS_TYPE = client.Registry.PROMETHEUS_CONTENT_TYPE;
export const OPENMETRICS_TYPE = client.Registry.OPENMETRICS_CONTENT_TYPE;

const VFS_HELP = 'Latency of read-family (read, pread64, readv) and write-family (write, pwrite64, writev) syscalls of the targets, enter to exit, from the kernel\'s log2 buckets converted exactly';

type Labels = Record<string, string>;

/**
 * A metric whose values are read at scrape time: set from `values()` at each collect (a counter's
 * values are totals that only grow, kept by the aggregates, so it is reset and set the same way).
 */
function metric(kind: 'counter' | 'gauge', reg: client.Registry, name: string, help: string, labelNames: string[], values: () => Array<[Labels, number]>): void {
  if (kind === 'counter') {
    new client.Counter({ name, help, labelNames, registers: [reg], collect() { this.reset(); for (const [l, v] of values()) this.inc(l, v); } });
  } else {
    new client.Gauge({ name, help, labelNames, registers: [reg], collect() { this.reset(); for (const [l, v] of values()) this.set(l, v); } });
  }
}
const counter = (...a: [client.Registry, string, string, string[], () => Array<[Labels, number]>]) => metric('counter', ...a);
const gauge = (...a: [client.Registry, string, string, string[], () => Array<[Labels, number]>]) => metric('gauge', ...a);

/** The syscall counters by role and syscall: one of calls, errors, seconds. */
const bySyscall = (s: ServeState, pick: (t: { calls: number; errors: number; ns: number }) => number) => (): Array<[Labels, number]> =>
  [...s.kernel.syscalls].flatMap(([role, m]) => [...m].map(([syscall, t]): [Labels, number] => [{ role, syscall }, pick(t)]));

const bySchedRole = (s: ServeState, pick: (t: { contextSwitches: number; migrations: number; pageFaults: number }) => number) => (): Array<[Labels, number]> =>
  [...s.sched.byRole].map(([role, t]): [Labels, number] => [{ role }, pick(t)]);

const perSource = (s: ServeState, pick: (x: SourceInfo) => number) => (): Array<[Labels, number]> => s.sources().map((x): [Labels, number] => [{ source: x.id }, pick(x)]);

function registry(contentType: typeof PROMETHEUS_TYPE | typeof OPENMETRICS_TYPE, s: ServeState): client.Registry {
  const reg = new client.Registry();
  reg.setContentType(contentType as never);
  counter(reg, 'ctrscope_syscalls_total', 'Syscalls the targets completed, by role and syscall (top names, the rest as syscall="other")', ['role', 'syscall'], bySyscall(s, (t) => t.calls));
  counter(reg, 'ctrscope_syscall_errors_total', 'Syscalls that returned an error (-4095..-1), by role and syscall', ['role', 'syscall'], bySyscall(s, (t) => t.errors));
  counter(reg, 'ctrscope_syscall_seconds_total', 'Time spent in syscalls, enter to exit (wall clock, blocking included), by role and syscall', ['role', 'syscall'], bySyscall(s, (t) => t.ns / 1e9));
  counter(reg, 'ctrscope_context_switches_total', 'Context switches (voluntary and involuntary) of containerd and its shims, from /proc, by role', ['role'], bySchedRole(s, (t) => t.contextSwitches));
  counter(reg, 'ctrscope_cpu_migrations_total', 'CPU migrations of containerd and its shims, from /proc/PID/task/TID/sched, by role', ['role'], () => (s.sched.migrationsKnown === false ? [] : bySchedRole(s, (t) => t.migrations)()));
  counter(reg, 'ctrscope_page_faults_total', 'Page faults (minor and major) of containerd and its shims, from /proc, by role', ['role'], bySchedRole(s, (t) => t.pageFaults));
  counter(reg, 'ctrscope_self_cpu_seconds_total', 'CPU time of ctrscope serve itself (process="ctrscope") and of the tracers it started (process="tracers")', ['process'], () => {
    const c = s.cost();
    return [[{ process: 'ctrscope' }, c.selfCpuS], [{ process: 'tracers' }, c.tracersCpuS]];
  });
  gauge(reg, 'ctrscope_self_resident_memory_bytes', 'Resident memory of ctrscope serve (process="ctrscope") and of its live tracers (process="tracers")', ['process'], () => {
    const c = s.cost();
    return [[{ process: 'ctrscope' }, c.selfRssBytes], [{ process: 'tracers' }, c.tracersRssBytes]];
  });
  counter(reg, 'ctrscope_dropped_lines_total', 'Tracer output lines ctrscope dropped because it fell behind, by source', ['source'], perSource(s, (x) => x.droppedLines));
  counter(reg, 'ctrscope_lost_events_total', 'Events the kernel side lost (bpftrace lost_events), by source', ['source'], perSource(s, (x) => x.lost));
  counter(reg, 'ctrscope_unrecognized_lines_total', 'Tracer output lines or entries ctrscope could not read, by source', ['source'], perSource(s, (x) => x.unrecognized));
  counter(reg, 'ctrscope_kernel_prints_total', 'Prints (every 2 s) of the kernel program read so far', [], () => [[{}, s.kernel.prints]]);
  gauge(reg, 'ctrscope_probe_info', 'One series per data source: its probe, backend and attach point (value 1)', ['source', 'probe', 'backend', 'attach_point'], () =>
    s.sources().map((x): [Labels, number] => [{ source: x.id, probe: x.probe, backend: x.backend ?? '', attach_point: x.attachPoint ?? '' }, 1]),
  );
  gauge(reg, 'ctrscope_probe_up', '1 while the source runs (tracer attached or poll answering), 0 when it failed or stopped', ['source'], perSource(s, (x) => (x.state === 'running' ? 1 : 0)));
  gauge(reg, 'ctrscope_targets', 'Live processes of each role ctrscope found (containerd, shim, container)', ['role'], () => Object.entries(s.targets()).map(([role, n]): [Labels, number] => [{ role }, n]));
  counter(reg, 'ctrscope_containerd_log_lines_total', "Lines containerd logged while serve ran (its log file or journald), by level as logrus names them", ['level'], () => Object.entries(s.containerdLogLevels?.() ?? {}).map(([level, n]): [Labels, number] => [{ level }, n]));
  if (s.starts) startHistograms(reg, s.starts);
  const otlp = s.otlp;
  if (otlp) {
    counter(reg, 'ctrscope_otlp_spans_exported_total', 'Spans of container starts the OTLP collector took (--otlp-endpoint)', [], () => [[{}, otlp().spansSent]]);
    counter(reg, 'ctrscope_otlp_spans_dropped_total', 'Spans of container starts the OTLP collector did not take (export failed after its retries), never blocking tracing', [], () => [[{}, otlp().spansDropped]]);
  }
  if (s.runtime) {
    const rt = s.runtime.bind(s);
    counter(reg, 'ctrscope_runtime_cpu_seconds_total', 'CPU time the runtime spent on each container: component="shim" its shim (start, serve, delete), "runc" the runc calls and runc init for it; component="containerd" is containerd\'s own (empty namespace and container), as are shim and runc time no container could be tied to. A container gone for 10 min is dropped', ['namespace', 'container', 'component'], () =>
      rt().map((r): [Labels, number] => [{ namespace: r.namespace, container: r.container, component: r.component }, r.cpuSeconds]),
    );
  }
  gauge(reg, 'ctrscope_build_info', 'ctrscope\'s version (value 1)', ['version'], () => [[{ version: VERSION }, 1]]);
  return reg;
}

export interface Exposition {
  /** The body and its content type, in the format the Accept header asks for. */
  render(accept: string | undefined): Promise<{ body: string; contentType: string }>;
}

/** OpenMetrics when the scraper's Accept lists application/openmetrics-text, else text 0.0.4. */
export const wantsOpenMetrics = (accept: string | undefined) => /application\/openmetrics-text/i.test(accept ?? '');

/**
 * Renders at most once per maxAgeMs per format (a render takes a few ms; the counters change once
 * per print, every 2 s): many scrapers, or one that pipelines thousands of requests, cost a copy
 * of the same text each, never a render each.
 */
export function exposition(s: ServeState, maxAgeMs = 500, clock: () => number = () => performance.now()): Exposition {
  const text = registry(PROMETHEUS_TYPE, s);
  const om = registry(OPENMETRICS_TYPE, s);
  const hist = () => histogramFamily('ctrscope_vfs_latency_seconds', VFS_HELP, 'op', [['read', s.kernel.vfs.read], ['write', s.kernel.vfs.write]]);
  const render = async (open: boolean): Promise<{ body: string; contentType: string }> => {
    if (!open) return { body: (await text.metrics()) + '\n' + hist(), contentType: PROMETHEUS_TYPE };
    const body = await om.metrics();
    // The histogram goes before OpenMetrics' closing "# EOF".
    return { body: body.replace(/# EOF\n$/, '') + hist() + '# EOF\n', contentType: OPENMETRICS_TYPE };
  };
  const cache = new Map<boolean, { at: number; out: Promise<{ body: string; contentType: string }> }>();
  return {
    render(accept) {
      const open = wantsOpenMetrics(accept);
      const c = cache.get(open);
      const now = clock();
      if (c && now - c.at < maxAgeMs) return c.out;
      const out = render(open);
      cache.set(open, { at: now, out });
      return out;
    },
  };
}
