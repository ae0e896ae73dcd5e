/**
 * Finds containerd and its runc v2 shims on this host, with the containers each shim serves.
 * A shim's command line carries `-namespace NS -id ID -address SOCK`; the containers it serves
 * are the bundles under containerd's state dir whose init process is the shim's child.
 */
import { SHIM_BIN, SHIM_COMM } from './names.js';
import { existsSync, readdirSync } from 'node:fs';
import { readOrNull } from '../util/read.js';
import { cmdline, comm, listPids, statFields } from './procfs.js';

export type Role = 'containerd' | 'shim' | 'container' | 'other';

/** A process a probe traces. startTime (from /proc/PID/stat) guards against PID reuse. */
export interface Target {
  pid: number;
  comm: string;
  role: Role;
  startTime?: number;
  namespace?: string;
  id?: string;
  /** For a shim: ids of the containers it serves. For a container: its shim's pid. */
  containers?: string[];
  shimPid?: number;
  address?: string;
}

export interface HostTargets {
  containerd: Target[];
  shims: Target[];
  containers: Target[];
}


function flag(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  if (i >= 0) return args[i + 1];
  const eq = args.find((a) => a.startsWith(`${name}=`));
  return eq?.slice(name.length + 1);
}

export const DEFAULT_ADDRESS = '/run/containerd/containerd.sock';

/** The gRPC socket a containerd serves, from its command line (a config file's [grpc] is read by callers that need it). */
export function containerdAddress(args: string[]): string {
  return flag(args, '--address') ?? flag(args, '-a') ?? DEFAULT_ADDRESS;
}

/** The state dir where containerd keeps v2 task bundles (one dir per namespace, then per container). */
export function taskStateDirs(): string[] {
  const dirs = ['/run/containerd/io.containerd.runtime.v2.task'];
  const extra = process.env.CTRSCOPE_CONTAINERD_STATE;
  if (extra) dirs.unshift(`${extra}/io.containerd.runtime.v2.task`);
  return dirs.filter((d) => existsSync(d));
}

/**
 * The command name of every process seen, for discoveries repeated often (the live view's, when
 * the kernel says a target started or exited): only new processes' comm files are read again. A
 * comm changes on exec: forget(pid) a process that exec'd, and scan without the cache now and then.
 */
export class CommCache {
  private readonly comms = new Map<number, string | null>();

  get(pid: number): string | null {
    if (this.comms.has(pid)) return this.comms.get(pid)!;
    const c = comm(pid);
    this.comms.set(pid, c);
    return c;
  }

  forget(pid: number): void {
    this.comms.delete(pid);
  }

  /** Keeps only the pids that still exist. */
  keep(pids: number[]): void {
    const alive = new Set(pids);
    for (const pid of this.comms.keys()) if (!alive.has(pid)) this.comms.delete(pid);
  }
}

export function discover(cache?: CommCache): HostTargets {
  const containerd: Target[] = [];
  const shims: Target[] = [];
  const pids = listPids();
  cache?.keep(pids);
  for (const pid of pids) {
    // A target's comm is read afresh (a shim's fork becomes runc by exec); others come from the cache.
    let c = cache ? cache.get(pid) : comm(pid);
    if (cache && (c === 'containerd' || c === SHIM_COMM)) c = comm(pid);
    if (c !== 'containerd' && c !== SHIM_COMM) continue;
    const args = cmdline(pid);
    if (!args) continue;
    const st = statFields(pid);
    const bin = args[0]?.split('/').pop();
    if (c === 'containerd' && bin === 'containerd') {
      containerd.push({ pid, comm: c, role: 'containerd', startTime: st?.startTime, address: containerdAddress(args) });
    } else if (bin === SHIM_BIN) {
      shims.push({ pid, comm: c, role: 'shim', startTime: st?.startTime, namespace: flag(args, '-namespace'), id: flag(args, '-id'), address: flag(args, '-address'), containers: [] });
    }
  }
  const containers: Target[] = [];
  const byPid = new Map(shims.map((s) => [s.pid, s]));
  for (const base of taskStateDirs()) {
    for (const ns of safeReaddir(base)) {
      for (const id of safeReaddir(`${base}/${ns}`)) {
        const initPid = Number(safeRead(`${base}/${ns}/${id}/init.pid`));
        if (!initPid) continue;
        const st = statFields(initPid);
        if (!st) continue;
        const shim = byPid.get(st.ppid);
        shim?.containers?.push(id);
        containers.push({ pid: initPid, comm: comm(initPid) ?? '?', role: 'container', startTime: st.startTime, namespace: ns, id, shimPid: shim?.pid });
      }
    }
  }
  containerd.sort((a, b) => a.pid - b.pid);
  shims.sort((a, b) => a.pid - b.pid);
  return { containerd, shims, containers };
}

function safeReaddir(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}
const safeRead = (file: string): string => (readOrNull(file) ?? '').trim();

/** The role of a pid seen in a trace, from what discovery knows now or from its comm. */
export function roleOf(pid: number, commName: string, host: HostTargets): Role {
  if (host.containerd.some((t) => t.pid === pid)) return 'containerd';
  if (host.shims.some((t) => t.pid === pid)) return 'shim';
  if (host.containers.some((t) => t.pid === pid)) return 'container';
  if (commName === SHIM_COMM) return 'shim';
  if (commName === 'containerd') return 'containerd';
  return 'other';
}
