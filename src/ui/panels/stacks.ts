/**
 * Hot stacks as an icicle (a flame graph drawn top-down): each row is one depth below the zoom
 * root, each frame as wide as its share of samples. The selected frame is drawn inverse. The
 * layout is kept per tree node and width: the tree is memoized on the stacks array, so the view
 * re-lays out only when that array changes (a selection move only re-draws).
 */
import { buildFlame, nodeAt, type FlameNode } from '../flame.js';
import type { UiState } from '../state.js';
import { cutCells, padCells, seg, type Line, type Seg } from '../text.js';
import { waitingLines } from './common.js';

const COLORS: Seg['color'][] = ['yellow', 'red', 'magenta'];

function hue(name: string): Seg['color'] {
  let h = 0;
  for (let i = 0; i < name.length; i++) h = (h * 31 + name.charCodeAt(i)) >>> 0;
  return COLORS[h % COLORS.length];
}

interface Cell {
  node: FlameNode;
  path: string[];
  x: number;
  w: number;
}

/** The row below `above`: each node's children, as wide as their share of its samples. */
function nextRow(above: Cell[]): Cell[] {
  const row: Cell[] = [];
  for (const parent of above) {
    let acc = 0;
    for (const c of parent.node.children) {
      const x0 = parent.x + Math.floor((acc / parent.node.value) * parent.w);
      acc += c.value;
      const x1 = parent.x + Math.floor((acc / parent.node.value) * parent.w);
      if (x1 - x0 >= 1) row.push({ node: c, path: [...parent.path, c.name], x: x0, w: x1 - x0 });
    }
  }
  return row;
}

interface Layout {
  width: number;
  rows: Cell[][];
  /** No row below the last one. */
  done: boolean;
}
const layouts = new WeakMap<FlameNode, Layout>();

/**
 * Lays out nodes row by row: depth 0 is the zoom root at full width. Rows already laid out for
 * this node and width are reused (the same Cell arrays), and only deeper ones are added.
 */
export function icicleRows(root: FlameNode, rootPath: string[], width: number, depth: number): Cell[][] {
  let l = layouts.get(root);
  if (!l || l.width !== width) {
    l = { width, rows: [[{ node: root, path: rootPath, x: 0, w: width }]], done: false };
    layouts.set(root, l);
  }
  while (!l.done && l.rows.length < depth) {
    const row = nextRow(l.rows[l.rows.length - 1]!);
    if (row.length === 0) l.done = true;
    else l.rows.push(row);
  }
  return l.rows.slice(0, Math.max(1, depth));
}

function drawRow(cells: Cell[], width: number, sel: string[], focused: boolean): Line {
  const out: Line = [];
  let x = 0;
  for (const c of cells) {
    if (c.x > x) out.push(seg(' '.repeat(c.x - x)));
    const label = c.w >= 3 ? padCells(cutCells(` ${c.node.name}`, c.w - 1), c.w - 1) + '▏' : '▏'.repeat(c.w);
    const isSel = focused && c.path.length === sel.length && c.path.every((p, i) => p === sel[i]);
    out.push(seg(label, isSel ? { inverse: true, bold: true } : c.w < 3 ? { color: hue(c.node.name), dim: true } : { color: hue(c.node.name) }));
    x = c.x + c.w;
  }
  if (x < width) out.push(seg(' '.repeat(width - x)));
  return out;
}

export function stacksLines(s: UiState, width: number, height: number): Line[] {
  const v = s.shown?.stacks;
  if (!v) return waitingLines(s.shown, 'stacks');
  if (v.samples === 0) return [[seg('no samples yet', { dim: true })]];
  const all = buildFlame(v.folded);
  const zoom = nodeAt(all, s.flameZoom);
  const sel = nodeAt(all, s.flameSel).path;
  const selDepth = Math.max(0, sel.length - zoom.path.length);
  const rows = icicleRows(zoom.node, zoom.path, width, selDepth + height);
  const first = Math.max(0, selDepth - height + 1);
  return rows.slice(first, first + height).map((r) => drawRow(r, width, sel, s.focus === 'stacks'));
}

export function stacksTitle(s: UiState): string {
  const v = s.shown?.stacks;
  if (!v || v.samples === 0) return '';
  const all = buildFlame(v.folded);
  const { node, path } = nodeAt(all, s.flameSel);
  const pct = all.value ? ((node.value / all.value) * 100).toFixed(1) : '0';
  const zoom = s.flameZoom.length ? `zoomed ${s.flameZoom.length} deep · ` : '';
  return `${zoom}${path.length ? node.name : 'all'} ${pct}% (${node.value} of ${v.samples} samples)`;
}
