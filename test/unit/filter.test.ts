import { describe, expect, it } from 'vitest';
import { targetPredicate, withPredicate } from '../../probes/filter.js';

const sel = (o: Partial<{ pids: number[]; comms: string[]; containers: string[] }>) => ({ pids: [], comms: [], containers: [], defaultTargets: false, ...o });

describe('targetPredicate', () => {
  it('default targets: containerd and shims by comm (a restarted containerd too), as positional parameters', () => {
    const p = targetPredicate({ ...sel({}), defaultTargets: true });
    expect(p).toEqual({ text: 'comm == str($1) || comm == str($2)', args: ['containerd', 'containerd-shim'] });
  });
  it('never puts a value into the program text', () => {
    const evil = '"} BEGIN { system("id") } {"';
    const p = targetPredicate(sel({ pids: [42], comms: [evil] }));
    expect(p.text).not.toContain('42');
    expect(p.text).not.toContain('system');
    expect(p.args).toEqual(['42', evil]);
  });
  it('pid targets are refused in the kernel once they exit, so a reused pid is never traced', () => {
    const p = targetPredicate(sel({ pids: [42, 43] }));
    expect(p.text).toBe('(pid == $1 && @ctrscope_exited[$1] == 0) || (pid == $2 && @ctrscope_exited[$2] == 0)');
    expect(p.exitProbe).toBe('tracepoint:sched:sched_process_exit /tid == pid && (pid == $1 || pid == $2)/ { @ctrscope_exited[pid] = 1; }');
    expect(withPredicate('x\n/pid == $1/ // ctrscope:filter\n{ }', p).split('\n').at(-1)).toBe(p.exitProbe);
    expect(targetPredicate(sel({ comms: ['a'] })).exitProbe).toBeUndefined();
  });
  it('matches nothing when there is no target rather than everything', () => {
    expect(targetPredicate(sel({})).text).toBe('pid == 0 && pid == 1');
  });
  it('refuses more targets than bpftrace positional parameters we allow', () => {
    expect(() => targetPredicate(sel({ pids: Array.from({ length: 65 }, (_, i) => i + 1) }))).toThrow(RangeError);
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
