/**
 * Following containerd's log cheaply (src/containerd/log-tail.ts) on a real capture
 * (fixtures/containerd/containerd-failed-starts.txt): only what was appended, whole lines only
 * however the writes cut them, a backlog that starts at a line, a rotation (rename and recreate)
 * and a truncation, and bad input (a huge line, binary bytes, a truncated JSON line) counted by
 * the parser and skipped, the lines after them still read.
 */
import { appendFileSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ContainerdLogParser, MAX_LINE, type LogRecord } from '../../parsers/containerd-log.js';
import { tailLog } from '../../src/containerd/log-tail.js';

const FIX = new URL('../../fixtures/containerd/containerd-failed-starts.txt', import.meta.url).pathname;
const text = readFileSync(FIX, 'utf8');
const lines = text.split('\n').filter(Boolean);
const tmp = mkdtempSync(join(tmpdir(), 'ctrscope-tail-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const file = (name: string, content: string) => {
  const f = join(tmp, name);
  writeFileSync(f, content);
  return f;
};

describe('tailLog on a file', () => {
  it('hands back only what was appended, in whole lines, however the writes cut them', async () => {
    const f = file('append.log', lines.slice(0, 40).join('\n') + '\n');
    const tail = tailLog({ kind: 'file', paths: [f], how: f });
    expect(await tail.take()).toBe('');
    const rest = lines.slice(40).join('\n') + '\n';
    const cuts = [0, 17, 1000, 1001, 5003, rest.length - 3, rest.length];
    let got = '';
    for (let i = 1; i < cuts.length; i++) {
      appendFileSync(f, rest.slice(cuts[i - 1], cuts[i]));
      const t = await tail.take();
      expect(t === '' || t.endsWith('\n')).toBe(true);
      got += t;
    }
    expect(got).toBe(rest);
    expect(await tail.take()).toBe('');
    await tail.stop();
  });

  it('a backlog starts at a whole line and ends at the end', async () => {
    const f = file('backlog.log', text);
    const tail = tailLog({ kind: 'file', paths: [f], how: f }, { backlogBytes: 3000 });
    const first = await tail.take();
    expect(first.length).toBeLessThanOrEqual(3000);
    expect(first.length).toBeGreaterThan(1000);
    expect(text.endsWith(first)).toBe(true);
    expect(text[text.length - first.length - 1]).toBe('\n');
    await tail.stop();
  });

  it('across a rename-and-recreate rotation and a truncation, each line once', async () => {
    const f = file('rotate.log', lines.slice(0, 10).join('\n') + '\n');
    const tail = tailLog({ kind: 'file', paths: [f], how: f });
    await tail.take();
    let got = '';
    appendFileSync(f, lines.slice(10, 20).join('\n') + '\n');
    got += await tail.take();
    // The old file gets more lines (the last without its newline), then is renamed; a new one appears.
    appendFileSync(f, lines.slice(20, 25).join('\n'));
    renameSync(f, `${f}.1`);
    writeFileSync(f, lines.slice(25, 30).join('\n') + '\n');
    got += await tail.take();
    // copytruncate: the file starts again, shorter.
    writeFileSync(f, lines.slice(30, 33).join('\n') + '\n');
    got += await tail.take();
    expect(got).toBe(lines.slice(10, 33).join('\n') + '\n');
    expect(tail.rotations).toBe(2);
    await tail.stop();
  });

  it('a huge line, binary bytes and a truncated JSON line are counted and skipped; the lines after them are read', async () => {
    const f = file('bad.log', '');
    const tail = tailLog({ kind: 'file', paths: [f], how: f });
    await tail.take();
    const recs: LogRecord[] = [];
    const p = new ContainerdLogParser((r) => recs.push(r));
    const feed = async () => {
      const t = await tail.take();
      for (const l of t.split('\n').slice(0, -1)) p.line(l);
      return t;
    };
    // A 3 MiB line written in pieces: held back, then cut, never kept whole.
    const huge = `time="2026-12-01T13:06:12Z" level=error msg="${'x'.repeat(3 << 20)}"`;
    for (let i = 0; i < huge.length; i += 1 << 20) {
      appendFileSync(f, huge.slice(i, i + (1 << 20)));
      expect((await feed()).length).toBeLessThanOrEqual(MAX_LINE + 2);
    }
    appendFileSync(f, '\n' + lines[0] + '\n');
    await feed();
    appendFileSync(f, Buffer.from([0x00, 0xff, 0xfe, 0x01, 0x0a, 0x80, 0x81, 0x0a]));
    appendFileSync(f, '{"level":"error","msg":"cut by a cr\n' + lines.slice(1, 5).join('\n') + '\n');
    await feed();
    const r = p.result();
    expect(r.unread.huge).toBe(1);
    expect(r.unread.binary).toBe(2);
    expect(r.unread.badJson).toBe(1);
    expect(recs.map((x) => x.raw)).toEqual(lines.slice(0, 5));
    await tail.stop();
  });
});
