/**
 * `ctrscope collapse` as a person runs it: the built CLI (test/global-setup.ts builds dist/) on a
 * file and on stdin, its bytes compared with what stackcollapse-perf.pl printed; and its errors.
 */
import { spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CLI, REPO } from '../helpers/cli.js';

const FIXTURE = join(REPO, 'fixtures/perf-script/containerd-cpu.perf-script.txt');
const expected = (option: string) => readFileSync(join(REPO, `fixtures/perf-script/containerd-cpu-collapsed-${option}.txt`));

interface Run {
  code: number | null;
  stdout: Buffer;
  stderr: string;
}

/** Runs the CLI with raw bytes on stdin (or none) and keeps stdout as bytes. */
function run(args: string[], stdin?: Buffer, opts: { uid?: number; gid?: number } = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { stdio: ['pipe', 'pipe', 'pipe'], ...opts });
    const out: Buffer[] = [];
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => out.push(c));
    child.stderr.on('data', (c: Buffer) => (stderr += c));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout: Buffer.concat(out), stderr }));
    child.stdin.end(stdin);
  });
}

const tmp = mkdtempSync(join(tmpdir(), 'ctrscope-collapse-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('ctrscope collapse', () => {
  it('folds a file: the bytes stackcollapse-perf.pl printed', async () => {
    const r = await run(['collapse', FIXTURE]);
    expect(r.stderr).toBe('');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.equals(expected('default'))).toBe(true);
  });

  it('folds stdin, with an option after the command name (--tid, also a root option name)', async () => {
    const r = await run(['collapse', '--tid'], readFileSync(FIXTURE));
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.equals(expected('tid'))).toBe(true);
    const dash = await run(['collapse', '--pid', '-'], readFileSync(FIXTURE));
    expect(dash.stdout.equals(expected('pid'))).toBe(true);
  });

  it('passes bytes through untouched, whatever their encoding', async () => {
    // Hand-written: a Latin-1 "é" (one byte, invalid UTF-8) in a symbol.
    const input = Buffer.concat([Buffer.from('app 12 1.0: 1 cpu-clock: \n\t7f caf'), Buffer.from([0xe9]), Buffer.from(' (/x)\n\n')]);
    const r = await run(['collapse'], input);
    expect(r.stdout.equals(Buffer.concat([Buffer.from('app;caf'), Buffer.from([0xe9]), Buffer.from(' 1\n')]))).toBe(true);
  });

  it('says on one line how many lines it skipped', async () => {
    const r = await run(['collapse'], Buffer.from('not perf output\n'));
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.length).toBe(0);
    expect(r.stderr).toBe('ctrscope: collapse: 1 of 1 lines are not perf script output; skipped\n');
  });

  it('a missing file: one line, input exit code', async () => {
    const r = await run(['collapse', join(tmp, 'nope.txt')]);
    expect(r.code).toBe(7);
    expect(r.stderr).toBe(`ctrscope: cannot read ${join(tmp, 'nope.txt')}: no such file (check the path)\n`);
    expect(r.stdout.length).toBe(0);
  });

  it('a directory: one line, input exit code', async () => {
    const r = await run(['collapse', tmp]);
    expect(r.code).toBe(7);
    expect(r.stderr.trim().split('\n')).toEqual([`ctrscope: ${tmp} is a directory (give a file of perf script output, or - for stdin)`]);
  });

  it('a perf.data file: one line saying how to turn it into text', async () => {
    // Hand-written: only the magic bytes perf.data files start with.
    const file = join(tmp, 'perf.data');
    writeFileSync(file, Buffer.concat([Buffer.from('PERFILE2'), Buffer.alloc(100)]));
    const r = await run(['collapse', file]);
    expect(r.code).toBe(7);
    expect(r.stderr).toBe(`ctrscope: ${file} is a perf.data file, not text (perf script -i ${file} | ctrscope collapse -)\n`);
  });

  it('an unreadable file: one line, input exit code', async () => {
    const file = join(tmp, 'secret.txt');
    writeFileSync(file, readFileSync(FIXTURE));
    chmodSync(file, 0o000);
    chmodSync(tmp, 0o755);
    // root reads anything: run the CLI as nobody then.
    const asUser = process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : {};
    const r = await run(['collapse', file], undefined, asUser);
    expect(r.code).toBe(7);
    expect(r.stderr).toBe(`ctrscope: cannot read ${file}: permission denied (run as a user who may read it)\n`);
  });
});
