/**
 * containerd's own signals, read by ctrscope from the real containerd that scripts/setup.sh
 * configures (debug socket and metrics on), under load from scripts/load.sh. Each result is
 * checked against containerd read another way (node:http on the debug socket, the raw counters) or
 * against what the test itself started.
 */
import { execFileSync } from 'node:child_process';
import http from 'node:http';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, startCli, startLoad } from '../helpers/cli.js';
import { missing } from '../helpers/prereq.js';

const skip = missing('root', 'containerd', 'debug-socket', 'image');
const SOCK = '/run/containerd/debug.sock';
const METRICS = 'http://127.0.0.1:1338/v1/metrics';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A plain GET with node:http (not ctrscope's client), over a Unix socket or TCP. */
function get(opts: http.RequestOptions): Promise<string> {
  return new Promise((resolve, reject) => {
    http
      .get(opts, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c) => (body += c));
        res.on('end', () => resolve(body));
      })
      .on('error', reject);
  });
}

/** The goroutine total as the debug socket states it. */
async function directGoroutines(): Promise<number> {
  const out = await get({ socketPath: SOCK, path: '/debug/pprof/goroutine?debug=1' });
  return Number(/^goroutine profile: total (\d+)/.exec(out)![1]);
}

/** A raw counter from the metrics text, found by plain search. */
async function rawCounter(metric: string, service: string, method: string): Promise<number> {
  const u = new URL(METRICS);
  const out = await get({ host: u.hostname, port: u.port, path: u.pathname });
  return out
    .split('\n')
    .filter((l) => l.startsWith(metric + '{') && l.includes(`grpc_service="${service}"`) && l.includes(`grpc_method="${method}"`))
    .reduce((a, l) => a + Number(l.slice(l.lastIndexOf(' ') + 1)), 0);
}

/** Resolves when the child's stderr has printed a line matching re. */
function stderrLine(child: import('node:child_process').ChildProcess, re: RegExp): Promise<void> {
  return new Promise((resolve) => {
    let seen = '';
    child.stderr!.on('data', (c) => {
      seen += c;
      if (re.test(seen)) resolve();
    });
  });
}

const json = (s: string) => JSON.parse(s) as Record<string, any>;

describe.skipIf(skip)("containerd's debug socket and metrics, under load", () => {
  let load: ReturnType<typeof startLoad>;
  let dir: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ctrscope-containerd-'));
    load = startLoad(0);
    await sleep(1000);
  });
  afterAll(async () => {
    await load?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('goroutines: the total lies within what the debug socket reports directly during the run', async () => {
    const run = startCli(['--probe', 'goroutines', '--duration', '2s', '--json']);
    const direct: number[] = [];
    let done = false;
    run.done.then(() => (done = true));
    while (!done) {
      direct.push(await directGoroutines());
      await sleep(100);
    }
    direct.push(await directGoroutines());
    const r = await run.done;
    expect(r.code, r.stderr).toBe(0);
    const rep = json(r.stdout);
    // Each read counts its own handler goroutine, ours and the test's: allow that much.
    expect(rep.goroutines).toBeGreaterThanOrEqual(Math.min(...direct) - 2);
    expect(rep.goroutines).toBeLessThanOrEqual(Math.max(...direct) + 2);
    expect(rep.totals.length).toBeGreaterThanOrEqual(3);
    expect(rep.groups[0].count).toBeGreaterThanOrEqual(rep.groups.at(-1).count);
  });

  it('go-cpu: folded stacks with Go runtime frames, counts adding up to the samples', async () => {
    const out = join(dir, 'containerd.folded');
    const r = await runCli(['--probe', 'go-cpu', '--duration', '3s', '--output', out, '--json']);
    expect(r.code, r.stderr).toBe(0);
    const rep = json(r.stdout);
    const lines = readFileSync(out, 'utf8').trimEnd().split('\n');
    expect(lines.every((l) => /^containerd(;[^;\n]+)+ \d+$/.test(l))).toBe(true);
    expect(lines.reduce((a, l) => a + Number(l.slice(l.lastIndexOf(' ') + 1)), 0)).toBe(rep.samples);
    expect(rep.samples).toBeGreaterThan(0);
    expect(lines.some((l) => /;runtime\./.test(l))).toBe(true);
  });

  it('heap: a saved profile diffs against a later one', async () => {
    const base = join(dir, 'heap.pb.gz');
    const a = await runCli(['--probe', 'heap', '--output', base]);
    expect(a.code, a.stderr).toBe(0);
    expect(a.stdout).toMatch(/top in-use:/);
    const b = await runCli(['--probe', 'heap', '--base', base, '--json']);
    expect(b.code, b.stderr).toBe(0);
    const rep = json(b.stdout);
    expect(rep.inuseBytes).toBeGreaterThan(0);
    expect(rep.base.inuseBytes).toBeGreaterThan(0);
    // Allocation counters only grow: nothing allocated less than in the base (and there is something to check).
    expect(rep.base.allocated.length).toBeGreaterThan(0);
    expect(rep.base.allocated.every((d: { delta: number }) => d.delta >= 0)).toBe(true);
  });

  it('block and mutex: off on a stock containerd, and the message says how to get them', async () => {
    for (const kind of ['block', 'mutex']) {
      const r = await runCli(['--probe', kind]);
      expect(r.code).toBe(6);
      expect(r.stderr).toMatch(kind === 'block' ? /SetBlockProfileRate/ : /SetMutexProfileFraction/);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
    }
  });
});

describe.skipIf(skip)('gRPC calls grow with the containers started', () => {
  it('counts at least the starts the test made, as the raw counters grew', async () => {
    const tasks = 'containerd.services.tasks.v1.Tasks';
    const before = await rawCounter('grpc_server_handled_total', tasks, 'Create');
    // A long run ended by Ctrl-C once the starts are done, however slow the host is today.
    const run = startCli(['--probe', 'grpc-latency', '--duration', '120s', '--json']);
    await stderrLine(run.child, /scraping again/);
    const load = startLoad(5);
    await new Promise<void>((r) => load.child.on('close', () => r()));
    await sleep(300);
    run.child.kill('SIGINT');
    const r = await run.done;
    expect(r.stderr).toMatch(/interrupted/);
    const after = await rawCounter('grpc_server_handled_total', tasks, 'Create');
    expect(r.code, r.stderr).toBe(0);
    const rep = json(r.stdout);
    const m = (name: string) => rep.methods.find((x: { method: string }) => x.method === name);
    const create = m('/containerd.services.tasks.v1.Tasks/Create');
    expect(create.count).toBeGreaterThanOrEqual(5);
    expect(create.count).toBeLessThanOrEqual(after - before);
    expect(m('/containerd.services.tasks.v1.Tasks/Start').count).toBeGreaterThanOrEqual(5);
    expect(m('/containerd.services.containers.v1.Containers/Create').count).toBeGreaterThanOrEqual(5);
    expect(create.p50Seconds).toBeGreaterThan(0);
    expect(create.p99Seconds).toBeGreaterThanOrEqual(create.p50Seconds);
    expect(rep.process.end.rssBytes).toBeGreaterThan(0);
    expect(rep.process.end.threads).toBeGreaterThan(0);
  });
});

describe.skipIf(skip || missing('bpftrace', 'tracefs'))('container-start on the real containerd', () => {
  it('phases add up to each measured total, inside the life of its ctr, and nothing is left behind', async () => {
    const r = await runCli(['--probe', 'container-start', '--count', '3', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const rep = json(r.stdout);
    expect(rep.started).toBe(3);
    expect(rep.incomplete).toEqual([]);
    for (const s of rep.starts) {
      const phases = Object.values(s.phases) as Array<number | null>;
      expect(phases).toHaveLength(6);
      expect(phases.every((p) => p !== null && p >= 0)).toBe(true);
      // Each phase is rounded to the microsecond.
      expect(Math.abs(phases.reduce((a: number, p) => a + p!, 0) - s.totalSeconds)).toBeLessThan(1e-5);
      // From ctr's exec to the container's first exec: within ctr's own lifetime as the runner timed it.
      expect(s.totalSeconds).toBeGreaterThan(0.005);
      expect(s.totalSeconds).toBeLessThan(s.ctrWallSeconds);
    }
    const total = rep.phases.find((p: { phase: string }) => p.phase === 'total');
    expect(total.n).toBe(3);
    const left = execFileSync('ctr', ['-n', 'ctrscope', 'containers', 'ls', '-q'], { encoding: 'utf8' });
    expect(left.split('\n').filter((id) => id.startsWith(`ctrscope-start-${r.pid}-`))).toEqual([]);
  });

  it('--watch follows starts it did not make', async () => {
    const run = startCli(['--probe', 'container-start', '--watch', '--duration', '120s', '--json']);
    await stderrLine(run.child, /following container starts/);
    const load = startLoad(3);
    await new Promise<void>((res) => load.child.on('close', () => res()));
    await sleep(500);
    run.child.kill('SIGINT');
    const r = await run.done;
    expect(r.code, r.stderr).toBe(0);
    const rep = json(r.stdout);
    const ours = rep.starts.filter((s: { id: string }) => s.id.startsWith(`ctrscope-load-${load.child.pid}-`));
    expect(ours).toHaveLength(3);
    for (const s of ours) expect(Math.abs((Object.values(s.phases) as number[]).reduce((a, p) => a + (p ?? 0), 0) - s.totalSeconds)).toBeLessThan(1e-5);
  });
});

describe.skipIf(skip || missing('bpftrace', 'tracefs'))('ctrscope diagnose', () => {
  it('measures every source together and reports each symptom with evidence', async () => {
    const load = startLoad(0);
    try {
      const r = await runCli(['diagnose', '--duration', '4s', '--json']);
      expect(r.code, r.stderr).toBe(0);
      const rep = json(r.stdout);
      expect(rep.sources.debugSocket).toBe(SOCK);
      expect(rep.sources.metricsUrl).toBe(METRICS);
      expect(rep.evidence.unavailable).toEqual([]);
      expect(rep.evidence.series.length).toBeGreaterThanOrEqual(4);
      expect(rep.evidence.cpu.samples).toBeGreaterThan(0);
      // The kernel saw containerd's syscalls: futex waits at least, on a Go program.
      expect(rep.evidence.syscalls.top.some((r: { syscall: string }) => r.syscall === 'futex')).toBe(true);
      const symptoms = rep.findings.map((f: { symptom: string }) => f.symptom);
      for (const s of ['high CPU', 'memory growth', 'goroutine growth', 'rising latency', 'slow syscalls']) expect(symptoms).toContain(s);
      for (const f of rep.findings) expect(f.evidence.length + (f.severity === 'unknown' ? 1 : 0)).toBeGreaterThan(0);
    } finally {
      await load.stop();
    }
  });
});
