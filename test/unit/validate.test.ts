import { describe, expect, it } from 'vitest';
import { commSchema, containerIdSchema, durationSchema, parseOption, pidSchema } from '../../src/validate.js';
import { CtrscopeError } from '../../src/errors.js';

describe('durations', () => {
  it.each([
    ['10s', 10],
    ['500ms', 0.5],
    ['2m', 120],
    ['1h', 3600],
    ['3', 3],
    ['1.5s', 1.5],
  ])('%s is %d seconds', (t, s) => expect(parseOption(durationSchema, t, '--duration')).toBe(s));
  it.each(['', '-1s', '10x', '1e3', '50ms', '25h', '10 s', ' 5s'])('refuses %j', (t) => {
    expect(() => parseOption(durationSchema, t, '--duration')).toThrow(CtrscopeError);
  });
});

describe('pids', () => {
  it('accepts a decimal pid', () => expect(parseOption(pidSchema, '1234', '--pid')).toBe(1234));
  it.each(['0x10', '-5', '0', '99999999999', '1 } BEGIN { system("id") }', '12a', '', '010'])('refuses %j with a usage error', (v) => {
    try {
      parseOption(pidSchema, v, '--pid');
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(CtrscopeError);
      expect((e as CtrscopeError).exitCode).toBe(2);
      expect((e as CtrscopeError).line()).toMatch(/^ctrscope: --pid /);
      expect((e as CtrscopeError).line()).not.toContain('\n');
    }
  });
});

it('a pid above pid_max names the limit', () => {
  expect(() => parseOption(pidSchema, '99999999999', '--pid')).toThrow(/at most pid_max/);
  expect(() => parseOption(pidSchema, '9'.repeat(40), '--pid')).toThrow(/at most pid_max/);
});

describe('comms', () => {
  it.each(['containerd', 'containerd-shim', 'runc:[2:INIT]'])('accepts %j', (c) => expect(parseOption(commSchema, c, '--comm')).toBe(c));
  it.each(['a"b', "a'b", 'a\nb', 'a\0b', 'x'.repeat(16), 'café', 'a b', ''])('refuses %j', (c) => {
    expect(() => parseOption(commSchema, c, '--comm')).toThrow(CtrscopeError);
  });
});

describe('container ids', () => {
  it('accepts containerd ids', () => expect(parseOption(containerIdSchema, 'load-1.a_b', '--container')).toBe('load-1.a_b'));
  it.each(['../x', 'a/b', '-x', 'a;b', ''])('refuses %j', (c) => expect(() => parseOption(containerIdSchema, c, '--container')).toThrow(CtrscopeError));
});
