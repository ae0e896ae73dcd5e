/**
 * A flame graph's default options and the geometry derived from options, without the validation
 * (options.ts, zod): `ctrscope flamegraph` without option flags draws without loading zod, which
 * costs about 0.1 s of a run's start (test/unit/flame-render.test.ts checks FLAME_DEFAULTS against
 * the schema's defaults).
 */
import type { FlameOptions } from './options.js';

/** What flameOptionsSchema.parse({}) returns: flamegraph.pl's defaults. */
export const FLAME_DEFAULTS: Readonly<FlameOptions> = Object.freeze({
  subtitle: '',
  width: 1200,
  height: 16,
  fontsize: 12,
  fontwidth: 0.59,
  minwidth: 0.1,
  colors: 'hot',
  hash: false,
  reverse: false,
  inverted: false,
  flamechart: false,
  negate: false,
  countname: 'samples',
  nametype: 'Function:',
});

/** Padding around the frames, from the font size as flamegraph.pl has it. */
export function paddings(o: FlameOptions): { xpad: number; top: number; bottom: number; subtitle: number; framepad: number } {
  return { xpad: 10, top: o.fontsize * 3, bottom: o.fontsize * 2 + 10, subtitle: o.subtitle ? o.fontsize * 2 : 0, framepad: 1 };
}

export function defaultTitle(o: FlameOptions): string {
  if (o.title !== undefined) return o.title;
  if (o.flamechart) return 'Flame Chart';
  return o.inverted ? 'Icicle Graph' : 'Flame Graph';
}
