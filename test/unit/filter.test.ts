import { describe, expect, it } from 'vitest';
import { targetPredicate, withPredicate } from '../../probes/filter.js';

const sel = (o: Partial<{ pids: number[]; comms: string[]; containers: string[] }>) => ({ pids: [], comms: [], containers: [], defaultTargets: false, ...o });

describe('targetPredicate', () => {
  it('default targets: containerd pids and the shim comm, as positional parameters', () => {
    const p = targetPredicate({ ...sel({}), defaultTargets: true }, [3026]);
    expect(p).toEqual({ text: 'pid == $1 || comm == str($2)', args: ['3026', 'containerd-shim'] });
  });
  it('never puts a value into the program text', () => {
    const evil = '"} BEGIN { system("id") } {"';
    const p = targetPredicate(sel({ pids: [42], comms: [evil] }), []);
    expect(p.text).not.toContain('42');
    expect(p.text).not.toContain('system');
    expect(p.args).toEqual(['42', evil]);
  });
  it('matches nothing when there is no target rather than everything', () => {
    expect(targetPredicate(sel({}), []).text).toBe('pid == 0 && pid == 1');
  });
  it('refuses more targets than bpftrace positional parameters we allow', () => {
    expect(() => targetPredicate(sel({ pids: Array.from({ length: 65 }, (_, i) => i + 1) }), [])).toThrow(RangeError);
  });
});

describe('withPredicate', () => {
  it('replaces only the marked line', () => {
    const prog = 'a\n/pid == $1/ // ctrscope:filter\n{ x }';
    expect(withPredicate(prog, { text: 'pid == $1 || pid == $2', args: [] })).toBe('a\n/pid == $1 || pid == $2/ // ctrscope:filter\n{ x }');
  });
  it('fails loudly on a program without the marker', () => {
    expect(() => withPredicate('nothing', { text: 'x', args: [] })).toThrow(/ctrscope:filter/);
  });
});
