/**
 * containerd's log where the other views read it, on the host's containerd (its log is the file
 * its stdout goes to): three container starts whose command does not exist make it log real
 * errors ("copy shim log") and warnings naming each container. The live view's containerd panel
 * shows them in its log line, the recording keeps the lines and the replay shows the same log
 * line; diagnose cites them as its 'log errors' evidence. Containers live in namespace ctrscope
 * and are removed (ctr run --rm).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, startCli } from '../helpers/cli.js';
import { waitFor } from '../helpers/host.js';
import { missing } from '../helpers/prereq.js';

const IMAGE = 'docker.io/library/busybox:latest';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const failedStarts = (tag: string) => {
  const ids = [1, 2, 3].map((i) => `${tag}-${process.pid}-${i}`);
  for (const id of ids) expect(spawnSync('ctr', ['-n', 'ctrscope', 'run', '--rm', IMAGE, id, '/nonexistent']).status).not.toBe(0);
  return ids;
};
const logLine = (snapshot: string) => snapshot.split('\n').find((l) => l.startsWith('log  err/s'));

describe.skipIf(missing('root', 'containerd', 'image', 'bpftrace', 'tracefs'))("containerd's log in the live view and in diagnose", () => {
  it('the live view shows the errors in its containerd panel; the replay shows the same log line', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'ctrscope-logrec-')), 'session');
    const { child, done } = startCli(['--record', dir]);
    let seen = '';
    child.stdout!.on('data', (c) => (seen += c));
    expect(await waitFor(() => /^log {2}err\/s /m.test(seen), 60_000, 100), seen.slice(-1500)).toBe(true);
    const ids = failedStarts('logs-live');
    // Until a snapshot's log line names the error they made (the source reads the log each second).
    const shown = await waitFor(() => /^log {2}err\/s (?!0 )[\d.]+ .*newest error \d+s ago( \(×\d+\))?: copy shim log/m.test(seen), 20_000, 100);
    expect(shown, seen.slice(-1500)).toBe(true);
    await sleep(1500);
    child.kill('SIGINT');
    const live = await done;
    expect(live.code, live.stderr).toBe(0);
    const lastLive = logLine(live.stdout.slice(live.stdout.lastIndexOf('--- ctrscope live')))!;
    expect(lastLive).toBeDefined();

    const entries = readFileSync(join(dir, 'session.ndjson'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(entries[0].sources.find((s: { id: string }) => s.id === 'containerd-log')).toMatchObject({ state: 'starting', backend: 'log' });
    const text = entries.filter((e) => e.type === 'stdout' && e.source === 'containerd-log').map((e) => e.chunk).join('');
    for (const id of ids) expect(text).toMatch(new RegExp(`level=warning msg="cleaning up after shim disconnected" id=${id} `));
    expect((text.match(/level=error msg="copy shim log"/g) ?? []).length).toBeGreaterThanOrEqual(ids.length);

    const replay = await runCli(['replay', dir, '--speed', '20']);
    expect(replay.code, replay.stderr).toBe(0);
    const lastReplay = logLine(replay.stdout.slice(replay.stdout.lastIndexOf('--- ctrscope replay')))!;
    // The same line but for the age, which depends on when each was drawn.
    const noAge = (l: string) => l.replace(/newest error \d+s ago/, 'newest error Ns ago').replace(/err\/s [\d.]+ {2}warn\/s [\d.]+/, 'rates');
    expect(noAge(lastReplay)).toBe(noAge(lastLive));
    rmSync(join(dir, '..'), { recursive: true, force: true });
  }, 120_000);

  it('diagnose cites the burst of errors the starts made during its run', async () => {
    // Failed starts all along the run (diagnose attaches its kernel view first: its window starts later).
    const { child, done } = startCli(['diagnose', '--duration', '8s', '--json']);
    let ended = false;
    void done.then(() => (ended = true));
    const ids: string[] = [];
    for (let i = 0; !ended && i < 60; i++) {
      ids.push(...failedStarts(`logs-diag-${i}`));
      await sleep(300);
    }
    const r = await done;
    expect(child.pid).toBeGreaterThan(0);
    expect(r.code, r.stderr).toBe(0);
    const j = JSON.parse(r.stdout);
    const f = j.findings.find((x: { symptom: string }) => x.symptom === 'log errors');
    expect(f, JSON.stringify(j.evidence.unavailable)).toBeDefined();
    expect(['problem', 'watch']).toContain(f.severity);
    expect(ids.length).toBeGreaterThan(3);
    expect(j.evidence.logs.errors).toBeGreaterThanOrEqual(3);
    expect(j.evidence.logs.errors).toBeLessThanOrEqual(j.evidence.logs.lines);
    expect(j.evidence.logs.source).toMatch(/writes its stdout\/stderr to \//);
    const m = /^containerd logged (\d+) errors? in (\d+) s \(\d\d:\d\d:\d\d\.\.\d\d:\d\d:\d\d\): .*'copy shim log: read <path>: file already closed' ×(\d+)/.exec(f.evidence[0]);
    expect(m, f.evidence[0]).not.toBeNull();
    expect(Number(m![3])).toBeGreaterThanOrEqual(3);
    expect(Number(m![1])).toBe(j.evidence.logs.burst.errors);
    expect(j.evidence.logs.warnings).toBeGreaterThanOrEqual(3);
  }, 120_000);
});
