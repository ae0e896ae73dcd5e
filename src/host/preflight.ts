/** Checks made before a tracer starts: each failure is one line with its fix and its own exit code. */
import { existsSync } from 'node:fs';
import { readOrNull } from '../util/read.js';
import { CtrscopeError } from '../errors.js';
import { mountFs } from '../runner/exec.js';

const PACKAGES: Record<string, string> = { bpftrace: 'bpftrace', perf: 'linux-perf', strace: 'strace', setpriv: 'util-linux', containerd: 'containerd', ctr: 'containerd' };

export function isRoot(): boolean {
  return typeof process.getuid === 'function' && process.getuid() === 0;
}

export function requireRoot(what: string): void {
  if (!isRoot()) throw new CtrscopeError('notRoot', `${what} needs root`, 'run it with sudo');
}

/** The absolute path of an executable on PATH, or null. */
export function which(tool: string): string | null {
  for (const dir of (process.env.PATH ?? '/usr/sbin:/usr/bin:/sbin:/bin').split(':')) {
    if (dir && existsSync(`${dir}/${tool}`)) return `${dir}/${tool}`;
  }
  return null;
}

export function requireTool(tool: string): string {
  const p = which(tool);
  if (!p) throw new CtrscopeError('missingTool', `${tool} is not installed`, `apt-get install ${PACKAGES[tool] ?? tool}`);
  return p;
}

export function mounted(path: string): boolean {
  return (readOrNull('/proc/self/mounts') ?? '').split('\n').some((l) => l.split(' ')[1] === path);
}

/**
 * bpftrace needs tracefs (and debugfs on older kernels). When they are missing and we are root,
 * mount them and say so; otherwise explain how.
 */
export async function ensureTracefs(say: (msg: string) => void): Promise<void> {
  for (const [fs, path] of [
    ['tracefs', '/sys/kernel/tracing'],
    ['debugfs', '/sys/kernel/debug'],
  ] as const) {
    if (mounted(path)) continue;
    if (!isRoot()) throw new CtrscopeError('kernelFeature', `${fs} is not mounted at ${path}`, `as root: mount -t ${fs} nodev ${path}`);
    const ok = await mountFs(fs, path);
    if (!ok) throw new CtrscopeError('kernelFeature', `${fs} is not mounted at ${path} and mounting it failed`, `check that the kernel has CONFIG_${fs === 'tracefs' ? 'TRACING' : 'DEBUG_FS'}`);
    say(`mounted ${fs} at ${path} (bpftrace needs it)`);
  }
}
