/**
 * The journald reader for real: a systemd-journald of the test's own (test/helpers/journald.ts:
 * standalone, in a private mount namespace; systemd is not PID 1 here) receives a private
 * containerd's real log (level=debug, its stdout and stderr into the journal through
 * `systemd-cat -t containerd`) while it starts two containers and fails three (a command that
 * does not exist: real errors). `ctrscope logs --identifier containerd --journal-dir DIR` reads
 * it whole, and the tail the live view and diagnose use follows it (one `journalctl -f` child,
 * ended with the tail); each count is checked against the journal's own messages
 * (`journalctl -D DIR -t containerd -o cat`).
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ContainerdLogParser, type LogRecord } from '../../parsers/containerd-log.js';
import { tailLog, type LogTail } from '../../src/containerd/log-tail.js';
import { REPO, runCli } from '../helpers/cli.js';
import { waitFor } from '../helpers/host.js';
import { PrivateJournald } from '../helpers/journald.js';
import { missing } from '../helpers/prereq.js';
import { PrivateContainerd } from '../helpers/private-containerd.js';

const skip = missing('root', 'containerd', 'journald');
const IMAGE = 'docker.io/library/busybox:latest';
const alive = (pid: number) => spawnSync('kill', ['-0', String(pid)]).status === 0;

describe.skipIf(skip)('logs from a real journald', () => {
  const jd = new PrivateJournald();
  let cd: PrivateContainerd;
  let tail: LogTail;
  let followed = '';
  let tailPid = 0;
  /** The journal's own messages for identifier containerd, from the first the tail could see. */
  let messages: string[] = [];
  /** All of them, with the markers sent before journalctl began to read: what a whole read sees. */
  let whole: string[] = [];
  beforeAll(async () => {
    // The tail's journalctl carries this process as its session: a ctrscope started meanwhile on
    // this host stops tracers whose session is not a ctrscope (src/runner/janitor.ts).
    process.title = `ctrscope-test ${process.title}`.slice(0, 100);
    await jd.start();
    const src = { kind: 'journald' as const, unit: 'containerd', match: 'identifier' as const, directory: jd.journalDir, how: 'test' };
    tail = tailLog(src);
    await tail.take();
    // The one child the tail runs: journalctl -f under the runner's guard.
    await waitFor(() => {
      const r = spawnSync('pgrep', ['-f', `journalctl -t containerd -D ${jd.journalDir}`], { encoding: 'utf8' });
      tailPid = Number(r.stdout.trim().split('\n')[0]) || 0;
      return tailPid > 0;
    }, 10_000, 50);
    // Until journalctl reads (it starts at the journal's end): a marker, sent again until the tail sees it.
    for (let i = 0; i < 50 && !followed.includes('tail ready?'); i++) {
      spawnSync(jd.catArgv('containerd')[0]!, [...jd.catArgv('containerd').slice(1), 'echo', 'ctrscope test: tail ready?']);
      await new Promise((r) => setTimeout(r, 200));
      followed += await tail.take();
    }
    expect(followed).toContain('tail ready?');
    cd = new PrivateContainerd({ logLevel: 'debug', wrap: jd.catArgv('containerd') });
    await cd.start();
    const tar = join(cd.dir, 'image.tar');
    expect(spawnSync('bash', [join(REPO, 'scripts/lib/build-image.sh'), tar, IMAGE], { stdio: 'ignore' }).status).toBe(0);
    expect(spawnSync('ctr', ['--address', cd.address, '-n', 'ctrscope', 'images', 'import', tar], { stdio: 'ignore' }).status).toBe(0);
    for (let i = 1; i <= 2; i++) expect(spawnSync('ctr', ['--address', cd.address, '-n', 'ctrscope', 'run', '--rm', IMAGE, `jd-ok-${i}`, 'echo', 'hi']).status).toBe(0);
    for (let i = 1; i <= 3; i++) expect(spawnSync('ctr', ['--address', cd.address, '-n', 'ctrscope', 'run', '--rm', IMAGE, `jd-bad-${i}`, '/nonexistent']).status).not.toBe(0);
    await cd.stop();
    const journal = () => spawnSync('journalctl', ['-D', jd.journalDir, '-t', 'containerd', '-o', 'cat', '--no-pager'], { encoding: 'utf8' }).stdout.split('\n').filter(Boolean);
    // Until the tail has all the journal holds (it follows with inotify: no fixed wait).
    // A marker sent before journalctl started reading is in the journal, not in what it followed.
    const marker = (l: string) => l.includes('ctrscope test: tail ready?');
    const unseenMarkers = (all: string[]) => {
      let skip = all.filter(marker).length - followed.split('\n').filter(marker).length;
      return all.filter((m) => !(marker(m) && skip-- > 0));
    };
    for (let i = 0; i < 200; i++) {
      followed += await tail.take();
      whole = journal();
      messages = unseenMarkers(whole);
      if (followed.split('\n').filter(Boolean).length >= messages.length && messages.some((m) => /msg="copy shim log"/.test(m))) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    await tail.stop();
  }, 120_000);
  afterAll(async () => {
    await tail?.stop();
    await cd?.dispose();
    await jd.dispose();
  });

  const count = (re: RegExp) => messages.filter((m) => re.test(m)).length;

  it('the tail followed it with one journalctl -f child, gone after stop()', () => {
    expect(tailPid).toBeGreaterThan(0);
    expect(alive(tailPid)).toBe(false);
    const recs: LogRecord[] = [];
    const p = new ContainerdLogParser((r) => recs.push(r));
    for (const l of followed.split('\n').filter(Boolean)) p.line(l);
    expect(p.result()).toMatchObject({ lines: messages.length, unreadLines: messages.filter((m) => !/^time="[^"]*" level=/.test(m)).length });
    expect(recs.length).toBe(messages.filter((m) => /^time="[^"]*" level=/.test(m)).length);
    for (const l of ['error', 'warning', 'info', 'debug']) expect(recs.filter((r) => r.level === l).length, l).toBe(count(new RegExp(`^time="[^"]*" level=${l} `)));
    expect(recs.filter((r) => r.msg === 'copy shim log').length).toBe(3);
  });

  it('ctrscope logs --identifier containerd --journal-dir DIR reads it whole', async () => {
    const r = await runCli(['logs', '--identifier', 'containerd', '--journal-dir', jd.journalDir, '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain(`reading journalctl -t containerd -D ${jd.journalDir}`);
    const j = JSON.parse(r.stdout);
    expect(j.source).toMatchObject({ kind: 'journald', unit: 'containerd', match: 'identifier', directory: jd.journalDir });
    expect(j.lines).toBe(whole.length);
    expect(whole.length).toBeGreaterThanOrEqual(messages.length);
    for (const l of ['error', 'warning', 'info', 'debug']) expect(j.levels[l], l).toBe(count(new RegExp(`^time="[^"]*" level=${l} `)));
    const g = j.groups.find((x: { template: string }) => x.template.startsWith('copy shim log'));
    expect(g).toMatchObject({ level: 'error', count: 3 });
  });

  it('a journal directory that does not exist, or --journal-dir alone, is one line and a usage exit', async () => {
    const a = await runCli(['logs', '--identifier', 'containerd', '--journal-dir', join(jd.dir, 'nope')]);
    expect(a.stderr.trim().split('\n')).toHaveLength(1);
    expect(a.stderr).toMatch(/--journal-dir .*: not a directory/);
    const b = await runCli(['logs', '--journal-dir', jd.journalDir]);
    expect(b.stderr).toMatch(/--journal-dir needs --unit NAME or --identifier NAME/);
    expect(a.code).toBe(b.code);
    expect(a.code).not.toBe(0);
  });
});
