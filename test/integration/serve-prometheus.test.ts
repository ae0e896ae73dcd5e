/**
 * `ctrscope serve` scraped by a real Prometheus (1 s interval, its own config and data dir) while
 * scripts/load.sh starts containers: the syscall rate Prometheus computes from
 * ctrscope_syscalls_total agrees with a one-shot --probe syscall-count over the same seconds, and
 * histogram_quantile over ctrscope_vfs_latency_seconds agrees with a one-shot vfs-latency's p99
 * bucket taken over the same seconds. Then SIGTERM: exit 0, no tracer left.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { missing } from '../helpers/prereq.js';
import { startCli, tracersOf } from '../helpers/cli.js';
import { relDiff, underLoad } from '../helpers/probe-run.js';
import { watchAttachWindow } from '../helpers/attach.js';
import { startPrometheus, type TestPrometheus } from '../helpers/prometheus.js';
import { startServe } from '../helpers/serve.js';

const skip = missing('root', 'bpftrace', 'containerd', 'tracefs', 'image', 'prometheus');

/** The bucket [low, high] ns of a one-shot histogram that holds its p99, and its log2 index. */
function p99Bucket(buckets: Array<{ low: number; high: number; count: number }>) {
  const total = buckets.reduce((a, b) => a + b.count, 0);
  let acc = 0;
  for (const b of buckets) {
    acc += b.count;
    if (acc >= 0.99 * total) return { ...b, total };
  }
  throw new Error('empty histogram');
}
const log2Of = (ns: number) => (ns < 1 ? 0 : Math.floor(Math.log2(ns)) + 1);

describe.skipIf(skip)('ctrscope serve scraped by a real Prometheus, under a container-start loop', () => {
  underLoad();
  let serve: Awaited<ReturnType<typeof startServe>>;
  let prom: TestPrometheus;
  beforeAll(async () => {
    serve = await startServe();
    prom = await startPrometheus(`127.0.0.1:${serve.port}`);
  }, 60_000);
  afterAll(async () => {
    await prom?.stop();
    if (serve && serve.child.exitCode === null) serve.child.kill('SIGKILL');
  });

  it('rate(ctrscope_syscalls_total) and the VFS p99 agree with one-shot probes over the same seconds', async () => {
    // Prometheus has scraped a few times and serve has read a few prints.
    const deadline = Date.now() + 30_000;
    while ((await prom.query('ctrscope_kernel_prints_total')).every((s) => Number(s.value[1]) < 2)) {
      expect(Date.now(), 'serve read two prints and Prometheus scraped them').toBeLessThan(deadline);
      await new Promise((r) => setTimeout(r, 500));
    }
    const count = startCli(['--probe', 'syscall-count', '--duration', '20s', '--json']);
    const vfs = startCli(['--probe', 'vfs-latency', '--duration', '20s', '--json']);
    // From its first probe attached to its last let go, as the kernel shows its fds (a look at
    // the fds while bpftrace is still loading can see "attached" and then "not" a moment later).
    const attach = watchAttachWindow(count.child.pid!);
    const [res, vres] = await Promise.all([count.done, vfs.done]);
    const [attachedAt, detachedAt] = (await attach).outer;
    expect(res.code, res.stderr).toBe(0);
    expect(vres.code, vres.stderr).toBe(0);
    const report = JSON.parse(res.stdout);
    const vreport = JSON.parse(vres.stdout);
    const seconds = (detachedAt - attachedAt) / 1000;
    expect(seconds).toBeGreaterThan(15);
    // serve's counters grow once per print (every 2 s, covering the 2 s before it) and are
    // scraped every second: the same seconds end about 1.5 s later in Prometheus.
    await new Promise((r) => setTimeout(r, 5000));
    const end = (detachedAt + 1500) / 1000;
    const window = `${Math.round(seconds)}s`;

    const one = report.processes.filter((p: { role: string }) => p.role === 'containerd').reduce((a: number, p: { calls: number }) => a + p.calls, 0) / seconds;
    const got = await prom.query(`sum(rate(ctrscope_syscalls_total{role="containerd"}[${window}]))`, end);
    expect(got).toHaveLength(1);
    const rate = Number(got[0]!.value[1]);
    expect(one).toBeGreaterThan(50);
    expect(relDiff(rate, one), `Prometheus ${rate.toFixed(1)}/s, one-shot ${one.toFixed(1)}/s`).toBeLessThan(0.3);
    // The shims under load: their series are there too, and errors never exceed calls.
    const shims = Number((await prom.query(`sum(rate(ctrscope_syscalls_total{role="shim"}[${window}]))`, end))[0]?.value[1] ?? 0);
    expect(shims).toBeGreaterThan(0);
    const errs = Number((await prom.query(`sum(rate(ctrscope_syscall_errors_total[${window}]))`, end))[0]?.value[1]);
    expect(errs).toBeLessThan(Number((await prom.query(`sum(rate(ctrscope_syscalls_total[${window}]))`, end))[0]?.value[1]));

    // VFS read p99: Prometheus' interpolation lands in the one-shot's p99 bucket or a neighbour.
    const q = await prom.query(`histogram_quantile(0.99, sum by (le) (rate(ctrscope_vfs_latency_seconds_bucket{op="read"}[${window}])))`, end);
    expect(q).toHaveLength(1);
    const p99ns = Number(q[0]!.value[1]) * 1e9;
    expect(Number.isFinite(p99ns)).toBe(true);
    const b = p99Bucket(vreport.histograms.read);
    expect(b.total).toBeGreaterThan(100);
    expect(Math.abs(log2Of(Math.ceil(p99ns)) - log2Of(b.high)), `Prometheus p99 ${p99ns.toFixed(0)} ns, one-shot p99 bucket [${b.low}, ${b.high}] ns`).toBeLessThanOrEqual(1);
    console.info(`serve vs one-shot over ${seconds.toFixed(1)} s: containerd ${rate.toFixed(1)} vs ${one.toFixed(1)} syscalls/s; read p99 ${p99ns.toFixed(0)} ns vs bucket [${b.low}, ${b.high}] ns`);
    // _count and the +Inf bucket are the same series of observations.
    // One query, so both are read at one evaluation time (two could fall either side of a scrape).
    const both = await prom.query('ctrscope_vfs_latency_seconds_bucket{op="read",le="+Inf"} - ignoring(le) ctrscope_vfs_latency_seconds_count{op="read"}');
    expect(both).toHaveLength(1);
    expect(Number(both[0]!.value[1])).toBe(0);
    // Prometheus took every scrape.
    expect((await prom.query('up{job="ctrscope"}'))[0]?.value[1]).toBe('1');
  }, 120_000);

  it('every query of the Grafana dashboard (scripts/deploy/) is valid PromQL, and the main panels have data', async () => {
    const dash = JSON.parse(readFileSync(new URL('../../scripts/deploy/grafana-ctrscope.json', import.meta.url), 'utf8'));
    const exprs: Array<{ title: string; expr: string }> = dash.panels.flatMap((p: any) => p.targets.map((t: any) => ({ title: p.title, expr: t.expr })));
    expect(exprs.length).toBeGreaterThan(10);
    const withData = new Set<string>();
    for (const { title, expr } of exprs) {
      const q = expr.replaceAll('$instance', '.*').replaceAll('$role', '.*').replaceAll('$__rate_interval', '10s');
      const r = await prom.query(q);
      if (r.length > 0) withData.add(title);
    }
    for (const t of ['Syscalls per second by role', 'Busiest syscalls', 'VFS read/write latency p50 / p99', "ctrscope's own CPU (itself and its tracers)", 'Probes: backend and attach point', 'Runtime CPU per container (shim + runc), top 10']) expect(withData, t).toContain(t);
  }, 60_000);

  it('SIGTERM stops every tracer and exits 0', async () => {
    const tracers = tracersOf(serve.child.pid!);
    expect(tracers.length).toBeGreaterThan(0);
    serve.child.kill('SIGTERM');
    const r = await serve.done;
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).not.toMatch(/internal error/);
    expect(tracersOf(r.pid)).toEqual([]);
  }, 30_000);
});
