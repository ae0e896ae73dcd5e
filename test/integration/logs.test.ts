/**
 * `ctrscope logs` on a real containerd's log: a private containerd (own root, state, address and
 * config, level=debug, stdout/stderr to a file) under three container starts, read with --follow
 * while they happen and whole afterwards, each count checked against grep -c of the same file;
 * and the default source (the host's containerd, which runs without systemd here).
 */
import { spawnSync } from 'node:child_process';
import { readlinkSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO, runCli, startCli } from '../helpers/cli.js';
import { missing } from '../helpers/prereq.js';
import { PrivateContainerd } from '../helpers/private-containerd.js';

const skip = missing('root', 'containerd');
const IMAGE = 'docker.io/library/busybox:latest';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const grepC = (re: string, file: string) => Number(spawnSync('grep', ['-cE', re, file], { encoding: 'utf8' }).stdout.trim());

describe.skipIf(skip)('ctrscope logs on a private containerd at level=debug', () => {
  const cd = new PrivateContainerd({ logLevel: 'debug' });
  let follow: { type: string; level?: string; msg?: string; lines?: number; levels?: Record<string, number> }[] = [];
  beforeAll(async () => {
    await cd.start();
    const tar = join(cd.dir, 'image.tar');
    expect(spawnSync('bash', [join(REPO, 'scripts/lib/build-image.sh'), tar, IMAGE], { stdio: 'ignore' }).status).toBe(0);
    expect(spawnSync('ctr', ['--address', cd.address, '-n', 'ctrscope', 'images', 'import', tar], { stdio: 'ignore' }).status).toBe(0);
    const run = startCli(['logs', '--file', cd.log, '--follow', '--json']);
    await new Promise<void>((res) => {
      let err = '';
      run.child.stderr!.on('data', (c) => {
        err += c;
        if (/following new lines/.test(err)) res();
      });
    });
    for (let i = 1; i <= 3; i++) expect(spawnSync('ctr', ['--address', cd.address, '-n', 'ctrscope', 'run', '--rm', IMAGE, `logs-it-${i}`, 'echo', 'hi']).status).toBe(0);
    // containerd's last lines (stopping) are part of the file the summary must match.
    await cd.stop();
    await sleep(1000);
    run.child.kill('SIGINT');
    const r = await run.done;
    expect(r.code, r.stderr).toBe(0);
    follow = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
  }, 120_000);
  afterAll(() => cd.dispose());

  it('--follow streams the starts\' lines as they come, then a summary that matches grep -c', () => {
    const lines = follow.filter((x) => x.type === 'line');
    expect(lines.filter((x) => x.msg === 'starting signal loop')).toHaveLength(grepC('msg="starting signal loop"', cd.log));
    expect(lines.filter((x) => x.msg === 'starting signal loop')).toHaveLength(3);
    expect(lines.some((x) => x.level === 'debug')).toBe(true);
    const summary = follow.at(-1)!;
    expect(summary.type).toBe('summary');
    expect(summary.lines).toBe(grepC('.', cd.log));
    for (const l of ['error', 'warning', 'info', 'debug']) expect(summary.levels![l], l).toBe(grepC(`^time="[^"]*" level=${l} `, cd.log));
  });

  it('read whole: levels, groups and per-container steps against the file', async () => {
    const r = await runCli(['logs', '--file', cd.log, '--json']);
    expect(r.code, r.stderr).toBe(0);
    const rep = JSON.parse(r.stdout);
    expect(rep.source).toMatchObject({ kind: 'file', paths: [cd.log] });
    expect(rep.lines).toBe(grepC('.', cd.log));
    expect(rep.unreadLines).toBe(0);
    for (const l of ['error', 'warning', 'info', 'debug']) expect(rep.levels[l], l).toBe(grepC(`^time="[^"]*" level=${l} `, cd.log));
    expect(rep.levels.debug).toBeGreaterThan(0);
    expect(rep.groups.reduce((a: number, g: { count: number }) => a + g.count, 0)).toBe(grepC('^time="[^"]*" level=(warning|error|fatal|panic) ', cd.log));
    const shimGone = rep.groups.find((g: { template: string }) => g.template === 'cleaning up after shim disconnected');
    expect(shimGone.count).toBe(3);
    const step = rep.steps.find((s: { from: string; to: string }) => s.from === 'starting signal loop' && s.to === 'shim disconnected');
    expect(step.n).toBe(3);
    expect(step.p50Ms).toBeGreaterThan(0);
    const text = await runCli(['logs', '--file', cd.log]);
    expect(text.stdout).toMatch(new RegExp(`^${rep.lines} lines, 0 unread`, 'm'));
    expect(text.stdout).toMatch(/cleaning up after shim disconnected/);
  });
});

describe.skipIf(skip)('ctrscope logs finds the log of the running containerd', () => {
  it('no systemd here: the file its stdout points at, or a one-line error naming where it goes', async () => {
    const r = await runCli(['logs', '--since', '1m', '--json']);
    const pid = Number(/containerd \(pid (\d+)\)/.exec(r.stderr + r.stdout)?.[1]);
    expect(pid).toBeGreaterThan(0);
    const fd1 = readlinkSync(`/proc/${pid}/fd/1`);
    if (r.code === 0) {
      expect(JSON.parse(r.stdout).source).toMatchObject({ kind: 'file', paths: expect.arrayContaining([fd1]) });
    } else {
      expect(r.stderr).toContain(fd1);
      expect(r.stderr).toMatch(/--file PATH/);
    }
  });
});
