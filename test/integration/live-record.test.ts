/**
 * --record DIR saves a live session (stdout not a terminal: plain snapshots), and `replay` plays
 * it back offline through the same view: in plain text, and in a real terminal.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, startCli, tracersOf } from '../helpers/cli.js';
import { LIVE_FIXTURE } from '../helpers/live-fixture.js';
import { containerdPid, missing } from '../helpers/prereq.js';
import { alive, KEYS, PtyApp } from '../helpers/pty.js';
import { timeContainerStarts, waitFor } from '../helpers/host.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe.skipIf(missing('root', 'bpftrace', 'containerd', 'tracefs'))('--record and replay', () => {
  it('records raw tracer output with timing, and replays it to the same panels', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'ctrscope-rec-')), 'session');
    const { child, done } = startCli(['--record', dir]);
    let seen = '';
    child.stdout!.on('data', (c) => (seen += c));
    // Three snapshots, the last with syscall rates (the kernel program has printed): no fixed wait.
    const ready = await waitFor(() => (seen.match(/^--- ctrscope live t=/gm) ?? []).length >= 3 && /errors\/s over [\d.]+ s/.test(seen.slice(seen.lastIndexOf('--- ctrscope live'))), 60_000, 100);
    expect(ready, seen.slice(-2000)).toBe(true);
    // Two containers start while it records, and a print follows: the kernel program sees their
    // execs (@execs), and keeps none for container starts (@ex: no starts are watched here).
    timeContainerStarts(2, `ctrscope-rec-${process.pid}`);
    const printed = seen.length;
    expect(await waitFor(() => /errors\/s over [\d.]+ s/.test(seen.slice(printed)), 20_000, 100)).toBe(true);
    await sleep(2500);
    const tracers = tracersOf(child.pid!);
    expect(tracers.length).toBeGreaterThan(0);
    child.kill('SIGINT');
    const live = await done;
    expect(live.code).toBe(0);
    expect(live.stderr).toBe('');
    for (const pid of tracers) expect(alive(pid)).toBe(false);
    // Plain-text snapshots each second while stdout is not a terminal.
    expect(live.stdout.match(/^--- ctrscope live t=/gm)!.length).toBeGreaterThanOrEqual(3);

    const lines = readFileSync(join(dir, 'session.ndjson'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(lines[0]).toMatchObject({ type: 'meta', format: 1, arch: process.arch });
    const out = lines.filter((e) => e.type === 'stdout' && e.source === 'kernel').map((e) => e.chunk).join('');
    expect(out.split('\n')[0]).toMatch(/^\{"type": "attached_probes"/);
    expect(out.match(/"@execs_[01]": \{[^\n]*/g)?.join('\n') ?? out.slice(-3000)).toMatch(/containerd-shim-runc-v2,/);
    expect(out).not.toContain('"@ex_');
    // A recorded session's stacks are named by bpftrace as it prints (a replay cannot read the
    // processes): containerd's user frames in the recording are names, not raw addresses.
    const stacksOut = lines.filter((e) => e.type === 'stdout' && e.source === 'stacks').map((e) => e.chunk).join('');
    const stackPrints = stacksOut.split('\n').filter((l) => l.startsWith('{"type": "map", "data": {"@stacks"'));
    expect(stackPrints.length, stacksOut.slice(-1500)).toBeGreaterThan(0);
    const keys = stackPrints.flatMap((l) => Object.keys(JSON.parse(l).data['@stacks'] as Record<string, number>));
    const ofContainerd = keys.filter((k) => k.endsWith(`,${containerdPid()},containerd`));
    expect(ofContainerd.length, keys.slice(0, 5).join('\n---\n')).toBeGreaterThan(0);
    // A key is "KSTACK,USTACK,PID,COMM", each stack a frame a line: the user stack follows ",\n".
    const userFrames = ofContainerd.flatMap((k) => (k.split(',\n')[1] ?? '').split('\n').map((f) => f.trim()).filter((f) => f !== '' && !f.startsWith(',')));
    // bpftrace may leave a frame raw (a return address in a library it could not name, or the
    // walk past one): a few, where a session recorded with raw addresses has all of them raw.
    const raw = userFrames.filter((f) => /^0x[0-9a-f]+$/.test(f));
    expect(userFrames.length).toBeGreaterThanOrEqual(10);
    expect(raw.length / userFrames.length, raw.join(' ')).toBeLessThanOrEqual(0.05);
    expect(lines.every((e, i) => i === 0 || e.t >= 0)).toBe(true);

    const replay = await runCli(['replay', dir, '--speed', '20']);
    expect(replay.code).toBe(0);
    const last = replay.stdout.slice(replay.stdout.lastIndexOf('--- ctrscope replay'));
    expect(last).toMatch(/replay ×20 \(ended\)/);
    expect(last).toMatch(new RegExp(`pid ${containerdPid()}`));
    expect(last).toMatch(/^SYSCALL +CALLS\/S/m);
    rmSync(dir, { recursive: true, force: true });
  }, 90_000);
});

describe('replay in a real terminal (recorded fixture, no root needed)', () => {
  it('shows the recorded session in the same panels and quits with q', async () => {
    const a = new PtyApp(['replay', LIVE_FIXTURE, '--speed', '2'], { cols: 140, rows: 40 });
    try {
      const s = await a.waitFor(/replay ×2 \(ended\)/, 20_000);
      for (const t of ['1 syscalls', '3 VFS latency', '4 stacks', '6 targets', '7 containerd']) expect(s).toContain(t);
      expect(s).toMatch(/read +n=\d/);
      expect(s).toMatch(/goroutines \d+/);
      a.press('6');
      a.press(KEYS.enter);
      await a.waitFor(/› pid \d+ \(Esc: back\)/);
      a.press('q');
      expect(await a.exited).toEqual({ exitCode: 0, signal: 0 });
    } finally {
      await a.close();
    }
  }, 60_000);
});
