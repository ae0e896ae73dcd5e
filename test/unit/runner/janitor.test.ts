/** The janitor: tracers whose ctrscope is gone are orphans; those of a live session are not. */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { findOrphans } from '../../../src/runner/janitor.js';
import { SESSION_ENV } from '../../../src/runner/tracer.js';
import { sleep } from '../../../src/util/sleep.js';

const started: ChildProcess[] = [];
const sleeper = (session: number) => {
  const c = spawn('sleep', ['60'], { env: { ...process.env, [SESSION_ENV]: String(session) }, stdio: 'ignore' });
  started.push(c);
  return c;
};
const orphanPids = () => new Set(findOrphans().map((o) => o.pid));

async function until(check: () => boolean, ms = 10_000): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (check()) return true;
    await sleep(20);
  }
  return check();
}

afterEach(() => {
  for (const c of started.splice(0)) c.kill('SIGKILL');
});

describe('janitor', () => {
  it('a tracer whose session process is gone is an orphan', async () => {
    const dead = spawnSync('true').pid!;
    const c = sleeper(dead);
    expect(await until(() => orphanPids().has(c.pid!))).toBe(true);
    expect(findOrphans().find((o) => o.pid === c.pid)).toMatchObject({ comm: 'sleep', session: dead });
  });

  it("this session's own tracers are not", async () => {
    const c = sleeper(process.pid);
    await until(() => c.pid !== undefined && spawnSync('cat', [`/proc/${c.pid}/environ`]).stdout.includes(SESSION_ENV));
    expect(orphanPids().has(c.pid!)).toBe(false);
  });

  it('a live session that is not the ctrscope CLI (a test runner) keeps its tracers; once it dies they are orphans', async () => {
    // A parent whose command line says nothing of ctrscope starts a tracer under its own session.
    const parent = spawn(process.execPath, ['-e', `
      const { spawn } = require('node:child_process');
      const c = spawn('sleep', ['60'], { env: { ...process.env, ${SESSION_ENV}: String(process.pid) }, stdio: 'ignore' });
      console.log(c.pid);
      setInterval(() => {}, 60_000);`], { stdio: ['ignore', 'pipe', 'ignore'] });
    started.push(parent);
    const child = Number(await new Promise<string>((r) => parent.stdout!.once('data', (d) => r(String(d).trim()))));
    expect(child).toBeGreaterThan(0);
    await sleep(200);
    expect(orphanPids().has(child)).toBe(false);
    parent.kill('SIGKILL');
    // Reparented: its session is gone.
    expect(await until(() => orphanPids().has(child))).toBe(true);
    process.kill(child, 'SIGKILL');
  });
});
