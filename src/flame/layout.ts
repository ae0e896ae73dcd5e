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
  /** Mark kernel frames (Frame.kernel), for palettes that colour them apart. */
  kernel?: boolean;
  /** The entries are known to be in key order (readFolded sorted them): not checked again. */
  sorted?: boolean;
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

/**
 * Entries in code-unit order of their keys. The keys alone are sorted with sort()'s own string
 * order (no comparator called from JS: 3-5x faster on 100k lines), then mapped back.
 */
function sortByKey(entries: readonly FoldedEntry[]): FoldedEntry[] {
  const byKey = new Map<string, FoldedEntry>();
  const keys: string[] = new Array(entries.length);
  for (let i = 0; i < entries.length; i++) {
    keys[i] = entries[i]!.key;
    byKey.set(entries[i]!.key, entries[i]!);
  }
  keys.sort();
  // Equal keys are equal lines, so any entry of that key stands for each of them.
  return keys.map((k) => byKey.get(k)!);
}

function reversed(e: FoldedEntry): FoldedEntry {
  const stack = splitFrames(e.stack).reverse().join(';');
  const counts = e.count2 === undefined ? String(e.count) : `${e.count} ${e.count2}`;
  return { stack, count: e.count, count2: e.count2, key: `${stack} ${counts}` };
}

function isSorted(entries: readonly FoldedEntry[]): boolean {
  for (let i = 1; i < entries.length; i++) if (entries[i - 1]!.key > entries[i]!.key) return false;
  return true;
}

/** The open path of a layout: depth 0, the root, open from the start. */
function openPath(): { starts: number[]; deltas: Array<number | undefined>; kernel: boolean[]; ends: number[] } {
  return { starts: [0], deltas: [undefined], kernel: [false], ends: [-1] };
}

/**
 * Merges the entries into frames. The open path (one frame per depth) is kept while lines share
 * it; a frame closes when a line leaves it. An open frame is only where it ends in the current
 * line (ends[d]): its name is cut out when it closes wide enough to keep, so the many frames
 * --minwidth leaves out never cost a string.
 */
export function layoutFrames(input: readonly FoldedEntry[], opts: LayoutOptions): Layout {
  let entries = opts.reverse ? input.map(reversed) : input;
  // Most folded files come sorted (stackcollapse scripts and ctrscope print them so): one pass says so.
  if (!opts.flamechart && !(opts.sorted === true && !opts.reverse) && !isSorted(entries)) entries = sortByKey(entries);
  const frames: Frame[] = [];
  // The open path, depths 0 (the root) to top - 1. Depth d's name is prev[ends[d - 1] + 1, ends[d])
  // (from 0 at depth 1). The arrays only grow: `top` says how much of them is open.
  const { starts, deltas, kernel, ends } = openPath();
  let top = 1;
  let prev = '';
  let time = 0;
  let maxDelta = 1;
  let differential = false;
  const markKernel = opts.kernel === true;
  // The whole is known before merging, so frames too narrow to draw are never kept.
  let total = 0;
  for (const e of entries) total += e.count2 ?? e.count;
  const perTime = (opts.width - 2 * opts.xpad) / (total || 1);
  const minTime = typeof opts.minwidth === 'string' ? (total * Number(opts.minwidth.replace(/%$/, ''))) / 100 : opts.minwidth / perTime;
  let depthMax = 0;

  const close = (from: number) => {
    for (let d = top - 1; d >= from; d--) {
      if (time - starts[d]! < minTime) continue;
      if (d > depthMax) depthMax = d;
      const name = d === 0 ? '' : prev.slice(d === 1 ? 0 : ends[d - 1]! + 1, ends[d]!);
      const f: Frame = { name, depth: d, start: starts[d]!, end: time, kernel: kernel[d]! };
      if (deltas[d] !== undefined) f.delta = deltas[d];
      frames.push(f);
    }
    top = from;
  };

  for (const e of entries) {
    const s = e.stack;
    // The frames are s split at ";" with trailing empty ones dropped (Perl's split). The open path
    // is the previous line's frames: the common prefix of the two lines says which stay open, so
    // a line costs a string only for the frames it opens.
    let end = s.length;
    while (end > 0 && s.charCodeAt(end - 1) === 59) end--;
    const delta = e.count2 === undefined ? undefined : e.count2 - e.count;
    if (delta !== undefined) {
      differential = true;
      if (Math.abs(delta) > maxDelta) maxDelta = Math.abs(delta);
    }
    // Depth d of the open path ends at ends[d] in prev; it stays open if s has the same boundary
    // there and the same text before it. Shared depths are a prefix: binary search, each probe one
    // native string comparison (a character loop in JS is 10x slower on long Java stacks) of only
    // the text after the deepest depth known shared (`at`).
    let lo = 0;
    let hi = top - 1;
    let at = 0;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      const b = ends[mid]!;
      if (b <= end && (b === end || s.charCodeAt(b) === 59) && s.slice(at, b) === prev.slice(at, b)) {
        lo = mid;
        at = b;
      } else hi = mid - 1;
    }
    close(lo + 1);
    let pos = top === 1 ? 0 : ends[top - 1]! + 1;
    if (end === 0) pos = 1;
    for (let d = top; pos <= end; d++) {
      let stop = s.indexOf(';', pos);
      if (stop === -1 || stop > end) stop = end;
      ends[d] = stop;
      starts[d] = time;
      kernel[d] = markKernel && (kernel[d - 1]! || entersKernel(s.slice(pos, stop)));
      pos = stop + 1;
      deltas[d] = delta === undefined ? undefined : pos > end ? delta : 0;
      top = d + 1;
    }
    prev = s;
    if (delta !== undefined && deltas[0] === undefined) deltas[0] = 0;
    time += e.count2 ?? e.count;
  }
  close(0);

  return { frames, total: time, depthMax, maxDelta, differential };
}
