/**
 * Builds the bpftrace predicate that selects a probe's targets. Only positional references
 * ($1, str($2), ...) enter the program text; the values travel as bpftrace arguments. The text
 * therefore depends on how many targets there are, never on what a person typed.
 */
import type { TargetSelection } from '../src/targets/resolve.js';
import type { ProbeContext } from './types.js';
import { CONTAINERD_COMM, SHIM_COMM } from '../src/targets/names.js';

export interface Predicate {
  /** e.g. `(pid == $1 && @ctrscope_exited[$1] == 0) || comm == str($2)` */
  text: string;
  /** The positional arguments, in order. */
  args: string[];
  /**
   * A probe appended to the program when targets are named by pid: it marks a target's pid in
   * the kernel the moment that process exits, and the predicate then refuses the pid, so a new
   * process that gets the same number is never traced (not even before ctrscope notices).
   */
  exitProbe?: string;
}

export const MAX_TARGET_ARGS = 64;

/**
 * sel: validated pids and comms; containerPids: the processes of --container targets without a
 * cgroup id; cgroupIds: v2 cgroup ids of containers (their processes, including later ones).
 */
export function targetPredicate(sel: TargetSelection, containerPids: number[] = [], cgroupIds: number[] = []): Predicate {
  // Default targets are matched by comm in the kernel: every containerd (a restarted one too, with
  // its new pid) and every runc v2 shim, including those that start during the run.
  const pids = sel.defaultTargets ? [] : [...new Set([...sel.pids, ...containerPids])];
  const comms = sel.defaultTargets ? [CONTAINERD_COMM, SHIM_COMM] : sel.comms;
  const args: string[] = [];
  const terms: string[] = [];
  const pidRefs: string[] = [];
  for (const p of pids) {
    args.push(String(p));
    const ref = `$${args.length}`;
    pidRefs.push(`pid == ${ref}`);
    terms.push(`(pid == ${ref} && @ctrscope_exited[${ref}] == 0)`);
  }
  for (const c of comms) {
    args.push(c);
    terms.push(`comm == str($${args.length})`);
  }
  for (const id of sel.defaultTargets ? [] : cgroupIds) {
    args.push(String(id));
    terms.push(`cgroup == $${args.length}`);
  }
  if (args.length > MAX_TARGET_ARGS) throw new RangeError(`at most ${MAX_TARGET_ARGS} targets`);
  // No target at all would trace the whole host: match nothing instead (pid 0 is the idle task).
  const exitProbe = pidRefs.length ? `tracepoint:sched:sched_process_exit /tid == pid && (${pidRefs.join(' || ')})/ { @ctrscope_exited[pid] = 1; }` : undefined;
  return { text: terms.length ? terms.join(' || ') : 'pid == 0 && pid == 1', args, exitProbe };
}

/**
 * Sets the predicate on each line marked `// ctrscope:filter` in a .bt program (the whole line
 * becomes `/PREDICATE/`), and on each line marked `// ctrscope:filter-group`, where only the first
 * parenthesised group holds the targets: `/(pid == $1 || comm == str($2)) || @parent[pid]/`
 * keeps `|| @parent[pid]`. Either way the shipped file stays runnable as it is.
 */
export function withPredicate(program: string, pred: Predicate): string {
  const lines = program.split('\n');
  let n = 0;
  const out = lines.map((l) => {
    const at = l.indexOf('// ctrscope:filter');
    if (at === -1) return l;
    n++;
    if (l.startsWith('// ctrscope:filter-group', at)) return replaceFirstGroup(l, at, pred.text);
    return `/${pred.text}/ // ctrscope:filter`;
  });
  if (n === 0) throw new Error('program has no ctrscope:filter line');
  if (pred.exitProbe) out.push('', '// ctrscope: pid targets that exit are refused from then on (pid reuse)', pred.exitProbe);
  return out.join('\n');
}

/**
 * Sets a fixed predicate on the one line marked `// ctrscope:MARK` (a hook ctrscope turns on or
 * off: `/0/` turns it off); throws unless exactly one line has the mark.
 */
export function withMarkedPredicate(program: string, mark: string, text: string): string {
  const tag = `// ctrscope:${mark}`;
  let n = 0;
  const out = program.split('\n').map((l) => (l.trimEnd().endsWith(tag) ? (n++, `/${text}/ ${tag}`) : l));
  if (n !== 1) throw new Error(`program has ${n} lines marked ctrscope:${mark}, not one`);
  return out.join('\n');
}

/** Replaces the inside of the first (...) group before `end` in line; throws when there is none. */
function replaceFirstGroup(line: string, end: number, text: string): string {
  const open = line.indexOf('(');
  let depth = 0;
  for (let i = open; open !== -1 && i < end; i++) {
    if (line[i] === '(') depth++;
    else if (line[i] === ')' && --depth === 0) return `${line.slice(0, open + 1)}${text}${line.slice(i)}`;
  }
  throw new Error('ctrscope:filter-group line has no (...) group');
}

/**
 * The predicate for a probe context: --container targets by their v2 cgroup id when they have one
 * (new processes in the container are then followed), else by the pids in their cgroup.
 */
export function contextPredicate(ctx: ProbeContext): Predicate {
  const cgroups: number[] = [];
  const pids: number[] = [];
  for (const c of selectedContainers(ctx)) {
    if (c.cgroupId !== null) cgroups.push(c.cgroupId);
    else pids.push(...c.pids);
  }
  return targetPredicate(ctx.selection, pids, cgroups);
}

/**
 * Every pid a pid-list tracer (perf, strace) should attach to for a context, without duplicates:
 * the resolved targets, each --container's processes, and the processes whose comm is a --comm now.
 */
export function contextPids(ctx: Pick<ProbeContext, 'selection' | 'targets' | 'facts'>): number[] {
  const out = new Set<number>(ctx.facts.commPids);
  const containers = new Map(selectedContainers(ctx).map((c) => [c.pid, c]));
  for (const t of ctx.targets) {
    const c = containers.get(t.pid);
    if (c) for (const p of c.pids) out.add(p);
    else out.add(t.pid);
  }
  return [...out];
}

/** The --container targets' cgroup facts. */
function selectedContainers(ctx: Pick<ProbeContext, 'selection' | 'targets' | 'facts'>): ProbeContext['facts']['containers'] {
  const pids = new Set(ctx.targets.filter((t) => t.role === 'container' && ctx.selection.containers.includes(t.id ?? '')).map((t) => t.pid));
  return ctx.facts.containers.filter((c) => pids.has(c.pid));
}
