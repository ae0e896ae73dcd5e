/**
 * containerd's log on a real capture (fixtures/containerd/containerd-debug.txt: a private
 * containerd at level=debug during three container starts), checked against grep -c of the same
 * file; bad input (huge line, binary file, truncated JSON) and a rotation while following.
 */
import { spawnSync } from 'node:child_process';
import { appendFileSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ContainerdLogParser, parseLogrusText, type LogRecord } from '../../parsers/containerd-log.js';
import { parseChunks } from '../../parsers/lines.js';
import { containerOf, LogAggregator, messageTemplate } from '../../src/aggregate/containerd-logs.js';
import { readLogFile } from '../../src/containerd/log-reader.js';
import { cutRandomly } from '../helpers/chunks.js';

const FIX = new URL('../../fixtures/containerd/containerd-debug.txt', import.meta.url).pathname;
const bytes = readFileSync(FIX);
/** grep -cE (exit 1 is a count of 0). */
const grepC = (re: string, file = FIX) => Number(spawnSync('grep', ['-cE', re, file], { encoding: 'utf8' }).stdout.trim());
const tmp = mkdtempSync(join(tmpdir(), 'ctrscope-logs-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function parseAll(chunks: Iterable<string | Uint8Array>) {
  const recs: LogRecord[] = [];
  const p = new ContainerdLogParser((r) => recs.push(r));
  const res = parseChunks(p, chunks);
  return { recs, res };
}

describe('a real level=debug log', () => {
  const { recs, res } = parseAll([bytes]);
  it('every line is read, and the level counts are grep -c of the same file', () => {
    expect(res.lines).toBe(grepC('.'));
    expect(res.unreadLines).toBe(0);
    const agg = new LogAggregator();
    recs.forEach((r) => agg.add(r));
    const s = agg.result();
    for (const l of ['error', 'warning', 'info', 'debug'] as const) expect(s.levels[l], l).toBe(grepC(`^time="[^"]*" level=${l} `) );
    expect(s.levels.debug).toBeGreaterThan(0);
    expect(s.levels.warning).toBeGreaterThan(0);
  });
  it('values are unquoted as Go quoted them: the cleanup warning holds the shim\'s own log lines', () => {
    const w = recs.find((r) => r.msg.startsWith('cleanup warnings'))!;
    expect(w.msg).toContain('level=info msg="starting signal loop"');
    expect(w.msg).toContain('\n');
    const ts = /^time="([^"]+)"/.exec(w.raw)![1]!;
    expect(new Date(Math.floor(w.timeMs!)).toISOString().slice(0, 23)).toBe(ts.slice(0, 23));
  });
  it('the same records however the bytes are cut', () => {
    expect(parseAll(cutRandomly(bytes, 7, 50))).toEqual({ recs, res });
  });
  it('warnings grouped by template: the three "cleaning up after shim disconnected" are one group', () => {
    const agg = new LogAggregator();
    recs.forEach((r) => agg.add(r));
    const g = agg.result().groups.find((x) => x.template === 'cleaning up after shim disconnected')!;
    expect(g.count).toBe(grepC('level=warning msg="cleaning up after shim disconnected"'));
    expect(g.firstSeen! <= g.lastSeen!).toBe(true);
    expect(agg.result().groups.reduce((a, x) => a + x.count, 0)).toBe(grepC('^time="[^"]*" level=(warning|error) '));
  });
  it('per-container timelines: each of the three starts goes signal loop -> shim disconnected', () => {
    const agg = new LogAggregator();
    recs.forEach((r) => agg.add(r));
    const s = agg.result();
    const step = s.steps.find((x) => x.from === 'starting signal loop' && x.to === 'shim disconnected')!;
    expect(step.n).toBe(3);
    expect(step.p50Ms).toBeGreaterThan(0);
    expect(step.p99Ms).toBeGreaterThanOrEqual(step.p50Ms);
    // From the file itself: the gaps between the two lines of logrec-1.
    const t = (re: RegExp) => Date.parse(/^time="([^"]+)"/.exec(bytes.toString('utf8').split('\n').find((l) => re.test(l))!)![1]!);
    const gap1 = t(/shim disconnected" id=logrec-1$/) - t(/starting signal loop.*logrec-1 /);
    expect(step.maxMs).toBeGreaterThanOrEqual(gap1 - 1);
  });
});

describe('line formats', () => {
  it('JSON lines (--log-format json) and journald records', () => {
    const { recs, res } = parseAll([
      '{"level":"warning","msg":"failed to remove runc container","error":"exit status 255","time":"2026-12-01T10:42:42.305414483Z","id":"c1"}\n',
      JSON.stringify({ MESSAGE: 'time="2026-12-01T10:42:42.294929816Z" level=info msg="shim disconnected" id=logrec-1', __REALTIME_TIMESTAMP: '1795948962295000', _SYSTEMD_UNIT: 'containerd.service' }) + '\n',
      JSON.stringify({ MESSAGE: 'level=info msg="no time in the line"', __REALTIME_TIMESTAMP: '1795948962295000' }) + '\n',
    ]);
    expect(res.unreadLines).toBe(0);
    expect(recs[0]).toMatchObject({ level: 'warning', msg: 'failed to remove runc container', fields: { error: 'exit status 255', id: 'c1' } });
    expect(recs[1]).toMatchObject({ level: 'info', msg: 'shim disconnected', fields: { id: 'logrec-1' } });
    expect(recs[2]!.timeMs).toBe(1795948962295);
  });
  it('bad input is counted and skipped: a huge line, a truncated JSON line, a binary file, other text', () => {
    const huge = `time="2026-12-01T10:42:42Z" level=info msg="${'x'.repeat(200_000)}"\n`;
    const binary = readFileSync(process.execPath).subarray(0, 64 * 1024);
    const { recs, res } = parseAll([huge, '{"level":"error","msg":"cut', '\n', 'goroutine 1 [running]:\n', binary, '\ntime="2026-12-01T10:42:42Z" level=error msg="after all that"\n']);
    expect(recs.map((r) => r.msg)).toEqual(['after all that']);
    expect(res.unread.huge).toBe(1);
    expect(res.unread.badJson).toBe(1);
    expect(res.unread.other).toBeGreaterThanOrEqual(1);
    expect(res.unread.binary).toBeGreaterThan(0);
    expect(res.unreadLines).toBe(res.lines - 1);
  });
  it('templates mask ids, numbers, paths', () => {
    expect(messageTemplate('failed to delete /run/containerd/x/abc123 after 3 tries: id 0123456789abcdef0123')).toBe('failed to delete <path> after <n> tries: id <id>');
    expect(messageTemplate('task logrec-7 exited', ['logrec-7'])).toBe('task <id> exited');
    const r = parseLogrusText('time="2026-12-01T10:42:42Z" level=info msg="starting signal loop" namespace=ns1 path=/run/containerd/io.containerd.runtime.v2.task/ns1/c9 pid=1')!;
    expect(containerOf(r)).toEqual({ namespace: 'ns1', id: 'c9' });
  });
});

describe('reading a file through split2', () => {
  it('the whole file, and a line longer than split2 keeps is counted', async () => {
    const f = join(tmp, 'big.log');
    writeFileSync(f, bytes);
    appendFileSync(f, `level=info msg="${'y'.repeat(5 * 1024 * 1024)}"\n`);
    appendFileSync(f, bytes);
    const lines: string[] = [];
    const st = await readLogFile(f, (l) => lines.push(l), { follow: false });
    expect(st.overflowLines).toBe(1);
    expect(lines.length).toBe(2 * grepC('.'));
  });

  it('--follow reads appended lines and across a rename-and-recreate rotation and a truncation, each line once', async () => {
    const f = join(tmp, 'follow.log');
    const src = bytes.toString('utf8').split('\n').filter(Boolean);
    writeFileSync(f, src.slice(0, 10).join('\n') + '\n');
    const seen: string[] = [];
    const stop = new AbortController();
    let caught!: () => void;
    const caughtUp = new Promise<void>((r) => (caught = r));
    const done = readLogFile(f, (l) => seen.push(l), { follow: true, signal: stop.signal, pollMs: 20, onCaughtUp: () => caught() });
    await caughtUp;
    const until = async (n: number) => {
      for (let i = 0; i < 300 && seen.length < n; i++) await new Promise((r) => setTimeout(r, 10));
    };
    appendFileSync(f, src.slice(10, 20).join('\n') + '\n');
    await until(20);
    // Rotation: the old file gets one more line (cut, without its newline), is renamed, and a new one appears.
    appendFileSync(f, src[20]!);
    renameSync(f, `${f}.1`);
    writeFileSync(f, src.slice(21, 30).join('\n') + '\n');
    await until(30);
    // copytruncate.
    writeFileSync(f, src.slice(30, 35).join('\n') + '\n');
    await until(35);
    stop.abort();
    const st = await done;
    expect(seen).toEqual(src.slice(0, 35));
    expect(st.rotations).toBe(2);
  });
});
