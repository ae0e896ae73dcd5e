/**
 * serve's ctrscope_runtime_cpu_seconds_total against independent measures, on the real containerd
 * under scripts/load.sh (namespace ctrscope):
 *   - the load's containers that lived wholly inside a one-shot `--probe runtime-cost` run (its
 *     own bpftrace program: on-CPU time from sched_switch per pid, charged through the runc and
 *     shim command lines it reads at execve): serve's shim + runc CPU for the same containers;
 *   - a busy container's shim, which lives through the test: its counter's growth against the
 *     shim's own threads' CPU in /proc/PID/task/TID/schedstat over the same seconds.
 * Tolerances: the one-shot and serve read the same kernel counter (each thread's
 * se.sum_exec_runtime: the one-shot its growth between switch-outs, serve its final value when
 * the thread is freed), and the containers are taken whole from both, so their sums agree within
 * a few per cent (0.5-1.5% in runs under this load): 6% in all, 10% for each component, what a
 * container at the window's edge can take off. The busy shim's counter moves in
 * /proc's clock ticks (10 ms) polled every 2 s against schedstat read by the test at other
 * instants: 25% over ~10 s of a shim using 5-30% of a core.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PrometheusTextParser } from '../../parsers/prometheus-text.js';
import { missing } from '../helpers/prereq.js';
import { schedstatNs, shimPidOf } from '../helpers/runtime.js';
import { waitFor } from '../helpers/host.js';
import { relDiff, runProbe, underLoad } from '../helpers/probe-run.js';
import { startServe } from '../helpers/serve.js';
import { tracersOf } from '../helpers/cli.js';

const skip = missing('root', 'bpftrace', 'containerd', 'tracefs', 'image');
const NS = 'ctrscope';
const ID = `ctrscope-srv-busy-${process.pid}`;
const dir = mkdtempSync(join(tmpdir(), 'ctrscope-srv-rc-'));
const ctr = (...args: string[]) => spawnSync('ctr', ['-n', NS, ...args], { encoding: 'utf8', timeout: 30_000 });

type Row = { namespace: string; container: string; component: string; value: number };

async function runtimeRows(port: number): Promise<Row[]> {
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  const p = new PrometheusTextParser();
  for (const l of text.split('\n')) p.line(l);
  const s = p.result();
  expect(s.unrecognized).toBe(0);
  return (s.samples.get('ctrscope_runtime_cpu_seconds_total') ?? []).map((x) => ({ namespace: x.labels.namespace!, container: x.labels.container!, component: x.labels.component!, value: x.value }));
}
const cpuOf = (rows: Row[], id: string, component?: string) => rows.filter((r) => r.namespace === NS && r.container === id && (!component || r.component === component)).reduce((a, r) => a + r.value, 0);


describe.skipIf(skip)("serve's ctrscope_runtime_cpu_seconds_total under a container-start loop", () => {
  underLoad();
  let serve: Awaited<ReturnType<typeof startServe>>;
  beforeAll(async () => {
    serve = await startServe();
    // The kernel program attached and printed.
    const end = Date.now() + 30_000;
    while (!/ctrscope_kernel_prints_total [1-9]/.test(await (await fetch(`http://127.0.0.1:${serve.port}/metrics`)).text())) {
      expect(Date.now(), 'serve read a print').toBeLessThan(end);
      await new Promise((r) => setTimeout(r, 500));
    }
  }, 60_000);
  afterAll(async () => {
    if (serve && serve.child.exitCode === null) {
      serve.child.kill('SIGTERM');
      await serve.done;
    }
    ctr('tasks', 'kill', '-s', 'KILL', ID);
    spawnSync('sleep', ['0.5']);
    ctr('tasks', 'delete', '-f', ID);
    ctr('containers', 'delete', ID);
    rmSync(dir, { recursive: true, force: true });
  });

  it('charges the containers of the load what a one-shot --probe runtime-cost charges them', async () => {
    const { report } = await runProbe(['--probe', 'runtime-cost', '--duration', '10s']);
    // serve prints every 2 s: the last exits of the window are in within two prints.
    await new Promise((r) => setTimeout(r, 5000));
    const rows = await runtimeRows(serve.port);
    // Containers whose whole life the one-shot saw: created, started and deleted, runc init once.
    const whole = report.containers.filter((c: any) => c.namespace === NS && c.id.startsWith('ctrscope-load-') && c.runcByCommand.create === 1 && c.runcByCommand.delete >= 1 && c.runcByCommand.init === 1);
    expect(whole.length, 'the one-shot saw whole container lives').toBeGreaterThan(3);
    let one = 0;
    let srv = 0;
    const per: { gap: number; line: string }[] = [];
    for (const c of whole) {
      const s = cpuOf(rows, c.id);
      const o = c.shimCpuSeconds + c.runcCpuSeconds;
      one += o;
      srv += s;
      per.push({ gap: Math.abs(s - o), line: `${c.id}: serve ${(s * 1e3).toFixed(1)} ms (shim ${(cpuOf(rows, c.id, 'shim') * 1e3).toFixed(1)}, runc ${(cpuOf(rows, c.id, 'runc') * 1e3).toFixed(1)}), one-shot ${(o * 1e3).toFixed(1)} ms (shim ${(c.shimCpuSeconds * 1e3).toFixed(1)}, runc ${(c.runcCpuSeconds * 1e3).toFixed(1)})` });
    }
    console.log(`runtime cost, ${whole.length} containers: serve ${(srv * 1e3).toFixed(1)} ms, one-shot ${(one * 1e3).toFixed(1)} ms\nthe widest gaps:\n${per.sort((a, b) => b.gap - a.gap).slice(0, 6).map((p) => p.line).join('\n')}`);
    expect(one).toBeGreaterThan(0.01);
    expect(relDiff(srv, one)).toBeLessThan(0.06);
    // Each part on its own, over the same containers.
    const sum = (k: 'shimCpuSeconds' | 'runcCpuSeconds') => whole.reduce((a: number, c: any) => a + c[k], 0);
    const part = (component: string) => whole.reduce((a: number, c: any) => a + cpuOf(rows, c.id, component), 0);
    expect(relDiff(part('shim'), sum('shimCpuSeconds'))).toBeLessThan(0.1);
    expect(relDiff(part('runc'), sum('runcCpuSeconds'))).toBeLessThan(0.1);
    // containerd's own total is there, and serve's counters are exported for the loop's other containers too.
    expect(rows.find((r) => r.component === 'containerd')!.value).toBeGreaterThan(0);
    expect(rows.filter((r) => r.namespace === NS).length).toBeGreaterThan(whole.length * 2 - 1);
  }, 120_000);

  it("grows a long-lived busy shim's counter as /proc's schedstat of its threads grows", async () => {
    const run = ctr('run', '-d', '--log-uri', `file://${dir}/busy.log`, 'docker.io/library/busybox:latest', ID, 'sh', '-c', 'while :; do echo 0123456789abcdef0123456789abcdef; done');
    expect(run.status, run.stderr).toBe(0);
    expect(await waitFor(() => shimPidOf(NS, ID) !== null, 10_000), 'the busy container has a shim').toBe(true);
    const shim = shimPidOf(NS, ID)!;
    // serve polls /proc every 2 s: let it see the shim first.
    await new Promise((r) => setTimeout(r, 4000));
    const c0 = cpuOf(await runtimeRows(serve.port), ID, 'shim');
    const p0 = schedstatNs(shim) / 1e9;
    await new Promise((r) => setTimeout(r, 10_000));
    const c1 = cpuOf(await runtimeRows(serve.port), ID, 'shim');
    const p1 = schedstatNs(shim) / 1e9;
    console.log(`busy shim: serve +${((c1 - c0) * 1e3).toFixed(0)} ms, /proc schedstat +${((p1 - p0) * 1e3).toFixed(0)} ms`);
    expect(p1 - p0).toBeGreaterThan(0.2);
    expect(c0).toBeGreaterThan(0);
    expect(relDiff(c1 - c0, p1 - p0)).toBeLessThan(0.25);
  }, 60_000);

  it('SIGTERM: exit 0, no tracer left', async () => {
    const pid = serve.child.pid!;
    serve.child.kill('SIGTERM');
    const res = await serve.done;
    expect(res.code, res.stderr).toBe(0);
    expect(tracersOf(pid)).toEqual([]);
  }, 30_000);
});
