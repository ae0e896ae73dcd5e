/**
 * Builds the bpftrace predicate that selects a probe's targets. Only positional references
 * ($1, str($2), ...) enter the program text; the values travel as bpftrace arguments. The text
 * therefore depends on how many targets there are, never on what a person typed.
 */
import type { TargetSelection } from './types.js';
import { SHIM_COMM } from '../src/targets/discover.js';

export interface Predicate {
  /** e.g. `pid == $1 || comm == str($2)` */
  text: string;
  /** The positional arguments, in order. */
  args: string[];
}

export const MAX_TARGET_ARGS = 64;

/** pids: validated process ids; comms: validated command names. */
export function targetPredicate(sel: TargetSelection, containerdPids: number[], containerPids: number[] = []): Predicate {
  const pids = sel.defaultTargets ? containerdPids : [...sel.pids, ...containerPids];
  const comms = sel.defaultTargets ? [SHIM_COMM] : sel.comms;
  const args: string[] = [];
  const terms: string[] = [];
  for (const p of pids) {
    args.push(String(p));
    terms.push(`pid == $${args.length}`);
  }
  for (const c of comms) {
    args.push(c);
    terms.push(`comm == str($${args.length})`);
  }
  if (args.length > MAX_TARGET_ARGS) throw new RangeError(`at most ${MAX_TARGET_ARGS} targets`);
  // No target at all would trace the whole host: match nothing instead (pid 0 is the idle task).
  return { text: terms.length ? terms.join(' || ') : 'pid == 0 && pid == 1', args };
}

/** Replaces the predicate on the line marked `// ctrscope:filter` in a .bt program. */
export function withPredicate(program: string, pred: Predicate): string {
  const lines = program.split('\n');
  let n = 0;
  const out = lines.map((l) => {
    if (!l.includes('// ctrscope:filter')) return l;
    n++;
    return `/${pred.text}/ // ctrscope:filter`;
  });
  if (n === 0) throw new Error('program has no ctrscope:filter line');
  return out.join('\n');
}
