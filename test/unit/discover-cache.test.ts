/**
 * The live view's discovery with a comm cache (targets/discover.ts CommCache) on this host's real
 * /proc: the same targets as a scan that reads every comm, and a process that exec'd keeps its old
 * comm in the cache until it is forgotten (the kernel program's target-exec line does that).
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CommCache, discover } from '../../src/targets/discover.js';
import { missing } from '../helpers/prereq.js';

const commOf = (pid: number) => readFileSync(`/proc/${pid}/comm`, 'utf8').trim();

describe('CommCache', () => {
  it.skipIf(missing('containerd'))('finds the same containerd as a scan that reads every comm', () => {
    // (Shims may come and go between two scans while containers start: containerd does not.)
    const cache = new CommCache();
    discover(cache);
    const cached = discover(cache).containerd;
    expect(cached.length).toBeGreaterThan(0);
    expect(cached).toEqual(discover().containerd);
  });

  it('keeps a comm until the process is forgotten', async () => {
    const child = spawn('sh', ['-c', 'read x; exec sleep 30'], { stdio: ['pipe', 'ignore', 'ignore'] });
    try {
      const pid = child.pid!;
      const cache = new CommCache();
      expect(cache.get(pid)).toBe('sh');
      child.stdin!.write('go\n');
      const deadline = Date.now() + 5000;
      while (commOf(pid) !== 'sleep' && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
      expect(commOf(pid)).toBe('sleep');
      expect(cache.get(pid)).toBe('sh');
      cache.forget(pid);
      expect(cache.get(pid)).toBe('sleep');
    } finally {
      child.kill('SIGKILL');
    }
  });
});
