/**
 * Hot stacks as an icicle (a flame graph drawn top-down): each row is one depth below the zoom
 * root, each frame as wide as its share of samples. The selected frame is drawn inverse.
 */
import { buildFlame, nodeAt, type FlameNode } from '../flame.js';
import type { UiState } from '../state.js';
import { seg, type Line, type Seg } from '../text.js';
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

/** Lays out nodes row by row: depth 0 is the zoom root at full width. */
export function icicleRows(root: FlameNode, rootPath: string[], width: number, depth: number): Cell[][] {
  const rows: Cell[][] = [[{ node: root, path: rootPath, x: 0, w: width }]];
  for (let d = 1; d < depth; d++) {
    const row: Cell[] = [];
    for (const parent of rows[d - 1]!) {
      let acc = 0;
      for (const c of parent.node.children) {
        const x0 = parent.x + Math.floor((acc / parent.node.value) * parent.w);
        acc += c.value;
        const x1 = parent.x + Math.floor((acc / parent.node.value) * parent.w);
        if (x1 - x0 >= 1) row.push({ node: c, path: [...parent.path, c.name], x: x0, w: x1 - x0 });
      }
    }
    if (row.length === 0) break;
    rows.push(row);
  }
  return rows;
}

function drawRow(cells: Cell[], width: number, sel: string[], focused: boolean): Line {
  const out: Line = [];
  let x = 0;
  for (const c of cells) {
    if (c.x > x) out.push(seg(' '.repeat(c.x - x)));
    const label = c.w >= 3 ? ` ${c.node.name}`.slice(0, c.w - 1).padEnd(c.w - 1) + '▏' : '▏'.repeat(c.w);
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
