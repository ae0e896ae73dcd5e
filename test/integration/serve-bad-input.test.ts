/**
 * `ctrscope serve` and what people and scrapers get wrong: a bad, busy or privileged --listen is
 * one line and a distinct exit code with no tracer ever started; scrapers that never read their
 * answers do no harm (the tracer keeps printing, nothing is dropped, they are cut off); SIGKILL
 * leaves no tracer behind.
 */
import { spawn, spawnSync } from 'node:child_process';
import { connect, createServer, type Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import { missing } from '../helpers/prereq.js';
import { CLI, runCli, tracersOf } from '../helpers/cli.js';
import { waitFor } from '../helpers/host.js';
import { startServe } from '../helpers/serve.js';
import { ExitCode } from '../../src/errors.js';

const skip = missing('root', 'bpftrace', 'containerd', 'tracefs');

const oneLine = (stderr: string) => stderr.trim().split('\n');

async function scrape(port: number): Promise<string> {
  const r = await fetch(`http://127.0.0.1:${port}/metrics`, { signal: AbortSignal.timeout(3000) });
  expect(r.status).toBe(200);
  return r.text();
}
const valueOf = (text: string, series: string) => Number(new RegExp(`^${series.replace(/[{}"]/g, '\\$&')} (\\S+)$`, 'm').exec(text)?.[1]);

describe.skipIf(skip)('ctrscope serve: bad input', () => {
  it('a bad --listen is one line, exit code usage, before anything starts', async () => {
    for (const bad of ['nonsense', '127.0.0.1:70000', 'example.com:9464']) {
      const r = await runCli(['serve', '--listen', bad]);
      expect(r.code).toBe(ExitCode.usage);
      expect(oneLine(r.stderr), r.stderr).toHaveLength(1);
      expect(r.stderr).toMatch(/^ctrscope: --listen /);
    }
  });

  it('a busy port is one line, exit code usage, and no tracer started', async () => {
    const other = createServer();
    await new Promise<void>((r) => other.listen(0, '127.0.0.1', () => r()));
    const port = (other.address() as { port: number }).port;
    try {
      const r = await runCli(['serve', '--listen', `127.0.0.1:${port}`]);
      expect(r.code).toBe(ExitCode.usage);
      expect(oneLine(r.stderr), r.stderr).toHaveLength(1);
      expect(r.stderr).toMatch(/already in use/);
      expect(r.stderr).not.toMatch(/serving/);
      expect(tracersOf(r.pid)).toEqual([]);
    } finally {
      other.close();
    }
  });

  it('a privileged port without CAP_NET_BIND_SERVICE (still uid 0) is one line', async () => {
    // As in a container that drops the capability: root, but no binding below 1024.
    const child = spawn('setpriv', ['--bounding-set', '-net_bind_service', '--inh-caps', '-net_bind_service', '--', process.execPath, CLI, 'serve', '--listen', '127.0.0.1:81'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    child.stderr.on('data', (c) => (err += c));
    const code = await new Promise<number | null>((r) => child.on('close', (c) => r(c)));
    expect(code).toBe(ExitCode.usage);
    expect(oneLine(err), err).toHaveLength(1);
    expect(err).toMatch(/no permission to listen on port 81.*CAP_NET_BIND_SERVICE/);
  });

  it('scrapers that never read do no harm: the tracer keeps printing, nothing dropped, they are cut off', async () => {
    const serve = await startServe();
    try {
      await waitFor(() => false, 2500);
      const before = valueOf(await scrape(serve.port), 'ctrscope_kernel_prints_total');
      // 20 clients each ask for /metrics 1000 times in one go (far more than the socket buffers
      // hold) and read nothing: serve's writes to them block.
      const request = `GET /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`.repeat(1000);
      const t0 = Date.now();
      const socks: Socket[] = [];
      const closed: Promise<number>[] = [];
      for (let i = 0; i < 20; i++) {
        const s = connect(serve.port, '127.0.0.1');
        s.pause();
        s.on('error', () => undefined);
        s.write(request);
        socks.push(s);
        closed.push(new Promise((r) => s.on('close', () => r(Date.now() - t0))));
      }
      // While they hang, a well-behaved scrape is answered and the tracer's prints go on.
      await waitFor(() => false, 7000);
      const during = await scrape(serve.port);
      expect(valueOf(during, 'ctrscope_kernel_prints_total') - before, 'prints read while the scrapers hung').toBeGreaterThanOrEqual(2);
      expect(valueOf(during, 'ctrscope_dropped_lines_total{source="kernel"}')).toBe(0);
      expect(valueOf(during, 'ctrscope_probe_up{source="kernel"}')).toBe(1);
      // Answers pile up nowhere: serve's memory stays bounded.
      expect(valueOf(during, 'ctrscope_self_resident_memory_bytes{process="ctrscope"}')).toBeLessThan(300 * 2 ** 20);
      // serve cuts them off once their answers have not moved for 10 s: the kernel shows their
      // connections gone on serve's side (a paused socket does not see it itself).
      const ports = new Set(socks.map((s) => String(s.localPort)));
      const open = () => spawnSync('ss', ['-Htn', 'state', 'established', `( sport = :${serve.port} )`], { encoding: 'utf8' }).stdout.split('\n').filter((l) => ports.has(l.trim().split(/\s+/).at(-1)?.split(':').at(-1) ?? '')).length;
      expect(open(), 'the scrapers were connected').toBeGreaterThan(0);
      expect(await waitFor(() => open() === 0, 30_000, 500), 'every non-reading scraper was cut off within 30 s').toBe(true);
      for (const s of socks) s.resume();
      const times = await Promise.race([Promise.all(closed), new Promise<null>((r) => setTimeout(() => r(null), 10_000))]);
      expect(times, 'and each finds its connection closed').not.toBeNull();
      for (const s of socks) s.destroy();
      expect(tracersOf(serve.child.pid!).length).toBeGreaterThan(0);
    } finally {
      serve.child.kill('SIGTERM');
      const r = await serve.done;
      expect(r.code, r.stderr).toBe(0);
      expect(tracersOf(r.pid)).toEqual([]);
    }
  }, 90_000);

  it('only GET /metrics and /healthz are served', async () => {
    const serve = await startServe();
    try {
      const h = await fetch(`http://127.0.0.1:${serve.port}/healthz`);
      expect(h.status).toBe(200);
      expect(await h.text()).toBe('ok\n');
      expect((await fetch(`http://127.0.0.1:${serve.port}/nothing`)).status).toBe(404);
      expect((await fetch(`http://127.0.0.1:${serve.port}/metrics`, { method: 'POST', body: 'x' })).status).toBe(405);
      const om = await fetch(`http://127.0.0.1:${serve.port}/metrics`, { headers: { accept: 'application/openmetrics-text; version=1.0.0' } });
      expect(om.headers.get('content-type')).toMatch(/^application\/openmetrics-text/);
      expect((await om.text()).endsWith('# EOF\n')).toBe(true);
      const text = await fetch(`http://127.0.0.1:${serve.port}/metrics`);
      expect(text.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    } finally {
      serve.child.kill('SIGTERM');
      await serve.done;
    }
  }, 60_000);

  it('SIGKILL leaves no tracer behind', async () => {
    const serve = await startServe();
    const pid = serve.child.pid!;
    expect(await waitFor(() => tracersOf(pid).length > 0, 10_000)).toBe(true);
    serve.child.kill('SIGKILL');
    await serve.done;
    expect(await waitFor(() => tracersOf(pid).length === 0, 5000), `left: ${tracersOf(pid)}`).toBe(true);
  }, 30_000);
});
