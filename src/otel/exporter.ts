/**
 * Sends container starts to an OTLP/HTTP collector (JSON encoding) with OpenTelemetry's own
 * exporter: spans go through a BatchSpanProcessor (batched, off the tracing path: adding a start
 * only queues it), and the exporter retries 429/502/503/504 and refused connections with
 * exponential backoff as the OTLP spec says, within its timeout. Spans the collector never took
 * (export failed after its retries, or the queue was full) are counted as dropped.
 *
 * API for the live view and `serve`:
 *   const cfg = otlpConfig(flags.otlpEndpoint)          // null when no endpoint is given anywhere
 *   const traces = cfg && new StartTraceExporter(cfg)
 *   traces?.exportStarts(starts, wallMinusMonoNs)       // as often as wanted: each start is sent once
 *   traces?.stats()                                     // { spansQueued, spansSent, spansDropped, ... }
 *   await traces?.shutdown()                            // flushes (bounded by the timeout), final stats
 */
import { hostname } from 'node:os';
import { SpanKind, SpanStatusCode, TraceFlags, type SpanContext } from '@opentelemetry/api';
import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { defaultResource, detectResources, envDetector, resourceFromAttributes, type Resource } from '@opentelemetry/resources';
import { BatchSpanProcessor, type ReadableSpan, type SpanExporter } from '@opentelemetry/sdk-trace-base';
import { randomBytes } from 'node:crypto';
import type { StartPhases } from '../aggregate/start-phases.js';
import { VERSION } from '../version.js';
import { startSpans, type IdSource, type SpanDescription } from './start-spans.js';
export { otlpConfig, type OtlpConfig } from './config.js';
import type { OtlpConfig } from './config.js';

export interface OtlpStats {
  endpoint: string;
  /** Where the endpoint came from: --otlp-endpoint or the OTEL_* variable. */
  endpointFrom: string;
  traces: number;
  spansQueued: number;
  spansSent: number;
  /** Spans the collector did not take: failed exports plus queue overflow (after shutdown). */
  spansDropped: number;
  failedExports: number;
  lastError?: string;
}

const randomIds: IdSource = (n) => randomBytes(n).toString('hex');
const hr = (ns: bigint): [number, number] => [Number(ns / 1_000_000_000n), Number(ns % 1_000_000_000n)];

/** Counts what the wrapped exporter sent and what it failed to. */
class CountingExporter implements SpanExporter {
  sent = 0;
  failed = 0;
  failedExports = 0;
  lastError?: string;
  constructor(private readonly inner: SpanExporter) {}
  export(spans: ReadableSpan[], done: (r: ExportResult) => void): void {
    this.inner.export(spans, (r) => {
      if (r.code === ExportResultCode.SUCCESS) this.sent += spans.length;
      else {
        this.failed += spans.length;
        this.failedExports++;
        this.lastError = r.error?.message ?? 'export failed';
      }
      done(r);
    });
  }
  shutdown = () => this.inner.shutdown();
  forceFlush = () => this.inner.forceFlush?.() ?? Promise.resolve();
}

export class StartTraceExporter {
  private readonly counting: CountingExporter;
  private readonly processor: BatchSpanProcessor;
  private readonly resource: Resource;
  private readonly seen = new Set<string>();
  private queued = 0;
  private traces = 0;
  private closed = false;
  private readonly timeoutMillis: number;

  constructor(
    private readonly cfg: OtlpConfig,
    opts: { ids?: IdSource; scheduledDelayMillis?: number } = {},
  ) {
    this.ids = opts.ids ?? randomIds;
    // The exporter reads OTEL_EXPORTER_OTLP_*_TIMEOUT itself; ours is shorter than its 10 s so a
    // run ends soon when the collector is down.
    const envTimeout = process.env.OTEL_EXPORTER_OTLP_TRACES_TIMEOUT ?? process.env.OTEL_EXPORTER_OTLP_TIMEOUT;
    this.timeoutMillis = envTimeout && Number(envTimeout) > 0 ? Number(envTimeout) : 5000;
    this.counting = new CountingExporter(new OTLPTraceExporter({ url: cfg.url, ...(envTimeout ? {} : { timeoutMillis: this.timeoutMillis }) }));
    this.processor = new BatchSpanProcessor(this.counting, { scheduledDelayMillis: opts.scheduledDelayMillis ?? 1000, exportTimeoutMillis: this.timeoutMillis + 1000 });
    // Ours first, then OTEL_SERVICE_NAME / OTEL_RESOURCE_ATTRIBUTES over it.
    this.resource = defaultResource()
      .merge(resourceFromAttributes({ 'service.name': 'ctrscope', 'service.version': VERSION, 'host.name': hostname() }))
      .merge(detectResources({ detectors: [envDetector] }));
  }

  private readonly ids: IdSource;

  /** Queues each start not sent before as one trace; returns how many were new. Never waits. */
  exportStarts(starts: StartPhases[], wallMinusMonoNs: bigint): number {
    if (this.closed) return 0;
    let added = 0;
    for (const s of starts) {
      const key = `${s.namespace}/${s.id}@${s.beginNs}`;
      if (this.seen.has(key)) continue;
      this.seen.add(key);
      for (const d of startSpans(s, wallMinusMonoNs, this.ids)) {
        this.processor.onEnd(this.readable(d));
        this.queued++;
      }
      added++;
    }
    this.traces += added;
    return added;
  }

  stats(): OtlpStats {
    const c = this.counting;
    const pendingOrLost = this.queued - c.sent - c.failed;
    return {
      endpoint: this.cfg.url,
      endpointFrom: this.cfg.from,
      traces: this.traces,
      spansQueued: this.queued,
      spansSent: c.sent,
      spansDropped: c.failed + (this.closed ? pendingOrLost : 0),
      failedExports: c.failedExports,
      ...(c.lastError ? { lastError: c.lastError } : {}),
    };
  }

  /** Sends what is queued (retrying within the timeout) and stops; resolves with the final count. */
  async shutdown(): Promise<OtlpStats> {
    if (!this.closed) {
      const limit = new Promise<void>((r) => setTimeout(r, this.timeoutMillis + 2000).unref());
      await Promise.race([this.processor.shutdown().catch(() => undefined), limit]);
      this.closed = true;
    }
    return this.stats();
  }

  private readable(d: SpanDescription): ReadableSpan {
    const ctx: SpanContext = { traceId: d.traceId, spanId: d.spanId, traceFlags: TraceFlags.SAMPLED };
    const parent: SpanContext | undefined = d.parentSpanId ? { traceId: d.traceId, spanId: d.parentSpanId, traceFlags: TraceFlags.SAMPLED } : undefined;
    return {
      name: d.name,
      kind: SpanKind.INTERNAL,
      spanContext: () => ctx,
      parentSpanContext: parent,
      startTime: hr(d.startNs),
      endTime: hr(d.endNs),
      duration: hr(d.endNs - d.startNs),
      status: { code: SpanStatusCode.UNSET },
      attributes: d.attributes,
      links: [],
      events: [],
      ended: true,
      resource: this.resource,
      instrumentationScope: { name: 'ctrscope', version: VERSION },
      droppedAttributesCount: 0,
      droppedEventsCount: 0,
      droppedLinksCount: 0,
    };
  }
}

/** The line a run prints about its traces. */
export function describeOtlp(s: OtlpStats): string {
  const base = `OTLP: ${s.traces} trace(s), ${s.spansSent} of ${s.spansQueued} spans sent to ${s.endpoint}`;
  return s.spansDropped ? `${base}; ${s.spansDropped} dropped (${s.lastError ?? 'collector did not take them'})` : base;
}
