/** Folded stacks (flamegraph.pl's input) from a StackProfile: the bytes ctrscope always wrote. */
import { renderFolded } from '../../parsers/folded.js';
import type { StackProfile } from './types.js';

/** `latin1`: the stacks hold one character per input byte (collapse reads perf script so). */
export function foldedBytes(p: StackProfile, encoding: 'utf8' | 'latin1' = 'utf8'): Uint8Array {
  const map = new Map<string, number>();
  for (const [stack, v] of p.stacks) map.set(stack, (map.get(stack) ?? 0) + v);
  return Buffer.from(renderFolded(map), encoding);
}
