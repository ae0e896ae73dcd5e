/**
 * serve's container-start histograms, fed the starts the live starts source assembles from a real
 * capture (fixtures/containerd/live-kernel-starts.jsonl and live-events.txt, see the README):
 * each start is one observation of the whole and one per phase seen, in both exposition formats,
 * with the sums the starts' own seconds give; the namespace label stays bounded.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { PrometheusTextParser } from '../../../parsers/prometheus-text.js';
import { PHASES, type StartPhases } from '../../../src/aggregate/start-phases.js';
import { syscallNamer } from '../../../src/host/syscalls.js';
import { KernelCounters } from '../../../src/serve/kernel-counters.js';
import { exposition, type ServeState } from '../../../src/serve/metrics.js';
import { SchedCounters } from '../../../src/serve/sched-counters.js';
import { MAX_NAMESPACES, phaseLabel, START_BUCKETS, StartFeed } from '../../../src/serve/start-metrics.js';
import { createStartsSource } from '../../../src/session/live-sources/starts.js';

const fix = (f: string) => readFileSync(new URL(`../../../fixtures/containerd/${f}`, import.meta.url), 'utf8').split('\n');

function capturedStarts(): StartPhases[] {
  const got: StartPhases[] = [];
  const src = createStartsSource((s) => got.push(s));
  for (const l of fix('live-kernel-starts.jsonl')) src.peerLine!('kernel', l, 0);
  for (const l of fix('live-events.txt')) src.line(l, 0, 0);
  return got;
}

const state = (starts: StartFeed): ServeState => ({
  kernel: new KernelCounters(syscallNamer('x64')),
  sched: new SchedCounters(),
  sources: () => [],
  cost: () => ({ selfCpuS: 0, tracersCpuS: 0, selfRssBytes: 0, tracersRssBytes: 0 }),
  targets: () => ({}),
  starts,
  otlp: () => ({ endpoint: 'http://127.0.0.1:1/v1/traces', endpointFrom: '--otlp-endpoint', traces: 3, spansQueued: 21, spansSent: 14, spansDropped: 7, failedExports: 1 }),
});

const value = (text: string, name: string, labels: Record<string, string>) => {
  const p = new PrometheusTextParser();
  for (const l of text.split('\n')) p.line(l);
  const list = p.result().samples.get(name) ?? [];
  return list.find((s) => Object.entries(labels).every(([k, v]) => s.labels[k] === v))?.value;
};

describe('serve: container-start histograms', () => {
  const starts = capturedStarts();

  it('one observation per start and per phase, sums as the starts give, in both formats', async () => {
    expect(starts).toHaveLength(3);
    const feed = new StartFeed();
    const expo = exposition(state(feed), 0);
    for (const s of starts) feed.publish(s);
    for (const accept of [undefined, 'application/openmetrics-text; version=1.0.0']) {
      const { body } = await expo.render(accept);
      const ns = { namespace: 'ctrscope' };
      expect(value(body, 'ctrscope_container_start_seconds_count', ns)).toBe(3);
      expect(value(body, 'ctrscope_container_start_seconds_sum', ns)).toBeCloseTo(starts.reduce((a, s) => a + s.totalSeconds, 0), 9);
      // Cumulative buckets: le="0.3" holds the starts of at most 0.3 s.
      expect(value(body, 'ctrscope_container_start_seconds_bucket', { ...ns, le: '0.3' })).toBe(starts.filter((s) => s.totalSeconds <= 0.3).length);
      expect(value(body, 'ctrscope_container_start_seconds_bucket', { ...ns, le: '+Inf' })).toBe(3);
      for (const p of PHASES) {
        const l = { ...ns, phase: phaseLabel(p) };
        expect(value(body, 'ctrscope_container_start_phase_seconds_count', l), p).toBe(3);
        expect(value(body, 'ctrscope_container_start_phase_seconds_sum', l), p).toBeCloseTo(starts.reduce((a, s) => a + s.phases[p]!, 0), 9);
      }
      // OpenMetrics names counters without _total in the family and with it on the sample.
      expect(value(body, 'ctrscope_otlp_spans_exported_total', {})).toBe(14);
      expect(value(body, 'ctrscope_otlp_spans_dropped_total', {})).toBe(7);
    }
    expect(START_BUCKETS.every((b, i) => i === 0 || b > START_BUCKETS[i - 1]!)).toBe(true);
  });

  it('namespaces past the first ten seen are namespace="other": the series stay bounded', async () => {
    const feed = new StartFeed();
    const expo = exposition(state(feed), 0);
    const one = starts[0]!;
    for (let i = 0; i < MAX_NAMESPACES + 5; i++) feed.publish({ ...one, namespace: `ns-${i}` });
    const { body } = await expo.render(undefined);
    const series = body.split('\n').filter((l) => l.startsWith('ctrscope_container_start_seconds_count'));
    expect(series).toHaveLength(MAX_NAMESPACES + 1);
    expect(value(body, 'ctrscope_container_start_seconds_count', { namespace: 'other' })).toBe(5);
    expect(value(body, 'ctrscope_container_start_seconds_count', { namespace: 'ns-0' })).toBe(1);
  });
});
