/**
 * layout.ts's layoutFrames for folded stacks read into a trie (parsers/folded-trie.ts): the same
 * frames, merged, placed and pruned the same way. The trie's leaves, each node's children in
 * flamegraph.pl's order, are its lines sorted as strings; frames are compared by name id, and only
 * the frames kept (wide enough to draw) are decoded, one string each.
 */
import { comparePieces, type FoldedTrie } from '../../parsers/folded-trie-shape.js';
import { grown } from '../../parsers/name-table.js';
import type { Frame, Layout, LayoutOptions } from './layout.js';
import { entersKernel } from './palettes.js';

/**
 * The leaves' nodes in the order of their lines (depth first, each node's children in
 * comparePieces order: most were made so, the others are put in order here, in the trie), and for
 * each the least depth at which its path differs from the leaf's before it.
 */
function leavesInOrder(t: FoldedTrie): { order: Int32Array; from: Int32Array } {
  putInOrder(t);
  return walkLeaves(t);
}

/*
 * Each loop below is a function of its own: V8 compiles a long loop of code that runs once while it
 * runs (on-stack replacement), and code after the loop that has not run yet leaves the compiled
 * loop without type feedback, which undoes it there (measured with --trace-deopt: two such
 * deoptimizations in each of leavesInOrder and layoutFoldedTrie when the loops shared a function).
 */

/** Children put in comparePieces order where they were not made so. */
function putInOrder(t: FoldedTrie): void {
  const { lastChild, nextSibling } = t;
  for (let p = 0; p < t.nodes; p++) {
    if (!t.unordered[p]) continue;
    const kids: number[] = [];
    for (let n = nextSibling[lastChild[p]!]!; ; n = nextSibling[n]!) {
      kids.push(n);
      if (n === lastChild[p]) break;
    }
    kids.sort((x, y) => comparePieces(t, x, y));
    for (let i = 0; i < kids.length; i++) nextSibling[kids[i]!] = kids[(i + 1) % kids.length]!;
    lastChild[p] = kids[kids.length - 1]!;
    t.unordered[p] = 0;
  }
}

/** The leaves in order, depth first, and for each the least depth where its path parts from the leaf's before it. */
function walkLeaves(t: FoldedTrie): { order: Int32Array; from: Int32Array } {
  const { lastChild, nextSibling, parent, key } = t;
  const order = new Int32Array(t.leaves);
  const from = new Int32Array(t.leaves);
  let leaves = 0;
  // Down to a first child while there is one (an inner node always has one), else on to the next
  // sibling, climbing while the node is its parent's last child.
  let x = lastChild[0] === -1 ? 0 : nextSibling[lastChild[0]!]!;
  let depth = 1;
  let least = 1;
  while (x !== 0) {
    if (key[x]! >= 0) {
      x = nextSibling[lastChild[x]!]!;
      depth++;
      continue;
    }
    order[leaves] = x;
    from[leaves++] = least;
    while (x !== 0 && x === lastChild[parent[x]!]) {
      x = parent[x]!;
      depth--;
    }
    if (x !== 0) x = nextSibling[x]!;
    least = depth;
  }
  return { order, from };
}

/** The frames of a folded file's trie (as layoutFrames lays out its lines sorted, not reversed). */
export function layoutFoldedTrie(t: FoldedTrie, opts: Pick<LayoutOptions, 'minwidth' | 'width' | 'xpad' | 'kernel'>): Layout {
  const { order, from } = leavesInOrder(t);
  const { names, count, count2 } = t;
  const total = totalOf(t, order);
  const perTime = (opts.width - 2 * opts.xpad) / (total || 1);
  const minTime = typeof opts.minwidth === 'string' ? (total * Number(opts.minwidth.replace(/%$/, ''))) / 100 : opts.minwidth / perTime;
  const markKernel = opts.kernel === true;
  const kernelName = new Int8Array(names.size).fill(-1);
  // An empty stack keeps an open first frame that is empty (layoutFrames's reading of "" as one empty frame).
  const empty = names.find('');

  const frames: Frame[] = [];
  // The open path, depths 0 (the root) to top - 1: each depth's name id, start, delta, kernel mark.
  let open = new Int32Array(256);
  let line = new Int32Array(256);
  const starts: number[] = [0];
  const deltas: Array<number | undefined> = [undefined];
  const kernel: boolean[] = [false];
  let top = 1;
  let time = 0;
  let maxDelta = 1;
  let differential = false;
  let depthMax = 0;
  const close = (to: number) => {
    for (let d = top - 1; d >= to; d--) {
      if (time - starts[d]! < minTime) continue;
      if (d > depthMax) depthMax = d;
      const f: Frame = { name: d === 0 ? '' : names.text(open[d]!), depth: d, start: starts[d]!, end: time, kernel: kernel[d]! };
      if (deltas[d] !== undefined) f.delta = deltas[d];
      frames.push(f);
    }
    top = to;
  };

  for (let i = 0; i < order.length; i++) {
    const node = order[i]!;
    const x = ~t.key[node]!;
    const depth = t.leafDepth[x]!;
    const nf = t.frames[x]!;
    if (depth >= line.length) {
      line = grown(line, depth * 2);
      open = grown(open, depth * 2);
    }
    // The line's frames: its inner pieces (above `from[i]` the leaf's before it had the same), then
    // the leaf piece's name when the stack reaches it.
    const differs = from[i]!;
    for (let p = t.parent[node]!, d = depth - 1; d >= differs; d--, p = t.parent[p]!) line[d] = t.key[p]!;
    if (nf === depth) line[nf] = t.lastName[x]!;
    if (nf === 0) line[1] = empty;
    const same = nf === 0 ? 1 : nf;
    // The open frames are the last line's: the same above where the paths part.
    let keep = Math.min(differs - 1, top - 1, same);
    while (keep < top - 1 && keep < same && open[keep + 1] === line[keep + 1]) keep++;
    close(keep + 1);
    const c2 = count2[x]!;
    const delta = c2 === c2 ? c2 - count[x]! : undefined;
    if (delta !== undefined) {
      differential = true;
      if (Math.abs(delta) > maxDelta) maxDelta = Math.abs(delta);
    }
    for (let d = top; d <= nf; d++) {
      const id = line[d]!;
      open[d] = id;
      starts[d] = time;
      let k = false;
      if (markKernel) {
        if (kernel[d - 1]) k = true;
        else {
          if (kernelName[id] === -1) kernelName[id] = entersKernel(names.text(id)) ? 1 : 0;
          k = kernelName[id] === 1;
        }
      }
      kernel[d] = k;
      deltas[d] = delta === undefined ? undefined : d === nf ? delta : 0;
      top = d + 1;
    }
    if (delta !== undefined && deltas[0] === undefined) deltas[0] = 0;
    // Identical lines: the first opened what they share; each adds its count.
    const v = delta !== undefined ? c2 : count[x]!;
    for (let r = t.lines[x]!; r > 0; r--) time += v;
  }
  close(0);
  return { frames, total: time, depthMax, maxDelta, differential };
}

/** All the samples: each line's count (the second one for a differential), once per identical line, added in order. */
function totalOf(t: FoldedTrie, order: Int32Array): number {
  const { count, count2 } = t;
  let total = 0;
  for (const node of order) {
    const x = ~t.key[node]!;
    const v = count2[x]! === count2[x]! ? count2[x]! : count[x]!;
    for (let r = t.lines[x]!; r > 0; r--) total += v;
  }
  return total;
}
