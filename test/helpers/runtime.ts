/** What the runtime-cost tests read of the runtime's processes themselves. */
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

/** CPU time of every thread of a process so far, ns (/proc/PID/task/TID/schedstat, first field). */
export function schedstatNs(pid: number): number {
  return readdirSync(`/proc/${pid}/task`).reduce((a, tid) => {
    try {
      return a + Number(readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'utf8').split(' ')[0]);
    } catch {
      return a;
    }
  }, 0);
}

/** The pid of the runc v2 shim serving container `id` in namespace `ns`, or null. */
export function shimPidOf(ns: string, id: string): number | null {
  const out = spawnSync('pgrep', ['-f', `containerd-shim-runc-v2 -namespace ${ns} -id ${id} `], { encoding: 'utf8' }).stdout.trim();
  return out ? Number(out.split('\n')[0]) : null;
}
