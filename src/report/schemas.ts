/**
 * The published shape of each probe's --json report, as zod schemas; `ctrscope probes --schema
 * NAME` prints one as JSON Schema (draft 2020-12, made by zod's toJSONSchema). Top levels are
 * strict: a field added to a report must be added here, and the integration test
 * (test/integration/report-schemas.test.ts) checks real output against the printed schema with
 * an independent validator (python3-jsonschema).
 */
import { z } from 'zod';

const int = z.number().int().nonnegative();
const num = z.number();
const nullableNum = z.number().nullable();
const proc = { pid: int, comm: z.string(), role: z.string() };

const common = {
  probe: z.string(),
  backend: z.enum(['bpftrace', 'perf', 'strace', 'pprof', 'metrics']),
  attachPoint: z.string(),
  skipped: z.array(z.object({ attachPoint: z.string(), why: z.string() })),
  durationSeconds: num.nonnegative(),
  targets: z.array(z.object(proc)),
  lostEvents: int.optional(),
  droppedLines: int.optional(),
  warnings: z.array(z.string()).optional(),
};
const report = (fields: z.ZodRawShape) => z.strictObject({ ...common, ...fields });

const syscallRow = { syscall: z.string(), calls: int, errors: int, seconds: num.nonnegative() };
const bucket = z.object({ low: num, high: num, count: int });
const percentiles = z.object({ count: int, p50: nullableNum, p90: nullableNum, p99: nullableNum });
const counters = z.record(z.string(), nullableNum);
// frameNames: how many frames (weighted by value) the symbolizer could not name, and why.
const frameNames = z.strictObject({ frames: num.nonnegative(), unknown: num.nonnegative(), unknownPercent: num.min(0).max(100), why: z.record(z.string(), num.nonnegative()) });
const stacks = { samples: int, unit: z.enum(['samples', 'ns']), total: num.nonnegative(), stacks: z.array(z.object({ stack: z.string(), value: num })), frameNames };
const processCost = { cpuSeconds: num.nonnegative(), syscalls: int, vfsSeconds: num.nonnegative(), vfsCalls: int, processes: int };

export const REPORT_SCHEMAS: Record<string, z.ZodType> = {
  'syscall-count': report({
    syscalls: z.array(z.object({ ...syscallRow, maxSeconds: num.nonnegative().optional() })),
    slowCalls: z.array(z.object({ pid: int, comm: z.string(), syscall: z.string(), seconds: num })),
    processes: z.array(z.object({ ...proc, calls: int, errors: int, seconds: num.nonnegative() })),
  }),
  'syscall-trace': report({
    syscalls: z.array(z.object(syscallRow)),
    slowest: z.array(z.object({ pid: int, syscall: z.string(), args: z.string(), ret: z.string(), errno: z.string().nullable(), seconds: nullableNum }).passthrough()),
    neverReturned: int,
    threads: int,
  }),
  'vfs-latency': report({
    histograms: z.object({ read: z.array(bucket), write: z.array(bucket) }),
    stats: z.object({ read: percentiles, write: percentiles }),
    processes: z.array(z.object({ ...proc, calls: int })),
  }),
  'file-opens': report({
    opens: int,
    failed: int,
    topPaths: z.array(z.object({ path: z.string(), opens: int, failed: int })),
    failures: z.array(z.object({ path: z.string(), errno: z.string(), count: int, pids: z.array(int) })),
    processes: z.array(z.object({ ...proc, opens: int, failed: int })),
    rows: z.array(z.object({ path: z.string(), flags: z.string() }).passthrough()),
  }),
  'process-exec': report({
    forks: int,
    threads: int,
    execs: int,
    processes: z.array(z.object({ ...proc, forks: int, threads: int, execs: int })),
    programs: z.array(z.object({ program: z.string(), count: int, byRole: z.record(z.string(), int) })),
    started: z.array(z.object({ ...proc, program: z.string(), count: int })),
  }),
  sched: report({
    counters,
    unsupported: z.array(z.string()),
    perTarget: z.array(z.object({ ...proc, counters, ran: z.boolean(), failed: z.string().optional() })),
  }),
  'cpu-profile': report(stacks),
  'off-cpu': report(stacks),
  'runtime-cost': report({
    containers: z.array(
      z.strictObject({
        namespace: z.string(),
        id: z.string(),
        shimCpuSeconds: num.nonnegative(),
        runcCpuSeconds: num.nonnegative(),
        runcCalls: int,
        runcByCommand: z.record(z.string(), int),
        syscalls: int,
        vfsSeconds: num.nonnegative(),
        vfsCalls: int,
        shim: z.strictObject(processCost),
        runc: z.strictObject(processCost),
      }),
    ),
    containerd: z.strictObject({ ...processCost, pids: z.array(int) }),
    unattributed: z.strictObject({ shim: z.strictObject(processCost), runc: z.strictObject(processCost) }),
    totals: z.strictObject({ containers: int, shimCpuSeconds: num.nonnegative(), runcCpuSeconds: num.nonnegative(), runcCalls: int }),
  }),
};

// The probes that read containerd itself (src/native/) and `ctrscope diagnose --json`.
const funcTotal = z.strictObject({ func: z.string(), flat: num, cum: num });
const goroutineGroup = { count: int, top: z.string(), site: z.string(), stack: z.array(z.string()) };
const goroutineGrowth = z.strictObject({ start: int, end: int, delta: z.number().int(), top: z.string(), site: z.string(), stack: z.array(z.string()) });
const method = z.strictObject({ method: z.string(), count: int, errors: int, errorsByCode: z.record(z.string(), int), p50Seconds: nullableNum, p99Seconds: nullableNum, meanSeconds: nullableNum });
const goProcess = z.strictObject({ rssBytes: nullableNum, cpuSeconds: nullableNum, goroutines: nullableNum, threads: nullableNum, openFds: nullableNum, heapInuseBytes: nullableNum });
const contention = report({
  enabled: z.boolean(),
  samplingPeriod: nullableNum,
  contentions: num.nonnegative(),
  delaySeconds: num.nonnegative(),
  top: z.array(z.strictObject({ func: z.string(), flatSeconds: num, cumSeconds: num })),
});
const startPhaseValues = z.record(z.string(), nullableNum);
const syscallLatency = z.strictObject({ syscall: z.string(), calls: int, totalSeconds: num.nonnegative(), maxSeconds: num.nonnegative(), slow: int });

Object.assign(REPORT_SCHEMAS, {
  goroutines: report({
    goroutines: int,
    startGoroutines: int,
    groups: z.array(z.strictObject(goroutineGroup)),
    growth: z.array(goroutineGrowth),
    shrunk: z.array(goroutineGrowth),
    totals: z.array(int),
    leak: z.strictObject({ rising: z.boolean(), rise: z.number().int(), min: int, max: int }),
    unrecognizedLines: int,
  }),
  'grpc-latency': report({
    histogram: z.boolean(),
    calls: int,
    errors: int,
    methods: z.array(method),
    process: z.strictObject({ start: goProcess, end: goProcess, cpuPercent: nullableNum }),
    unrecognizedLines: int,
  }),
  'go-cpu': report({
    samples: int,
    cpuSeconds: num.nonnegative(),
    cpuPercent: nullableNum,
    gcShare: num.min(0).max(1),
    top: z.array(funcTotal),
    stacks: int,
    // Left out when --output took the folded stacks.
    folded: z.array(z.string()).optional(),
  }),
  heap: report({
    inuseBytes: nullableNum,
    inuseObjects: nullableNum,
    allocBytes: nullableNum,
    allocObjects: nullableNum,
    inuse: z.array(funcTotal),
    allocated: z.array(funcTotal),
    base: z
      .strictObject({
        inuseBytes: num,
        inuse: z.array(z.strictObject({ func: z.string(), base: num, now: num, delta: num })),
        allocated: z.array(z.strictObject({ func: z.string(), base: num, now: num, delta: num })),
      })
      .optional(),
  }),
  block: contention,
  mutex: contention,
  'container-start': report({
    mode: z.enum(['count', 'watch']),
    namespace: z.string().nullable(),
    started: int,
    incomplete: z.array(z.string()),
    phases: z.array(z.strictObject({ phase: z.string(), n: int, meanSeconds: nullableNum, p50Seconds: nullableNum, p99Seconds: nullableNum })),
    starts: z.array(z.strictObject({ id: z.string(), namespace: z.string(), totalSeconds: num, ctrWallSeconds: nullableNum, phases: startPhaseValues })),
    otlp: z
      .strictObject({ endpoint: z.string(), endpointFrom: z.string(), traces: int, spansQueued: int, spansSent: int, spansDropped: int, failedExports: int, lastError: z.string().optional() })
      .optional(),
  }),
  // Not a probe: `ctrscope diagnose --json` (its own top level, no common probe fields).
  diagnose: z.strictObject({
    command: z.literal('diagnose'),
    durationSeconds: num.nonnegative(),
    interrupted: z.boolean(),
    sources: z.strictObject({ pid: int, debugSocket: z.string().nullable(), metricsUrl: z.string().nullable() }),
    findings: z.array(
      z.strictObject({
        symptom: z.enum(['high CPU', 'memory growth', 'goroutine growth', 'rising latency', 'gRPC errors', 'slow syscalls', 'log errors']),
        severity: z.enum(['problem', 'watch', 'ok', 'unknown']),
        summary: z.string(),
        evidence: z.array(z.string()),
        next: z.string().optional(),
      }),
    ),
    evidence: z.strictObject({
      durationSeconds: num.nonnegative(),
      series: z.array(z.strictObject({ t: num, rssBytes: nullableNum, goroutines: nullableNum, cpuSeconds: nullableNum, heapInuseBytes: nullableNum })),
      cpu: z.strictObject({ samples: int, top: z.array(funcTotal), hotStacks: z.array(z.strictObject({ stack: z.string(), samples: num })), gcShare: num }).nullable(),
      goroutineGrowth: z.array(goroutineGrowth).nullable(),
      heapTop: z.array(funcTotal).nullable(),
      grpc: z.strictObject({ firstHalf: z.array(method), secondHalf: z.array(method), whole: z.array(method), histogram: z.boolean() }).nullable(),
      syscalls: z.strictObject({ top: z.array(syscallLatency), outliers: z.array(syscallLatency) }).nullable(),
      // containerd's log over the run (aggregate/diagnose-logs.ts); absent in reports made before it.
      logs: z
        .strictObject({
          source: z.string(),
          lines: int,
          unreadLines: int,
          errors: int,
          warnings: int,
          burst: z
            .strictObject({ errors: int, seconds: num, from: z.string(), to: z.string(), templates: z.array(z.strictObject({ template: z.string(), count: int, example: z.string() })) })
            .nullable(),
          warningTemplates: z.array(z.strictObject({ template: z.string(), count: int })),
        })
        .nullable()
        .optional(),
      unavailable: z.array(z.string()),
    }),
  }),
} satisfies Record<string, z.ZodType>);

/** One probe's report schema as JSON Schema, or null for a probe without one. */
export function reportJsonSchema(probe: string): Record<string, unknown> | null {
  const s = REPORT_SCHEMAS[probe];
  if (!s) return null;
  return { ...z.toJSONSchema(s), $id: `https://ctrscope.invalid/schemas/${probe}.json`, title: `ctrscope --probe ${probe} --json` };
}
