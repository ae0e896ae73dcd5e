/**
 * Container starts as OTLP traces: the three real starts of fixtures/containerd (events + execs)
 * sent by StartTraceExporter (OpenTelemetry's OTLP/HTTP exporter) to a loopback receiver, which
 * checks what the spec defines: hex ids, parent links, nanosecond times, resource attributes.
 */
import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ContainerdEventsParser } from '../../parsers/containerd-events.js';
import { ExecTraceParser } from '../../parsers/exec-trace.js';
import { parseChunks } from '../../parsers/lines.js';
import { PHASES, startPhases, toMonotonic } from '../../src/aggregate/start-phases.js';
import { otlpConfig } from '../../src/otel/config.js';
import { describeOtlp, StartTraceExporter } from '../../src/otel/exporter.js';
import { attrs, closedPort, OtlpReceiver } from '../helpers/otlp-receiver.js';

const fix = (f: string) => readFileSync(new URL(`../../fixtures/containerd/${f}`, import.meta.url));
const trace = parseChunks(new ExecTraceParser(), [fix('execs.txt')]);
const events = toMonotonic(parseChunks(new ContainerdEventsParser(), [fix('events.txt')]).events, trace.wallMinusMonoNs!);
const requests = fix('starts.txt').toString('utf8').trim().split('\n').map((l) => ({ id: l.split(' ')[0]!, ctrPid: Number(l.split(' ')[1]) }));
const { starts } = startPhases(events, trace.execs, requests);

const ENV = ['OTEL_SERVICE_NAME', 'OTEL_RESOURCE_ATTRIBUTES'] as const;
let receiver: OtlpReceiver | undefined;
beforeEach(() => {
  process.env.OTEL_SERVICE_NAME = 'ctrscope-test';
  process.env.OTEL_RESOURCE_ATTRIBUTES = 'deployment.environment=ci,team=tracing';
});
afterEach(async () => {
  for (const k of ENV) delete process.env[k];
  await receiver?.stop();
  receiver = undefined;
});

const exporterTo = (url: string) => new StartTraceExporter(otlpConfig(url, {})!, { scheduledDelayMillis: 50 });

describe('the three fixture starts as traces', () => {
  it('one trace per start: a root with namespace, id and image, a child per phase that ends where the next begins', async () => {
    expect(starts).toHaveLength(3);
    receiver = new OtlpReceiver();
    const t = exporterTo(await receiver.start());
    expect(t.exportStarts(starts, trace.wallMinusMonoNs!)).toBe(3);
    // Sent once: a second call with the same starts queues nothing.
    expect(t.exportStarts(starts, trace.wallMinusMonoNs!)).toBe(0);
    const stats = await t.shutdown();
    expect(stats).toMatchObject({ traces: 3, spansQueued: 21, spansSent: 21, spansDropped: 0 });
    expect(receiver.requests.every((r) => r.path === '/v1/traces' && r.contentType === 'application/json')).toBe(true);

    const spans = receiver.spans();
    expect(spans).toHaveLength(21);
    const traceIds = [...new Set(spans.map((s) => s.traceId))];
    expect(traceIds).toHaveLength(3);
    for (const s of spans) {
      expect(s.traceId).toMatch(/^[0-9a-f]{32}$/);
      expect(s.spanId).toMatch(/^[0-9a-f]{16}$/);
      expect(s.resource).toMatchObject({ 'service.name': 'ctrscope-test', 'deployment.environment': 'ci', team: 'tracing', 'service.version': expect.any(String) });
    }
    expect(new Set(spans.map((s) => s.spanId)).size).toBe(21);

    for (const start of starts) {
      const root = spans.find((s) => !s.parentSpanId && attrs(s.attributes)['container.id'] === start.id)!;
      expect(attrs(root.attributes)).toMatchObject({ 'container.id': start.id, 'ctrscope.namespace': 'ctrscope', 'container.image.name': 'docker.io/library/busybox:latest' });
      const kids = spans.filter((s) => s.parentSpanId === root.spanId).sort((a, b) => Number(BigInt(a.startTimeUnixNano) - BigInt(b.startTimeUnixNano)));
      expect(kids.map((k) => k.name)).toEqual([...PHASES]);
      expect(kids.every((k) => k.traceId === root.traceId)).toBe(true);
      // Nanosecond times: the root spans the start's total as container-start reports it, and its
      // phases tile it exactly.
      const rootNs = BigInt(root.endTimeUnixNano) - BigInt(root.startTimeUnixNano);
      expect(Number(rootNs)).toBe(start.firstExecNs - start.beginNs);
      expect(Number(rootNs) / 1e9).toBeCloseTo(start.totalSeconds, 9);
      expect(kids[0]!.startTimeUnixNano).toBe(root.startTimeUnixNano);
      expect(kids.at(-1)!.endTimeUnixNano).toBe(root.endTimeUnixNano);
      for (let i = 1; i < kids.length; i++) expect(kids[i]!.startTimeUnixNano).toBe(kids[i - 1]!.endTimeUnixNano);
      kids.forEach((k) => expect(Number(BigInt(k.endTimeUnixNano) - BigInt(k.startTimeUnixNano)) / 1e9).toBeCloseTo(start.phases[k.name as (typeof PHASES)[number]]!, 9));
      // Wall clock: the root begins at the ctr exec, put on the wall clock by bpftrace's clock line.
      const ctr = trace.execs.find((x) => x.pid === requests.find((r) => r.id === start.id)!.ctrPid)!;
      expect(BigInt(root.startTimeUnixNano)).toBe(BigInt(ctr.ns) + trace.wallMinusMonoNs!);
      // The processes of each phase: ctr, the shim, runc, the container's program.
      const proc = (name: string) => attrs(kids.find((k) => k.name === name)!.attributes);
      expect(proc('container create')).toMatchObject({ 'process.pid': ctr.pid, 'process.executable.path': '/usr/bin/ctr' });
      expect(proc('shim start')['process.executable.path']).toBe('/usr/bin/containerd-shim-runc-v2');
      expect(proc('runc init')['process.executable.path']).toMatch(/\/runc$/);
      expect(proc('first exec')['process.pid']).toBe(Number(events.find((e) => e.topic === '/tasks/create' && e.payload.container_id === start.id)!.payload.pid));
    }
  });

  it('503 then 200: the exporter retries and the collector gets every span once', async () => {
    receiver = new OtlpReceiver([503]);
    const t = exporterTo(await receiver.start());
    t.exportStarts(starts.slice(0, 1), trace.wallMinusMonoNs!);
    const stats = await t.shutdown();
    expect(receiver.requests.map((r) => r.status)).toEqual([503, 200]);
    expect(stats).toMatchObject({ spansSent: 7, spansDropped: 0, failedExports: 0 });
    expect(receiver.spans()).toHaveLength(7);
  });

  it('a 400 is not retried: the spans are dropped and counted', async () => {
    receiver = new OtlpReceiver([400]);
    const t = exporterTo(await receiver.start());
    t.exportStarts(starts.slice(0, 2), trace.wallMinusMonoNs!);
    const stats = await t.shutdown();
    expect(receiver.requests.map((r) => r.status)).toEqual([400]);
    expect(stats).toMatchObject({ spansQueued: 14, spansSent: 0, spansDropped: 14, failedExports: 1 });
  });

  it('collector down: adding starts never waits, every span is dropped and counted, and the line says so', async () => {
    const url = await closedPort();
    const t = exporterTo(url);
    expect(t.exportStarts(starts, trace.wallMinusMonoNs!)).toBe(3);
    // Queued, not sent, when exportStarts returns.
    expect(t.stats()).toMatchObject({ spansQueued: 21, spansSent: 0 });
    const stats = await t.shutdown();
    expect(stats).toMatchObject({ spansQueued: 21, spansSent: 0, spansDropped: 21 });
    expect(describeOtlp(stats)).toMatch(/0 of 21 spans sent to .*; 21 dropped/);
  }, 20_000);
});

describe('where traces go', () => {
  it('--otlp-endpoint and OTEL_EXPORTER_OTLP_ENDPOINT are base URLs, the traces variable is used as is', () => {
    expect(otlpConfig('http://jaeger:4318', {})).toEqual({ url: 'http://jaeger:4318/v1/traces', from: '--otlp-endpoint' });
    expect(otlpConfig(undefined, { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318/' })).toEqual({ url: 'http://c:4318/v1/traces', from: 'OTEL_EXPORTER_OTLP_ENDPOINT' });
    expect(otlpConfig(undefined, { OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://c:9/x', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://d:4318' })).toEqual({ url: 'http://c:9/x', from: 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT' });
    expect(otlpConfig(undefined, {})).toBeNull();
    expect(() => otlpConfig('grpc://x:4317', {})).toThrow(/--otlp-endpoint .*http:\/\/ or https:\/\//);
  });
});
