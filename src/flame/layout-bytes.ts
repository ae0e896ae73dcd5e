/**
 * layout.ts's layoutFrames for folded stacks read as bytes (parsers/folded-bytes.ts): the same
 * frames, merged, placed and pruned the same way, from byte offsets instead of strings. Only the
 * frames kept (wide enough to draw) are decoded, one string each.
 * Hand-written for speed (`ctrscope flamegraph` on large files): layout.ts compares every line with
 * the one before it as strings; here readFoldedBytes has already measured what they share.
 */
import type { FoldedBytes } from '../../parsers/folded-bytes.js';
import { openPath, type Frame, type Layout, type LayoutOptions } from './layout.js';
import { entersKernel } from './palettes.js';

/** The frames of sorted lines (not reversed, not a flame chart: readFoldedBytes's order). */
export function layoutFoldedBytes(r: FoldedBytes, opts: Pick<LayoutOptions, 'minwidth' | 'width' | 'xpad' | 'kernel'>): Layout {
  const { bytes: b, n, start, stackLen, count, count2, shared } = r;
  const frames: Frame[] = [];
  // The open path, depths 0 (the root) to top - 1. Depth d's name is the previous line's bytes
  // [ends[d - 1] + 1, ends[d]) (from 0 at depth 1), offsets from the line's start.
  const { starts, deltas, kernel, ends } = openPath();
  let top = 1;
  let prev = 0;
  let time = 0;
  let maxDelta = 1;
  let differential = false;
  const markKernel = opts.kernel === true;
  let total = 0;
  for (let i = 0; i < n; i++) {
    const c2 = count2[i]!;
    total += c2 === c2 ? c2 : count[i]!;
  }
  const perTime = (opts.width - 2 * opts.xpad) / (total || 1);
  const minTime = typeof opts.minwidth === 'string' ? (total * Number(opts.minwidth.replace(/%$/, ''))) / 100 : opts.minwidth / perTime;
  let depthMax = 0;

  for (let i = 0; i <= n; i++) {
    const s = i < n ? start[i]! : 0;
    const end = i < n ? stackLen[i]! : 0;
    // The open depths this line keeps: those ending where it shares the previous line's bytes and
    // has a frame boundary too (a prefix of the open path, so the first from the top that does).
    let keep = 0;
    if (i > 0 && i < n) {
      const m = shared[i]! < end ? shared[i]! : end;
      keep = top - 1;
      while (keep > 0) {
        const e = ends[keep]!;
        if (e <= m && (e === end || b[s + e] === 59)) break;
        keep--;
      }
    }
    // Close the open frames it leaves (all of them after the last line).
    for (let d = top - 1; d > keep || (i === n && d >= 0); d--) {
      if (time - starts[d]! < minTime) continue;
      if (d > depthMax) depthMax = d;
      const name = d === 0 ? '' : b.toString('latin1', prev + (d === 1 ? 0 : ends[d - 1]! + 1), prev + ends[d]!);
      const f: Frame = { name, depth: d, start: starts[d]!, end: time, kernel: kernel[d]! };
      if (deltas[d] !== undefined) f.delta = deltas[d];
      frames.push(f);
    }
    if (i === n) break;
    top = keep + 1;
    const c2 = count2[i]!;
    const delta = c2 === c2 ? c2 - count[i]! : undefined;
    if (delta !== undefined) {
      differential = true;
      if (Math.abs(delta) > maxDelta) maxDelta = Math.abs(delta);
    }
    // Open the frames after them, up to the line's end.
    let pos = top === 1 ? 0 : ends[top - 1]! + 1;
    if (end === 0) pos = 1;
    for (let d = top; pos <= end; d++) {
      let stop = pos;
      while (stop < end && b[s + stop] !== 59) stop++;
      ends[d] = stop;
      starts[d] = time;
      kernel[d] = markKernel && (kernel[d - 1]! || entersKernel(b.toString('latin1', s + pos, s + stop)));
      pos = stop + 1;
      deltas[d] = delta === undefined ? undefined : pos > end ? delta : 0;
      top = d + 1;
    }
    prev = s;
    if (delta !== undefined && deltas[0] === undefined) deltas[0] = 0;
    time += delta !== undefined ? c2 : count[i]!;
  }
  return { frames, total: time, depthMax, maxDelta, differential };
}
