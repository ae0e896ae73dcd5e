/**
 * `ctrscope serve --otlp-endpoint` on the real containerd while scripts/load.sh starts containers
 * in namespace ctrscope: /metrics has the container-start histograms, with one observation per
 * start (every start ctrscope saw is also one trace at the loopback OTLP/HTTP receiver, so the
 * two counts agree exactly; other sessions may start containers in the same namespace, so our
 * load's starts are told by their id prefix), and each trace's phase spans are children of its
 * root and tile it. With the receiver down, starts are still counted and the spans are dropped
 * and counted. SIGTERM: exit 0, the OTLP line printed.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { startLoad } from '../helpers/cli.js';
import { attrs, closedPort, OtlpReceiver } from '../helpers/otlp-receiver.js';
import { missing } from '../helpers/prereq.js';
import { startServe } from '../helpers/serve.js';

const skip = missing('root', 'bpftrace', 'containerd', 'tracefs', 'image');
const PHASES = ['container_create', 'task_create', 'shim_start', 'runc_init', 'task_start', 'first_exec'];

let receiver: OtlpReceiver | undefined;
let serve: Awaited<ReturnType<typeof startServe>> | undefined;
afterEach(async () => {
  if (serve && serve.child.exitCode === null) serve.child.kill('SIGKILL');
  serve = undefined;
  await receiver?.stop();
  receiver = undefined;
});

const scrape = async (port: number) => (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
/** The value of one sample line (name with its labels as printed), or undefined. */
const sample = (text: string, series: string): number | undefined => {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Waits until serve's kernel program has printed (attached) and ctr events has had time to subscribe. */
async function ready(port: number): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (!((sample(await scrape(port), 'ctrscope_kernel_prints_total') ?? 0) >= 1)) {
    expect(Date.now(), 'the kernel program printed').toBeLessThan(deadline);
    await sleep(300);
  }
  await sleep(1000);
}

async function runLoad(n: number): Promise<string> {
  const load = startLoad(n);
  await new Promise<void>((res) => load.child.on('close', () => res()));
  return `ctrscope-load-${load.child.pid}-`;
}

describe.skipIf(skip)('serve: container starts as histograms and OTLP traces', () => {
  it('one histogram observation and one trace per start; phases are the root\'s children and tile it', async () => {
    receiver = new OtlpReceiver();
    const url = await receiver.start();
    serve = await startServe(['--otlp-endpoint', url]);
    await ready(serve.port);
    expect(serve.stderr()).toContain(`sending each container start as a trace to ${url}/v1/traces`);
    const prefix = await runLoad(3);
    const roots = () => receiver!.spans().filter((x) => !x.parentSpanId);
    const ours = () => roots().filter((x) => String(attrs(x.attributes)['container.id']).startsWith(prefix));
    for (let i = 0; i < 150 && ours().length < 3; i++) await sleep(100);
    expect(ours()).toHaveLength(3);

    const spans = receiver.spans();
    for (const root of ours()) {
      expect(attrs(root.attributes)['ctrscope.namespace']).toBe('ctrscope');
      const kids = spans.filter((x) => x.parentSpanId === root.spanId);
      expect(kids.map((k) => k.name)).toEqual(PHASES.map((p) => p.replace(/_/g, ' ')));
      for (const k of kids) expect(k.traceId).toBe(root.traceId);
      const ns = (s: { startTimeUnixNano: string; endTimeUnixNano: string }) => BigInt(s.endTimeUnixNano) - BigInt(s.startTimeUnixNano);
      expect(kids.reduce((a, k) => a + ns(k), 0n)).toBe(ns(root));
      expect(kids[0]!.startTimeUnixNano).toBe(root.startTimeUnixNano);
      expect(kids.at(-1)!.endTimeUnixNano).toBe(root.endTimeUnixNano);
    }

    // Every start serve saw went both to the histograms and to the receiver: wait until the
    // exporter has nothing pending, then the counts agree exactly.
    let text = '';
    for (let i = 0; i < 100; i++) {
      text = await scrape(serve.port);
      const sent = sample(text, 'ctrscope_otlp_spans_exported_total') ?? 0;
      if (sent > 0 && sent === receiver.spans().length) break;
      await sleep(200);
    }
    const inNs = roots().filter((x) => attrs(x.attributes)['ctrscope.namespace'] === 'ctrscope').length;
    const count = sample(text, 'ctrscope_container_start_seconds_count{namespace="ctrscope"}');
    expect(count).toBe(inNs);
    expect(count).toBeGreaterThanOrEqual(3);
    expect(sample(text, 'ctrscope_container_start_seconds_bucket{le="+Inf",namespace="ctrscope"}')).toBe(count);
    expect(sample(text, 'ctrscope_container_start_seconds_sum{namespace="ctrscope"}')).toBeGreaterThan(0);
    for (const p of PHASES) {
      expect(sample(text, `ctrscope_container_start_phase_seconds_count{namespace="ctrscope",phase="${p}"}`), p).toBeGreaterThanOrEqual(3);
    }
    expect(text).toContain('# TYPE ctrscope_container_start_seconds histogram');
    expect(sample(text, 'ctrscope_otlp_spans_exported_total')).toBe(receiver.spans().length);
    expect(sample(text, 'ctrscope_otlp_spans_dropped_total')).toBe(0);

    serve.child.kill('SIGTERM');
    const r = await serve.done;
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/OTLP: \d+ trace\(s\), (\d+) of \1 spans sent/);
  }, 120_000);

  it('with the collector down: starts still counted, spans dropped and counted', async () => {
    const url = await closedPort();
    serve = await startServe(['--otlp-endpoint', url]);
    await ready(serve.port);
    await runLoad(2);
    let text = '';
    // The exporter gives up on a batch after its retries within its 5 s timeout.
    for (let i = 0; i < 100; i++) {
      text = await scrape(serve.port);
      if ((sample(text, 'ctrscope_otlp_spans_dropped_total') ?? 0) >= 14) break;
      await sleep(200);
    }
    expect(sample(text, 'ctrscope_container_start_seconds_count{namespace="ctrscope"}')).toBeGreaterThanOrEqual(2);
    expect(sample(text, 'ctrscope_otlp_spans_dropped_total')).toBeGreaterThanOrEqual(14);
    expect(sample(text, 'ctrscope_otlp_spans_exported_total')).toBe(0);
    // Tracing went on: the kernel program still prints.
    const prints = sample(text, 'ctrscope_kernel_prints_total')!;
    await sleep(2500);
    expect(sample(await scrape(serve.port), 'ctrscope_kernel_prints_total')).toBeGreaterThan(prints);
    serve.child.kill('SIGTERM');
    const r = await serve.done;
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/OTLP: .* dropped/);
  }, 120_000);
});
