/**
 * Folded stacks → an interactive SVG flame graph, for callers holding stacks rather than a folded
 * file (the export, the live view): options validated here (zod), then drawn by draw.ts.
 */
import type { FoldedEntry } from '../../parsers/folded.js';
import { perlNumber } from '../../parsers/folded.js';
import { flameOptionsSchema, type FlameOptions } from './options.js';
import { drawFlameGraph } from './draw.js';

export type { FlameOptions } from './options.js';
export { drawFlameGraph, drawFrames, escapeXml, type DrawnFrame } from './draw.js';

/**
 * Folded stacks (stack → count, or stack → before, after for a differential) → an SVG flame graph.
 * Options are flamegraph.pl's (FlameOptions); throws a ZodError on invalid ones.
 */
export function renderFlameGraph(stacks: Iterable<[string, number]> | Iterable<[string, number, number]>, opts: Partial<FlameOptions> = {}): string {
  const options = flameOptionsSchema.parse(opts);
  const entries: FoldedEntry[] = [];
  for (const s of stacks as Iterable<[string, number, number?]>) {
    const [stack, count, count2] = s;
    const key = count2 === undefined ? `${stack} ${perlNumber(count)}` : `${stack} ${perlNumber(count)} ${perlNumber(count2)}`;
    entries.push(count2 === undefined ? { stack, count, key } : { stack, count, count2, key });
  }
  return drawFlameGraph(entries, options);
}
