/** Facts read from the host during tests. */
import { execFileSync, spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

/** Threads of pid whose TracerPid is not 0. */
export function tracedThreadCount(pid: number): number {
  let n = 0;
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    try {
      if (!/^TracerPid:\s*0$/m.test(readFileSync(`/proc/${pid}/task/${tid}/status`, 'utf8'))) n++;
    } catch {
      // thread exited
    }
  }
  return n;
}

/** True while pid runs; a zombie (exited, not yet reaped by its new parent) counts as gone. */
export function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

/** Seconds to run `n` containers one after another from the test image. */
export function timeContainerStarts(n: number, prefix = `ctrscope-test-${process.pid}`): number {
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < n; i++) {
    const r = spawnSync('ctr', ['-n', 'ctrscope', 'run', '--rm', 'docker.io/library/busybox:latest', `${prefix}-${i}`, 'true'], { stdio: 'ignore', timeout: 30_000 });
    if (r.status !== 0) {
      spawnSync('ctr', ['-n', 'ctrscope', 'containers', 'delete', `${prefix}-${i}`], { stdio: 'ignore' });
      throw new Error(`ctr run ${prefix}-${i} failed`);
    }
  }
  return Number(process.hrtime.bigint() - t0) / 1e9;
}

/** Waits until cond() is true or ms pass; returns whether it became true. */
export async function waitFor(cond: () => boolean, ms: number, step = 50): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (cond()) return true;
    await new Promise((r) => setTimeout(r, step));
  }
  return cond();
}

export function pgrepExact(name: string): number[] {
  try {
    return execFileSync('pgrep', ['-x', name], { encoding: 'utf8' }).split('\n').filter(Boolean).map(Number);
  } catch {
    return [];
  }
}
