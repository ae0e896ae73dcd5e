/**
 * `--probe container-start --otlp-endpoint` on the real containerd: the starts ctrscope makes
 * arrive at a loopback OTLP/HTTP receiver as one trace each whose phase spans add up to the root
 * and to the total the same run's --json report gives; with the receiver down the run still
 * reports every start and says how many spans it dropped.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { runCli, startCli, startLoad } from '../helpers/cli.js';
import { attrs, closedPort, OtlpReceiver } from '../helpers/otlp-receiver.js';
import { missing } from '../helpers/prereq.js';

const skip = missing('root', 'containerd', 'image', 'bpftrace', 'tracefs');
let receiver: OtlpReceiver | undefined;
afterEach(async () => {
  await receiver?.stop();
  receiver = undefined;
});

interface Start {
  id: string;
  namespace: string;
  totalSeconds: number;
  phases: Record<string, number | null>;
}

describe.skipIf(skip)('container starts as OTLP traces', () => {
  it('each start is one trace: root = the reported total, its phases tile it', async () => {
    receiver = new OtlpReceiver();
    const url = await receiver.start();
    const r = await runCli(['--probe', 'container-start', '--count', '3', '--json', '--otlp-endpoint', url], { env: { OTEL_SERVICE_NAME: 'ctrscope-it', OTEL_RESOURCE_ATTRIBUTES: 'host.role=ci' } });
    expect(r.code, r.stderr).toBe(0);
    const rep = JSON.parse(r.stdout) as { starts: Start[]; otlp: Record<string, unknown> };
    expect(rep.starts).toHaveLength(3);
    expect(rep.otlp).toMatchObject({ traces: 3, spansQueued: 21, spansSent: 21, spansDropped: 0, endpoint: `${url}/v1/traces` });
    expect(r.stderr).toMatch(/OTLP: 3 trace\(s\), 21 of 21 spans sent/);
    const spans = receiver.spans();
    expect(spans).toHaveLength(21);
    for (const s of rep.starts) {
      const root = spans.find((x) => !x.parentSpanId && attrs(x.attributes)['container.id'] === s.id)!;
      expect(root.resource).toMatchObject({ 'service.name': 'ctrscope-it', 'host.role': 'ci' });
      expect(attrs(root.attributes)).toMatchObject({ 'ctrscope.namespace': 'ctrscope', 'container.image.name': expect.stringContaining('busybox') });
      const rootNs = Number(BigInt(root.endTimeUnixNano) - BigInt(root.startTimeUnixNano));
      // The report rounds to the microsecond.
      expect(Math.abs(rootNs / 1e9 - s.totalSeconds)).toBeLessThan(1e-6);
      const kids = spans.filter((x) => x.parentSpanId === root.spanId);
      expect(kids).toHaveLength(6);
      expect(kids.reduce((a, k) => a + Number(BigInt(k.endTimeUnixNano) - BigInt(k.startTimeUnixNano)), 0)).toBe(rootNs);
      for (const k of kids) {
        expect(k.traceId).toBe(root.traceId);
        expect(Math.abs(Number(BigInt(k.endTimeUnixNano) - BigInt(k.startTimeUnixNano)) / 1e9 - s.phases[k.name]!)).toBeLessThan(1e-6);
        expect(attrs(k.attributes)['process.pid']).toBeGreaterThan(0);
      }
      // Wall clock: within the test's own run.
      expect(Number(BigInt(root.startTimeUnixNano) / 1_000_000n)).toBeGreaterThan(Date.now() - 120_000);
    }
  });

  it('--watch: starts it did not make are sent while it still runs, one trace each', async () => {
    receiver = new OtlpReceiver();
    const url = await receiver.start();
    const run = startCli(['--probe', 'container-start', '--watch', '--duration', '120s', '--json', '--otlp-endpoint', url]);
    await new Promise<void>((res) => {
      let err = '';
      run.child.stderr!.on('data', (c) => {
        err += c;
        if (/following container starts/.test(err)) res();
      });
    });
    const load = startLoad(3);
    await new Promise<void>((res) => load.child.on('close', () => res()));
    const prefix = `ctrscope-load-${load.child.pid}-`;
    const roots = () => receiver!.spans().filter((x) => !x.parentSpanId && String(attrs(x.attributes)['container.id']).startsWith(prefix));
    // Sent on the watch's ticks (once a second, a tick after a start completes), not only at the end.
    for (let i = 0; i < 100 && roots().length < 3; i++) await new Promise((r) => setTimeout(r, 100));
    expect(roots()).toHaveLength(3);
    run.child.kill('SIGINT');
    const r = await run.done;
    expect(r.code, r.stderr).toBe(0);
    const rep = JSON.parse(r.stdout) as { starts: Start[]; otlp: { spansDropped: number } };
    expect(rep.otlp.spansDropped).toBe(0);
    const ours = rep.starts.filter((s) => s.id.startsWith(prefix));
    expect(ours).toHaveLength(3);
    // Sent once each, though the end of the run exports every start again.
    expect(roots()).toHaveLength(3);
    for (const s of ours) {
      const root = roots().find((x) => attrs(x.attributes)['container.id'] === s.id)!;
      expect(Math.abs(Number(BigInt(root.endTimeUnixNano) - BigInt(root.startTimeUnixNano)) / 1e9 - s.totalSeconds)).toBeLessThan(1e-6);
    }
  }, 120_000);

  it('collector down: every start is still reported, the spans are dropped and counted', async () => {
    const url = await closedPort();
    const r = await runCli(['--probe', 'container-start', '--count', '2', '--json', '--otlp-endpoint', url]);
    expect(r.code, r.stderr).toBe(0);
    const rep = JSON.parse(r.stdout) as { starts: Start[]; otlp: Record<string, unknown>; warnings: string[] };
    expect(rep.starts).toHaveLength(2);
    expect(rep.otlp).toMatchObject({ spansQueued: 14, spansSent: 0, spansDropped: 14 });
    expect(rep.warnings.some((w) => /14 OTLP spans dropped/.test(w))).toBe(true);
    expect(r.stderr).toMatch(/14 dropped/);
  }, 60_000);
});
