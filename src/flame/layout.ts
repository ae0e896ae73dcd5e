/**
 * Folded stacks → the frames of a flame graph: merged, placed and pruned, before anything is drawn.
 *
 * The layout is the one flamegraph.pl documents and draws: lines are sorted as whole lines
 * (byte order) unless it is a flame chart (input order kept, so time runs left to right);
 * neighbouring lines that share a prefix share those frames; a frame's width is its samples (the
 * second count for two-count input); the root "all" spans everything; frames narrower than
 * --minwidth (pixels, or a percentage of the whole) are left out. A differential frame's delta is
 * the change of the stacks that end in it (its own samples), not of its children.
 * Written here rather than taken from a library: no npm package lays out folded stacks this way.
 */
import type { FoldedEntry } from '../../parsers/folded.js';
import { entersKernel } from './palettes.js';

/** One frame: depth 0 is the root ("all"); times are cumulative sample counts. */
export interface Frame {
  name: string;
  depth: number;
  start: number;
  end: number;
  /** Differential input only: second count minus first, for stacks ending in this frame. */
  delta?: number;
  /** In kernel code: this frame or a caller marked "_[k]" or a kernel entry (entry_SYSCALL_64...). */
  kernel: boolean;
}

export interface LayoutOptions {
  reverse: boolean;
  flamechart: boolean;
  /** Pixels (a number) or a percentage of the whole ("0.5%"). */
  minwidth: number | string;
  /** Image width and padding left and right, to turn pixels into samples. */
  width: number;
  xpad: number;
}

export interface Layout {
  frames: Frame[];
  /** All samples (the root's width). */
  total: number;
  /** The deepest drawn frame. */
  depthMax: number;
  /** The largest |delta| of any stack (at least 1), for colour scaling. */
  maxDelta: number;
  differential: boolean;
}

/** "a;b;c" → ["a","b","c"]; trailing empty frames dropped ("a;b;" is "a;b"), as Perl's split does. */
export function splitFrames(stack: string): string[] {
  const parts = stack.split(';');
  let n = parts.length;
  while (n > 0 && parts[n - 1] === '') n--;
  parts.length = n;
  return parts;
}

const byKey = (a: FoldedEntry, b: FoldedEntry) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);

function reversed(e: FoldedEntry): FoldedEntry {
  const stack = splitFrames(e.stack).reverse().join(';');
  const counts = e.count2 === undefined ? String(e.count) : `${e.count} ${e.count2}`;
  return { stack, count: e.count, count2: e.count2, key: `${stack} ${counts}` };
}

/**
 * Merges the entries into frames. The open path (one frame per depth) is kept while lines share
 * it; a frame closes when a line leaves it.
 */
export function layoutFrames(input: readonly FoldedEntry[], opts: LayoutOptions): Layout {
  let entries = opts.reverse ? input.map(reversed) : input.slice();
  if (!opts.flamechart) entries.sort(byKey);
  const frames: Frame[] = [];
  const names: string[] = [''];
  const starts: number[] = [0];
  const deltas: Array<number | undefined> = [undefined];
  const kernel: boolean[] = [false];
  let time = 0;
  let maxDelta = 1;
  let differential = false;

  const close = (from: number) => {
    for (let d = names.length - 1; d >= from; d--) {
      const f: Frame = { name: names[d]!, depth: d, start: starts[d]!, end: time, kernel: kernel[d]! };
      if (deltas[d] !== undefined) f.delta = deltas[d];
      frames.push(f);
    }
    names.length = starts.length = deltas.length = kernel.length = from;
  };

  for (const e of entries) {
    const parts = e.stack === '' ? [] : splitFrames(e.stack);
    const delta = e.count2 === undefined ? undefined : e.count2 - e.count;
    if (delta !== undefined) {
      differential = true;
      if (Math.abs(delta) > maxDelta) maxDelta = Math.abs(delta);
    }
    // Depth d of the open path holds parts[d - 1]; depth 0 (the root) is always shared.
    let same = 1;
    while (same < names.length && same - 1 < parts.length && names[same] === parts[same - 1]) same++;
    close(same);
    for (let d = same; d <= parts.length; d++) {
      const name = parts[d - 1]!;
      names.push(name);
      kernel.push(kernel[d - 1]! || entersKernel(name));
      starts.push(time);
      deltas.push(delta === undefined ? undefined : d === parts.length ? delta : 0);
    }
    if (delta !== undefined && deltas[0] === undefined) deltas[0] = 0;
    time += e.count2 ?? e.count;
  }
  close(0);

  const usable = opts.width - 2 * opts.xpad;
  const perTime = usable / (time || 1);
  const minTime =
    typeof opts.minwidth === 'string' ? (time * Number(opts.minwidth.replace(/%$/, ''))) / 100 : opts.minwidth / perTime;
  let depthMax = 0;
  const kept: Frame[] = [];
  for (const f of frames) {
    if (f.end - f.start < minTime) continue;
    kept.push(f);
    if (f.depth > depthMax) depthMax = f.depth;
  }
  return { frames: kept, total: time, depthMax, maxDelta, differential };
}
