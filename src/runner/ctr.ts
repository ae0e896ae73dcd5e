/**
 * containerd's own client, `ctr`, for the probes that start containers or follow containerd's
 * events. Only containers named with our prefix are ever touched, and each is removed.
 */
import { execa } from 'execa';
import { run } from './exec.js';
import { Tracer } from './tracer.js';

export interface CtrTarget {
  namespace: string;
  /** containerd's gRPC socket; ctr's default when absent. */
  address?: string;
}

const base = (t: CtrTarget) => [...(t.address ? ['--address', t.address] : []), '-n', t.namespace];

export interface CtrRunResult {
  /** The pid of the `ctr` process (it execs as that pid: no shell in between). */
  pid: number;
  code: number;
  /** Monotonic ns (process.hrtime) just before the spawn and when it exited. */
  spawnedNs: bigint;
  exitedNs: bigint;
  stderr: string;
}

/** `ctr run --rm IMAGE ID ARGS...`: a container that runs ARGS and is removed when they exit. */
export async function ctrRun(t: CtrTarget, image: string, id: string, args: string[], timeoutMs = 60_000): Promise<CtrRunResult> {
  const spawnedNs = process.hrtime.bigint();
  const child = execa('ctr', [...base(t), 'run', '--rm', image, id, ...args], { reject: false, timeout: timeoutMs, stdin: 'ignore', cleanup: true });
  const pid = child.pid ?? -1;
  const r = await child;
  return { pid, code: typeof r.exitCode === 'number' ? r.exitCode : 1, spawnedNs, exitedNs: process.hrtime.bigint(), stderr: String(r.stderr ?? '').slice(0, 2000) };
}

/** Whether the image is present in the namespace. */
export async function ctrHasImage(t: CtrTarget, image: string): Promise<boolean> {
  const r = await run(['ctr', ...base(t), 'images', 'ls', '-q']);
  return r.code === 0 && r.stdout.split('\n').includes(image);
}

/** Removes every container (and its task) whose id starts with prefix. Returns the ids removed. */
export async function ctrRemoveAll(t: CtrTarget, prefix: string): Promise<string[]> {
  const ls = await run(['ctr', ...base(t), 'containers', 'ls', '-q']);
  const ids = ls.stdout.split('\n').filter((id) => id.startsWith(prefix));
  for (const id of ids) {
    await run(['ctr', ...base(t), 'tasks', 'kill', '-s', 'KILL', id]);
    await run(['ctr', ...base(t), 'tasks', 'delete', '-f', id]);
    await run(['ctr', ...base(t), 'containers', 'delete', id]);
  }
  return ids;
}

/** `ctr events`: containerd's event stream from every namespace, one event a line, until stopped. */
export function ctrEvents(address?: string): Tracer {
  return new Tracer({ label: 'ctr events', argv: ['ctr', ...(address ? ['--address', address] : []), 'events'], graceMs: 1000 });
}

/** `ctr plugins ls`: the plugins containerd loaded (TYPE ID PLATFORMS STATUS lines). */
export function ctrPlugins(address?: string): ReturnType<typeof run> {
  return run(['ctr', ...(address ? ['--address', address] : []), 'plugins', 'ls']);
}
