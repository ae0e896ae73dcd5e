/**
 * A container's cgroup: its v2 id (what bpftrace's `cgroup` builtin returns, so a probe follows
 * every process the container starts) and the processes in it (for tracers that take pids).
 *
 *   /proc/PID/cgroup on a hybrid host:   "4:memory:/ctrscope/web1" ... "0::/ctrscope/web1"
 *   /proc/self/mounts:                   "cgroup2 /sys/fs/cgroup/unified cgroup2 rw,... 0 0"
 */
import { statSync } from 'node:fs';
import { readOrNull } from '../util/read.js';
import { readProc } from '../targets/procfs.js';

/** Where the cgroup v2 hierarchy is mounted, or null. */
export function cgroup2Mount(mounts = safeRead('/proc/self/mounts')): string | null {
  for (const line of mounts.split('\n')) {
    const f = line.split(' ');
    if (f[2] === 'cgroup2' && f[1]) return f[1];
  }
  return null;
}

/** The v2 path ("0::/ctrscope/web1") or, with controller, that v1 hierarchy's path. */
export function cgroupPath(cgroupFile: string, controller?: string): string | null {
  for (const line of cgroupFile.split('\n')) {
    const [id, ctrls, ...rest] = line.split(':');
    const path = rest.join(':');
    if (!path) continue;
    if (controller === undefined ? id === '0' && ctrls === '' : ctrls!.split(',').includes(controller)) return path;
  }
  return null;
}

/** The v2 cgroup id of a process's cgroup, or null when it sits at the root (no v2 placement). */
export function cgroupIdOf(pid: number): number | null {
  const file = readProc(pid, 'cgroup');
  const mount = cgroup2Mount();
  if (!file || !mount) return null;
  const path = cgroupPath(file);
  if (!path || path === '/') return null;
  try {
    return statSync(`${mount}${path}`).ino;
  } catch {
    return null;
  }
}

/** The processes in pid's cgroup (v2, else the v1 pids or memory hierarchy); [pid] when unknown. */
export function pidsInCgroupOf(pid: number): number[] {
  const file = readProc(pid, 'cgroup');
  if (!file) return [pid];
  const candidates: string[] = [];
  const mount = cgroup2Mount();
  const v2 = cgroupPath(file);
  if (mount && v2 && v2 !== '/') candidates.push(`${mount}${v2}`);
  for (const c of ['pids', 'memory', 'cpu']) {
    const p = cgroupPath(file, c);
    if (p && p !== '/') candidates.push(`/sys/fs/cgroup/${c}${p}`);
  }
  for (const dir of candidates) {
    const procs = safeRead(`${dir}/cgroup.procs`);
    const pids = procs.split('\n').filter((l) => /^\d+$/.test(l)).map(Number);
    if (pids.length) return pids;
  }
  return [pid];
}

const safeRead = (path: string): string => readOrNull(path) ?? '';
