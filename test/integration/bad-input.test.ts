/**
 * Hostile and mistaken input through the real CLI: refused before any process starts, one line on
 * stderr, a distinct exit code, never a stack trace; output files never follow links or overwrite.
 */
import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, symlinkSync, writeFileSync, existsSync, readdirSync, lstatSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { missing } from '../helpers/prereq.js';
import { runCli, tracersOf } from '../helpers/cli.js';

const skip = missing('root', 'bpftrace', 'containerd', 'tracefs');

function expectOneLineError(r: { code: number | null; stderr: string; stdout: string }, code: number, pattern: RegExp) {
  expect(r.code).toBe(code);
  const lines = r.stderr.trimEnd().split('\n');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(/^ctrscope: /);
  expect(lines[0]).toMatch(pattern);
  expect(r.stderr).not.toMatch(/\n\s+at /);
  expect(r.stdout).toBe('');
}

describe.skipIf(skip)('bad input is refused before anything starts', () => {
  it.each(['0x10', '-5', '99999999999', '1 } BEGIN { system("id") }', '0', ''])('--pid %j', async (pid) => {
    const r = await runCli(['--probe', 'syscall-count', '--duration', '1s', '--pid', pid]);
    expectOneLineError(r, 2, /--pid/);
    expect(tracersOf(r.pid)).toEqual([]);
  });

  it('--pid of ctrscope itself (its parent shell here) is refused', async () => {
    const r = await runCli(['--probe', 'syscall-count', '--duration', '1s', '--pid', String(process.pid)]);
    expectOneLineError(r, 2, /ctrscope itself or its parent/);
  });

  it('--pid of a process that does not exist', async () => {
    const pidMax = Number(readFileSync('/proc/sys/kernel/pid_max', 'utf8'));
    let free = pidMax - 1;
    while (existsSync(`/proc/${free}`)) free--;
    const r = await runCli(['--probe', 'syscall-count', '--duration', '1s', '--pid', String(free)]);
    expectOneLineError(r, 2, /no such process/);
  });

  it.each(['a"b', 'x\ny', 'with space', 'x'.repeat(16), 'ünï', "';system('id');'"])('--comm %j', async (comm) => {
    const r = await runCli(['--probe', 'syscall-count', '--duration', '1s', '--comm', comm]);
    expectOneLineError(r, 2, /--comm/);
  });

  it.each([['10x'], ['-1s'], ['25h'], ['1e3']])('--duration %j', async (d) => {
    const r = await runCli(['--probe', 'syscall-count', '--duration', d]);
    expectOneLineError(r, 2, /--duration/);
  });

  it('an unknown probe, flag or command', async () => {
    expectOneLineError(await runCli(['--probe', 'nope']), 2, /unknown probe 'nope'/);
    expectOneLineError(await runCli(['--bogus']), 2, /unknown option '--bogus'/);
    expectOneLineError(await runCli(['frobnicate']), 2, /unknown command 'frobnicate'|too many arguments/);
  });
});

describe.skipIf(skip)('--output never follows links, never overwrites without --force', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ctrscope-out-'));
  const victim = join(dir, 'victim.txt');
  writeFileSync(victim, 'precious\n');

  it('refuses a symlink, before tracing', async () => {
    const link = join(dir, 'link.json');
    symlinkSync(victim, link);
    const r = await runCli(['--probe', 'syscall-count', '--duration', '1s', '--json', '--output', link]);
    expectOneLineError(r, 9, /symbolic link/);
    expect(readFileSync(victim, 'utf8')).toBe('precious\n');
    // Even with --force a link is not written through.
    const f = await runCli(['--probe', 'syscall-count', '--duration', '1s', '--json', '--output', link, '--force']);
    expectOneLineError(f, 9, /symbolic link/);
    expect(readFileSync(victim, 'utf8')).toBe('precious\n');
  });

  it('refuses an existing file without --force, replaces it atomically with --force', async () => {
    const r = await runCli(['--probe', 'syscall-count', '--duration', '1s', '--json', '--output', victim]);
    expectOneLineError(r, 9, /already exists.*--force/);
    expect(readFileSync(victim, 'utf8')).toBe('precious\n');
    const target = join(dir, 'result.json');
    writeFileSync(target, 'old\n');
    const f = await runCli(['--probe', 'syscall-count', '--duration', '1s', '--json', '--output', target, '--force']);
    expect(f.code).toBe(0);
    expect(JSON.parse(readFileSync(target, 'utf8')).probe).toBe('syscall-count');
    expect(readdirSync(dir).filter((n) => n.endsWith('.tmp'))).toEqual([]);
  });

  it.each(['a>b.json', 'q"uote.json', "it's.json", 'new\nline.json', '../escape-ctrscope-test.json'])('writes %j literally as a file name, nothing else', async (name) => {
    const sub = mkdtempSync(join(dir, 'n-'));
    const path = join(sub, name);
    const r = await runCli(['--probe', 'syscall-count', '--duration', '1s', '--json', '--output', path]);
    expect(r.code).toBe(0);
    expect(lstatSync(path).isFile()).toBe(true);
    expect(JSON.parse(readFileSync(path, 'utf8')).probe).toBe('syscall-count');
    // No other file appeared (no shell ran the name).
    expect(existsSync(join(sub, 'a'))).toBe(false);
  });

  it('a directory or a missing directory', async () => {
    expectOneLineError(await runCli(['--probe', 'syscall-count', '--duration', '1s', '--output', dir]), 9, /is a directory/);
    const r = await runCli(['--probe', 'syscall-count', '--duration', '1s', '--output', join(dir, 'no/such/dir/x.json')]);
    expectOneLineError(r, 9, /cannot write in/);
  });
});
