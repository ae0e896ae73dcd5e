/** Recordings: written safely, read back whole, and a crash-cut last line does not stop a replay. */
import { mkdtempSync, readFileSync, symlinkSync, writeFileSync, appendFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CtrscopeError } from '../../../src/errors.js';
import { Recorder } from '../../../src/session/record.js';
import { readRecording } from '../../../src/session/replay.js';
import { LIVE_FIXTURE } from '../../helpers/live-fixture.js';

const tmp = () => mkdtempSync(join(tmpdir(), 'ctrscope-rec-'));

describe('recordings', () => {
  it('round-trips entries through DIR/session.ndjson', () => {
    const dir = join(tmp(), 'new-dir');
    const r = new Recorder(dir);
    const meta = { t: 0, type: 'meta' as const, format: 1, ctrscope: 'x', arch: 'x64', startedAt: 'now', containerdVersion: null, sources: [] };
    r.write(meta);
    r.write({ t: 5, type: 'stdout', source: 'syscalls', chunk: 'half a li' });
    r.write({ t: 6, type: 'stdout', source: 'syscalls', chunk: 'ne\n' });
    r.close();
    const rec = readRecording(dir);
    expect(rec.meta).toEqual(meta);
    expect(rec.entries.map((e) => e.t)).toEqual([5, 6]);
    expect(rec.durationMs).toBe(6);
  });

  it('refuses to replace a recording or to write through a link', () => {
    const dir = tmp();
    new Recorder(dir).close();
    expect(() => new Recorder(dir)).toThrow(CtrscopeError);
    const other = tmp();
    writeFileSync(join(other, 'target'), '');
    const linked = join(tmp(), 'd');
    mkdirSync(linked);
    symlinkSync(join(other, 'target'), join(linked, 'session.ndjson'));
    expect(() => new Recorder(linked)).toThrow(/symbolic link/);
  });

  it('plays what precedes a cut last line and counts the cut (hand-made cut of the real fixture)', () => {
    const dir = tmp();
    const text = readFileSync(join(LIVE_FIXTURE, 'session.ndjson'), 'utf8');
    writeFileSync(join(dir, 'session.ndjson'), text);
    appendFileSync(join(dir, 'session.ndjson'), '{"t": 99999, "type": "stdo');
    const whole = readRecording(LIVE_FIXTURE);
    const cut = readRecording(dir);
    expect(cut.badLines).toBe(1);
    expect(cut.entries.length).toBe(whole.entries.length);
  });

  it('says what is wrong with a directory that holds no recording', () => {
    expect(() => readRecording(join(tmp(), 'nothing'))).toThrow(/no such recording/);
    const dir = tmp();
    writeFileSync(join(dir, 'session.ndjson'), '{"t":1,"type":"stdout","source":"x","chunk":""}\n');
    expect(() => readRecording(dir)).toThrow(/not a ctrscope recording/);
  });
});
