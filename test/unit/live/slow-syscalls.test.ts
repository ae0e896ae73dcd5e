import { describe, expect, it } from 'vitest';
import { syscallsSource } from '../../../src/session/live-sources/syscalls.js';
import { parseSlowLine } from '../../../src/aggregate/slow-syscalls.js';
import { syscallNamer } from '../../../src/host/syscalls.js';

// Lines as probes/syscall-count.bt prints them under bpftrace -f json (captured on this host).
const SLOW = '{"type": "printf", "data": "slow 3026 263 32836786 containerd\\n"}';

describe('slow syscalls from syscall-count', () => {
  it('reads the printf text', () => {
    expect(parseSlowLine('slow 3026 263 32836786 containerd\n', 5, syscallNamer('x64'))).toEqual({ pid: 3026, comm: 'containerd', syscall: 'unlinkat', seconds: 0.032836786 });
    expect(parseSlowLine('exec x', 5, syscallNamer('x64'))).toBeNull();
  });
  it('turns them into events of the events panel', () => {
    const src = syscallsSource.create({ arch: 'x64' })!;
    src.runStarted?.(0, 0, {});
    src.line('{"type": "attached_probes", "data": {"probes": 4}}', 0, 0);
    src.line(SLOW, 100, 0);
    src.line('{"type": "printf", "data": "slow 11172 1 250000000 containerd-shim\\n"}', 200, 0);
    const events = src.output(300, { containerd: [], shims: [], containers: [] }).events ?? [];
    expect(events.map((e) => [e.kind, e.pid, e.comm])).toEqual([
      ['slow', 3026, 'containerd'],
      ['slow', 11172, 'containerd-shim'],
    ]);
    expect(events[0]!.text).toMatch(/^unlinkat took 32\.8 ?ms$/);
    expect(events[1]!.text).toMatch(/^write took 250(\.0)? ?ms$/);
  });
});
