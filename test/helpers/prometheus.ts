/**
 * A real Prometheus (Debian's package) for tests: started on 127.0.0.1 with its own config and
 * data dir in a temp dir, scraping one target every second, under a parent-death signal; stop()
 * ends it by pid and removes the dir. query() is the HTTP query API.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A port free right now on 127.0.0.1 (the kernel's pick). */
export async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  const port = (s.address() as { port: number }).port;
  await new Promise((r) => s.close(r));
  return port;
}

export interface PromSeries {
  metric: Record<string, string>;
  value: [number, string];
}

export interface TestPrometheus {
  url: string;
  /** An instant query at `time` (seconds since the epoch); the result vector. */
  query(q: string, time?: number): Promise<PromSeries[]>;
  stop(): Promise<void>;
}

export async function startPrometheus(target: string): Promise<TestPrometheus> {
  const dir = mkdtempSync(join(tmpdir(), 'ctrscope-prom-'));
  const port = await freePort();
  writeFileSync(
    join(dir, 'prometheus.yml'),
    ['global:', '  scrape_interval: 1s', '  scrape_timeout: 1s', 'scrape_configs:', '  - job_name: ctrscope', '    static_configs:', `      - targets: ['${target}']`, ''].join('\n'),
  );
  const child = spawn(
    'setpriv',
    ['--pdeathsig', 'KILL', '--', 'prometheus', `--config.file=${join(dir, 'prometheus.yml')}`, `--storage.tsdb.path=${join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${port}`, '--log.level=warn'],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let err = '';
  child.stderr.on('data', (c) => (err = (err + c).slice(-2000)));
  const exited = new Promise<void>((r) => child.on('close', () => r()));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`prometheus exited: ${err}`);
    try {
      if ((await fetch(`${url}/-/ready`)).ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`prometheus not ready in 30 s: ${err}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    url,
    async query(q, time) {
      const u = new URL(`${url}/api/v1/query`);
      u.searchParams.set('query', q);
      if (time !== undefined) u.searchParams.set('time', String(time));
      const body = (await (await fetch(u)).json()) as { status: string; error?: string; data: { resultType: string; result: PromSeries[] } };
      if (body.status !== 'success') throw new Error(`query ${q}: ${body.error}`);
      return body.data.result;
    },
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

