/**
 * What each container costs the runtime: the per-pid counters of runtime-cost.bt charged to
 * (namespace, container id) through the command lines of the shims and runc processes, and the
 * fork chain of runc init. Pure: never throws, never reads /proc (the shims running at the start
 * come in as input).
 *
 *   shim  -> container: its argv carries `-namespace NS -id ID` (the shim a pod's containers
 *            share is charged to its -id, the sandbox)
 *   runc  -> container: `runc --root /run/containerd/runc/NS ... COMMAND [flags] ID`
 *   runc init -> container: a process made by a runc process belongs to the same container
 *            (runc create -> runc:[0:PARENT] -> [1:CHILD] -> [2:INIT], until it execs the workload)
 *
 * For `serve`: runtimeCpuSamples() flattens a RuntimeCost into the
 * {namespace, container, component} rows of ctrscope_runtime_cpu_seconds_total.
 */

export interface RuntimeCostInput {
  /** runtime-cost.bt's maps as printed: keyed by pid (as text). */
  cpuNs: Record<string, number>;
  syscalls: Record<string, number>;
  vfsNs: Record<string, number>;
  vfsCalls: Record<string, number>;
  comm: Record<string, string>;
  /** Its printf lines ("exec ..." in parts, "fork PARENT CHILD"). */
  lines: readonly string[];
  /** nsecs of the last context switch counted (the END print of @since): later execs are dropped. */
  countedUntil?: bigint;
  containerdPids: readonly number[];
  /** Shims running when the run started, from their /proc cmdline. */
  shims: ReadonlyArray<{ pid: number; namespace?: string; id?: string }>;
}

export interface ProcessCost {
  cpuSeconds: number;
  syscalls: number;
  vfsSeconds: number;
  vfsCalls: number;
  processes: number;
}

export interface ContainerCost {
  namespace: string;
  id: string;
  shimCpuSeconds: number;
  runcCpuSeconds: number;
  /** runc invocations seen starting while attached (create, start, delete, kill, state ...). */
  runcCalls: number;
  /** Those by command, plus "init": runc init processes. */
  runcByCommand: Record<string, number>;
  /** Syscalls entered by its shim and runc processes. */
  syscalls: number;
  /** Time in read/write-family calls of its shim and runc processes, seconds. */
  vfsSeconds: number;
  vfsCalls: number;
  shim: ProcessCost;
  runc: ProcessCost;
}

export interface RuntimeCost {
  /** Most CPU (shim + runc) first. */
  containers: ContainerCost[];
  containerd: ProcessCost & { pids: number[] };
  /** Shim and runc processes that could not be tied to a container (started before the run, args unseen). */
  unattributed: { shim: ProcessCost; runc: ProcessCost };
}

const RUNC_VALUE_FLAGS = new Set(['root', 'log', 'log-format', 'criu', 'rootless', 'bundle', 'b', 'pid-file', 'console-socket', 'preserve-fds', 'pidfd-socket', 'process', 'p', 'cwd', 'env', 'e', 'user', 'u', 'cap', 'c', 'apparmor', 'process-label', 'additional-gids', 'g', 'cgroup', 'resources', 'r', 'format', 'image-path', 'work-path', 'parent-path', 'page-server', 'manage-cgroups-mode', 'empty-ns', 'status-fd', 'interval']);

/** A flag's value in a shim's argv (`-id X`, `--id X`, `-id=X`). */
function flagValue(argv: readonly string[], name: string): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!.replace(/^--?/, '');
    if (!argv[i]!.startsWith('-')) continue;
    if (a === name) return argv[i + 1];
    if (a.startsWith(`${name}=`)) return a.slice(name.length + 1);
  }
  return undefined;
}

const base = (p: string) => p.split('/').pop() ?? p;

/** A shim's (namespace, id) from its argv, or null when it is not a runc shim or lacks them. */
export function shimOf(argv: readonly string[]): { namespace: string; id: string } | null {
  if (!argv[0] || !base(argv[0]).startsWith('containerd-shim')) return null;
  const namespace = flagValue(argv, 'namespace');
  const id = flagValue(argv, 'id');
  return namespace && id ? { namespace, id } : null;
}

/** A runc invocation's namespace (the basename of --root), command and container id. */
export function runcOf(argv: readonly string[]): { namespace: string; command: string; id: string | null } | null {
  if (!argv[0] || base(argv[0]) !== 'runc') return null;
  let command: string | null = null;
  let id: string | null = null;
  for (let i = 1; i < argv.length && id === null; i++) {
    const a = argv[i]!;
    if (a.startsWith('-')) {
      const name = a.replace(/^--?/, '');
      if (!name.includes('=') && RUNC_VALUE_FLAGS.has(name)) i++;
      continue;
    }
    if (command === null) command = a;
    else id = a;
  }
  if (command === null) return null;
  const root = flagValue(argv, 'root');
  return { namespace: root ? base(root.replace(/\/+$/, '')) : 'default', command, id };
}

/**
 * Execs by pid from the printf lines: parts joined, cut at the first empty argument. Later execs
 * of a pid win; an exec after `until` (ns) is left out.
 */
export function execsOf(lines: readonly string[], until?: bigint): Map<number, string[]> {
  const parts = new Map<string, { pid: number; at: bigint; args: string[][] }>();
  for (const l of lines) {
    const m = /^exec (\d+) (\d+) (0|4|8|12) (.*)$/s.exec(l.replace(/\n$/, ''));
    if (!m) continue;
    const at = BigInt(m[2]!);
    if (until !== undefined && at > until) continue;
    const key = `${m[1]} ${m[2]}`;
    const e = parts.get(key) ?? { pid: Number(m[1]), at, args: [] };
    // Four arguments, space-separated; missing ones print as empty strings.
    e.args[Number(m[3]) / 4] = m[4]!.split(' ').slice(0, 4);
    parts.set(key, e);
  }
  const out = new Map<number, { at: bigint; argv: string[] }>();
  for (const e of parts.values()) {
    const argv: string[] = [];
    for (let i = 0; i < 4; i++) {
      const group = e.args[i];
      if (!group) break;
      const cut = group.findIndex((a) => a === '');
      argv.push(...(cut < 0 ? group : group.slice(0, cut)));
      if (cut >= 0 || group.length < 4) break;
    }
    const prev = out.get(e.pid);
    if (!prev || prev.at < e.at) out.set(e.pid, { at: e.at, argv });
  }
  return new Map([...out].map(([pid, e]) => [pid, e.argv]));
}

/** "fork PARENT CHILD" lines as child -> parent. */
export function forksOf(lines: readonly string[]): Map<number, number> {
  const out = new Map<number, number>();
  for (const l of lines) {
    const m = /^fork (\d+) (\d+)\s*$/.exec(l);
    if (m) out.set(Number(m[2]), Number(m[1]));
  }
  return out;
}

const zero = (): ProcessCost => ({ cpuSeconds: 0, syscalls: 0, vfsSeconds: 0, vfsCalls: 0, processes: 0 });

type Owner = { namespace: string; id: string; component: 'shim' | 'runc' };

/** Charges every counted pid to containerd, a container's shim or runc, or leaves it unattributed. */
export function chargeRuntimeCost(input: RuntimeCostInput): RuntimeCost {
  const execs = execsOf(input.lines, input.countedUntil);
  const forks = forksOf(input.lines);
  const owners = new Map<number, Owner>();
  const runcCommand = new Map<number, string>();
  for (const s of input.shims) if (s.namespace && s.id) owners.set(s.pid, { namespace: s.namespace, id: s.id, component: 'shim' });
  for (const [pid, argv] of execs) {
    const shim = shimOf(argv);
    if (shim) owners.set(pid, { ...shim, component: 'shim' });
    const runc = runcOf(argv);
    if (runc?.id) {
      owners.set(pid, { namespace: runc.namespace, id: runc.id, component: 'runc' });
      runcCommand.set(pid, runc.command);
    }
  }
  // runc init and its children: the owner of the nearest ancestor with one (forks can come in any order).
  const ownerOf = (pid: number, depth = 0): Owner | undefined => {
    const o = owners.get(pid);
    if (o || depth > 8) return o;
    const parent = forks.get(pid);
    return parent === undefined ? undefined : ownerOf(parent, depth + 1);
  };
  const initRoots = new Set<number>();
  for (const [child, parent] of forks) {
    const o = ownerOf(parent);
    if (!o || owners.has(child)) continue;
    owners.set(child, { ...o, component: 'runc' });
    if (runcCommand.get(parent) === 'create' || runcCommand.get(parent) === 'run') initRoots.add(child);
  }

  const containers = new Map<string, ContainerCost>();
  const containerOf = (o: Owner): ContainerCost => {
    const key = `${o.namespace}\u0000${o.id}`;
    let c = containers.get(key);
    if (!c) {
      c = { namespace: o.namespace, id: o.id, shimCpuSeconds: 0, runcCpuSeconds: 0, runcCalls: 0, runcByCommand: {}, syscalls: 0, vfsSeconds: 0, vfsCalls: 0, shim: zero(), runc: zero() };
      containers.set(key, c);
    }
    return c;
  };
  // Every pid the run knows of: counted, or seen starting (a runc call that ran no slice still counts).
  const pids = new Set<number>([...Object.keys(input.cpuNs), ...Object.keys(input.syscalls), ...Object.keys(input.vfsCalls)].map(Number).filter(Number.isInteger));
  for (const pid of [...runcCommand.keys(), ...initRoots]) pids.add(pid);
  const containerd = { ...zero(), pids: [...input.containerdPids] };
  const unattributed = { shim: zero(), runc: zero() };
  const add = (to: ProcessCost, pid: number) => {
    const k = String(pid);
    to.cpuSeconds += (input.cpuNs[k] ?? 0) / 1e9;
    to.syscalls += input.syscalls[k] ?? 0;
    to.vfsSeconds += (input.vfsNs[k] ?? 0) / 1e9;
    to.vfsCalls += input.vfsCalls[k] ?? 0;
    to.processes++;
  };
  for (const pid of [...pids].sort((a, b) => a - b)) {
    if (input.containerdPids.includes(pid)) {
      add(containerd, pid);
      containerd.processes = input.containerdPids.length;
      continue;
    }
    const o = owners.get(pid);
    if (!o) {
      const c = input.comm[String(pid)] ?? '';
      add(c.startsWith('runc') ? unattributed.runc : unattributed.shim, pid);
      continue;
    }
    const c = containerOf(o);
    add(o.component === 'shim' ? c.shim : c.runc, pid);
    const cmd = runcCommand.get(pid) ?? (initRoots.has(pid) ? 'init' : undefined);
    if (cmd) c.runcByCommand[cmd] = (c.runcByCommand[cmd] ?? 0) + 1;
    if (runcCommand.has(pid)) c.runcCalls++;
  }
  const list = [...containers.values()].map((c) => ({
    ...c,
    shimCpuSeconds: c.shim.cpuSeconds,
    runcCpuSeconds: c.runc.cpuSeconds,
    syscalls: c.shim.syscalls + c.runc.syscalls,
    vfsSeconds: c.shim.vfsSeconds + c.runc.vfsSeconds,
    vfsCalls: c.shim.vfsCalls + c.runc.vfsCalls,
  }));
  list.sort((a, b) => b.shimCpuSeconds + b.runcCpuSeconds - (a.shimCpuSeconds + a.runcCpuSeconds) || a.namespace.localeCompare(b.namespace) || a.id.localeCompare(b.id));
  return { containers: list, containerd, unattributed };
}

/** The rows of ctrscope_runtime_cpu_seconds_total{namespace,container,component}, containerd's with empty labels. */
export function runtimeCpuSamples(cost: RuntimeCost): Array<{ namespace: string; container: string; component: 'shim' | 'runc' | 'containerd'; cpuSeconds: number }> {
  return [
    { namespace: '', container: '', component: 'containerd' as const, cpuSeconds: cost.containerd.cpuSeconds },
    ...cost.containers.flatMap((c) => [
      { namespace: c.namespace, container: c.id, component: 'shim' as const, cpuSeconds: c.shimCpuSeconds },
      { namespace: c.namespace, container: c.id, component: 'runc' as const, cpuSeconds: c.runcCpuSeconds },
    ]),
  ];
}
